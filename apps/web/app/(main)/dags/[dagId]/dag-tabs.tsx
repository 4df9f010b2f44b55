// Owns the tabs under a DAG's title: Grid (the DAG page), Graph and Gantt of the run being looked
// at (default the latest, so switching keeps the run in view), and the DAG's other views: Runs,
// Calendar, Code, Details, Backfill. The current one is marked.
import Link from 'next/link';

export type DagTab = 'grid' | 'graph' | 'gantt' | 'runs' | 'calendar' | 'code' | 'details' | 'backfill';

const LABELS: Record<DagTab, string> = {
  grid: 'Grid',
  graph: 'Graph',
  gantt: 'Gantt',
  runs: 'Runs',
  calendar: 'Calendar',
  code: 'Code',
  details: 'Details',
  backfill: 'Backfill',
};

export function DagTabs({
  dagId,
  current,
  runId,
}: {
  readonly dagId: string;
  readonly current: DagTab;
  /** The run the Graph and Gantt show; absent: the latest run. */
  readonly runId?: string | null | undefined;
}) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  const run = runId ? encodeURIComponent(runId) : null;
  const href: Record<DagTab, string> = {
    grid: base,
    graph: run ? `${base}/graph?runId=${run}` : `${base}/graph`,
    gantt: run ? `${base}/runs/${run}/gantt` : `${base}/gantt`,
    runs: `${base}/runs`,
    calendar: `${base}/calendar`,
    code: `${base}/code`,
    details: `${base}/details`,
    backfill: `${base}/backfill`,
  };
  return (
    <nav className="tabs dag-tabs" aria-label="DAG views">
      {(Object.keys(LABELS) as DagTab[]).map((tab) => (
        <Link
          key={tab}
          href={href[tab]}
          className={tab === current ? 'current' : undefined}
          aria-current={tab === current ? 'page' : undefined}
        >
          {LABELS[tab]}
        </Link>
      ))}
    </nav>
  );
}
