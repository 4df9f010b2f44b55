// Owns a DAG's page: its details, the operator's Trigger and Pause buttons, the grid of its
// latest runs (columns, newest on the right) by task (rows, in topological order), each cell a
// task instance linking to its page, and the list of those runs, filtered by state in the URL.
import { can } from '@weir/auth';
import { DAG_RUN_STATES, type DagRunState, topologicalOrder } from '@weir/domain';
import { EngineError, getStoredDag, listDagRuns } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '../../../../lib/auth.ts';
import { instant } from '../../../../lib/format.ts';
import { services } from '../../../../lib/services.ts';
import { PauseToggle } from '../pause-toggle.tsx';
import { DagViewsNav } from './dag-views-nav.tsx';
import { RunsList } from './runs-list.tsx';

export const dynamic = 'force-dynamic';

const RUNS = 25;

export default async function DagPage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<{ state?: string; triggered?: string }>;
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
  const [latest, listed] = await Promise.all([
    listDagRuns(db, dagId, { limit: RUNS }),
    runState ? listDagRuns(db, dagId, { limit: RUNS, state: runState }) : null,
  ]);
  const runs = [...latest].reverse();
  const cells = await sql.$queryRaw<
    { run_id: string; task_id: string; state: string; n: number; try_number: number }[]
  >`
    SELECT run_id, task_id, MIN(state::text) AS state, COUNT(*)::int AS n, MAX(try_number) AS try_number
    FROM task_instance WHERE dag_id = ${dagId} AND run_id = ANY(${runs.map((r) => r.runId)}::text[])
    GROUP BY run_id, task_id`;
  const byKey = new Map(cells.map((c) => [`${c.run_id}\n${c.task_id}`, c]));
  const dag = stored.serialized;
  const tasks = topologicalOrder(dag.tasks);
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
      <DagViewsNav dagId={dagId} current="" />
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
      {runs.length === 0 ? (
        <p className="muted">
          No runs yet
          {operate ? ': trigger one with the Trigger button' : ''} (or `npx weir dags trigger {dagId}`).
        </p>
      ) : (
        <div className="grid-wrap">
          <table className="grid">
            <thead>
              <tr>
                <th>task</th>
                {runs.map((r) => (
                  <th
                    key={r.runId}
                    title={`${r.runId}\n${r.state}\n${instant(r.logicalDate)}`}
                    className={r.runId === query.triggered ? 'picked' : undefined}
                    aria-label={`run ${r.runId} ${r.state}`}
                  >
                    <span className={`sq ${r.state}`} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tasks.map((taskId) => (
                <tr key={taskId}>
                  <th scope="row">{taskId}</th>
                  {runs.map((r) => {
                    const c = byKey.get(`${r.runId}\n${taskId}`);
                    return (
                      <td key={r.runId} className={r.runId === query.triggered ? 'picked' : undefined}>
                        {c ? (
                          <Link
                            href={`/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(r.runId)}/tasks/${encodeURIComponent(taskId)}${c.n > 1 ? '?mapIndex=0' : ''}`}
                            className={`sq ${c.state}`}
                            title={`${taskId} in ${r.runId}: ${c.state}${c.n > 1 ? ` (${c.n} mapped)` : ''}, try ${c.try_number}`}
                            aria-label={`${taskId} ${c.state}`}
                          />
                        ) : (
                          <span className="sq none" />
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RunsList dagId={dagId} runs={listed ?? latest} state={runState} now={new Date()} />
    </>
  );
}
