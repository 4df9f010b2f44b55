// Owns a DAG's page: its details, the operator's Trigger and Pause buttons, the grid (the grid
// read model's newest page, handed to the DagGrid client component: runs as columns, newest on
// the right, tasks as rows in topological order; selected run and task and expanded mapped tasks
// in the URL), and the list of its latest runs, filtered by state in the URL.
import { can } from '@weir/auth';
import { DAG_RUN_STATES, type DagRunState } from '@weir/domain';
import { dagGrid, EngineError, getStoredDag, listDagRuns } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DagGrid } from '../../../../components/grid/dag-grid.tsx';
import { encodeRunCursor } from '../../../../lib/api/cursor.ts';
import { requirePage } from '../../../../lib/auth.ts';
import { services } from '../../../../lib/services.ts';
import { PauseToggle } from '../pause-toggle.tsx';
import { DagTabs } from './dag-tabs.tsx';
import { RunsList } from './runs-list.tsx';

export const dynamic = 'force-dynamic';

const RUNS = 25;

export default async function DagPage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<{
    state?: string;
    triggered?: string;
    run?: string;
    task?: string;
    expand?: string;
  }>;
}) {
  const principal = await requirePage();
  const dagId = decodeURIComponent((await params).dagId);
  const query = await searchParams;
  const runState = DAG_RUN_STATES.find((s) => s === query.state) as DagRunState | undefined;
  const operate = can(principal.role, 'run.operate');
  const { db, sql } = services();
  let stored: Awaited<ReturnType<typeof getStoredDag>>;
  try {
    stored = await getStoredDag(db, dagId);
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  const expand = (query.expand ?? '').split(',').filter((t) => t !== '');
  const [grid, latest, listed] = await Promise.all([
    dagGrid(sql, dagId, { now: new Date(), expand }),
    listDagRuns(db, dagId, { limit: RUNS }),
    runState ? listDagRuns(db, dagId, { limit: RUNS, state: runState }) : null,
  ]);
  // A run just triggered is the one picked until another is.
  const selectedRun = query.run ?? query.triggered ?? null;
  const dag = stored.serialized;
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / {dagId}
      </p>
      <div className="title-row">
        <h1>
          {dagId} {stored.isPaused ? <span className="state paused">paused</span> : null}
        </h1>
        {operate ? (
          <div className="actions">
            <PauseToggle dagId={dagId} isPaused={stored.isPaused} />
            <Link href={`/dags/${encodeURIComponent(dagId)}/trigger`} className="button">
              Trigger
            </Link>
          </div>
        ) : null}
      </div>
      <DagTabs dagId={dagId} current="grid" runId={latest[0]?.runId} />
      <p className="muted">
        schedule <code>{dag.schedule ?? 'manual'}</code> · timezone {dag.timezone ?? 'UTC'} · catchup{' '}
        {dag.catchup ? 'on' : 'off'} · owner {dag.owner ?? '–'} · file <code>{stored.fileloc}</code>
      </p>
      {query.triggered ? (
        <p className="banner ok-banner" role="status">
          Triggered run <code>{query.triggered}</code>
          {stored.isPaused ? '; it waits, queued, until the DAG is unpaused.' : '.'}
        </p>
      ) : null}
      {grid.runs.length === 0 ? (
        <p className="muted">
          No runs yet
          {operate ? ': trigger one with the Trigger button' : ''} (or `npx weir dags trigger {dagId}`).
        </p>
      ) : (
        <DagGrid
          dagId={dagId}
          grid={grid}
          nextCursor={
            grid.older
              ? encodeRunCursor({ logicalDate: new Date(grid.older.logicalDate), id: grid.older.id })
              : null
          }
          query={Object.fromEntries(
            Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
          )}
          selectedRun={selectedRun}
          selectedTask={query.task ?? null}
          expand={expand}
        />
      )}
      <RunsList dagId={dagId} runs={listed ?? latest} state={runState} now={new Date()} />
    </>
  );
}
