// Owns the header of a DAG's secondary views (runs, calendar, code, details, backfill): the
// breadcrumbs, the DAG's title, and the DAG's tabs, the current one marked.
import Link from 'next/link';
import { type DagTab, DagTabs } from './dag-tabs.tsx';

type DagView = Exclude<DagTab, 'grid' | 'graph' | 'gantt'>;

export function DagViewHeader({
  dagId,
  current,
  isPaused,
}: {
  readonly dagId: string;
  readonly current: DagView;
  readonly isPaused: boolean;
}) {
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={`/dags/${encodeURIComponent(dagId)}`}>{dagId}</Link> /{' '}
        {current}
      </p>
      <h1>
        {dagId} {isPaused ? <span className="state paused">paused</span> : null}
      </h1>
      <DagTabs dagId={dagId} current={current} />
    </>
  );
}
