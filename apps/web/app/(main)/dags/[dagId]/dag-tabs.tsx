// Owns the tabs under a DAG's title: Grid (the DAG page), Graph and Gantt, the last two of the run
// being looked at (default the latest), so switching keeps the run in view.
import Link from 'next/link';

export type DagTab = 'grid' | 'graph' | 'gantt';

export function DagTabs({
  dagId,
  current,
  runId,
}: {
  readonly dagId: string;
  readonly current: DagTab;
  /** The run the Graph and Gantt show; null or absent when the DAG has no runs. */
  readonly runId?: string | null | undefined;
}) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  const run = runId ? encodeURIComponent(runId) : null;
  const tabs: { tab: DagTab; label: string; href: string | null }[] = [
    { tab: 'grid', label: 'Grid', href: base },
    { tab: 'graph', label: 'Graph', href: run ? `${base}/graph?runId=${run}` : `${base}/graph` },
    { tab: 'gantt', label: 'Gantt', href: run ? `${base}/runs/${run}/gantt` : null },
  ];
  return (
    <nav className="tabs dag-tabs" aria-label="DAG views">
      {tabs.map((t) =>
        t.href ? (
          <Link
            key={t.tab}
            href={t.href}
            className={t.tab === current ? 'current' : undefined}
            aria-current={t.tab === current ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ) : (
          <span key={t.tab} className="muted" title="no run yet">
            {t.label}
          </span>
        ),
      )}
    </nav>
  );
}
