// Owns the header of a DAG's secondary views (runs, calendar, code, details, backfill): the
// breadcrumbs, the DAG's title, and links between the views, the current one marked.
import Link from 'next/link';

const VIEWS = [
  ['', 'Grid'],
  ['runs', 'Runs'],
  ['calendar', 'Calendar'],
  ['code', 'Code'],
  ['details', 'Details'],
  ['backfill', 'Backfill'],
] as const;

export type DagView = (typeof VIEWS)[number][0];

export function DagViewsNav({ dagId, current }: { readonly dagId: string; readonly current: DagView }) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  return (
    <nav className="tabs dag-views" aria-label="DAG views">
      {VIEWS.map(([path, label]) => (
        <Link
          key={path}
          href={path ? `${base}/${path}` : base}
          className={path === current ? 'current' : ''}
          aria-current={path === current ? 'page' : undefined}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function DagViewHeader({
  dagId,
  current,
  isPaused,
}: {
  readonly dagId: string;
  readonly current: DagView;
  readonly isPaused: boolean;
}) {
  const label = VIEWS.find(([path]) => path === current)?.[1] ?? '';
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={`/dags/${encodeURIComponent(dagId)}`}>{dagId}</Link> /{' '}
        {label.toLowerCase()}
      </p>
      <h1>
        {dagId} {isPaused ? <span className="state paused">paused</span> : null}
      </h1>
      <DagViewsNav dagId={dagId} current={current} />
    </>
  );
}
