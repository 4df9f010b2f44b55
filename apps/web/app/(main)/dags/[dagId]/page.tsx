// Owns a DAG's page: its details and the grid of its latest runs (columns, newest on the right)
// by task (rows, in topological order), each cell a task instance linking to its page.
import { EngineError, getStoredDag, listDagRuns } from '@weir/engine';
import { topologicalOrder } from '@weir/domain';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { instant } from '../../../../lib/format.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const RUNS = 25;

export default async function DagPage({ params }: { params: Promise<{ dagId: string }> }) {
  const dagId = decodeURIComponent((await params).dagId);
  const { db, sql } = services();
  let stored: Awaited<ReturnType<typeof getStoredDag>>;
  try {
    stored = await getStoredDag(db, dagId);
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  const runs = (await listDagRuns(db, dagId, { limit: RUNS })).reverse();
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
      <h1>
        {dagId} {stored.isPaused ? <span className="state paused">paused</span> : null}
      </h1>
      <p className="muted">
        schedule <code>{dag.schedule ?? 'manual'}</code> · timezone {dag.timezone ?? 'UTC'} · catchup{' '}
        {dag.catchup ? 'on' : 'off'} · owner {dag.owner ?? '–'} · file <code>{stored.fileloc}</code>
      </p>
      {runs.length === 0 ? (
        <p className="muted">No runs yet: trigger one with `npx weir dags trigger {dagId}`.</p>
      ) : (
        <div className="grid-wrap">
          <table className="grid">
            <thead>
              <tr>
                <th>task</th>
                {runs.map((r) => (
                  <th key={r.runId} title={`${r.runId}\n${r.state}\n${instant(r.logicalDate)}`}>
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
                      <td key={r.runId}>
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
    </>
  );
}
