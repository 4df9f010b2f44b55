// Owns what operators do to runs after the fact, as in Airflow: clear task instances (so they
// run again), and mark task instances or whole runs success or failed. Each change is followed
// by scheduling, so downstream tasks react at once.
import type { Db } from '@weir/db';
import type { SerializedDag } from '@weir/sdk';
import type { DagCatalog } from './dag-catalog.ts';
import { EngineError } from './errors.ts';
import type { DbOrTx } from './schedule-spec.ts';

export interface ClearRequest {
  readonly dagId: string;
  readonly runId: string;
  /** Default: every task of the run. */
  readonly taskIds?: readonly string[];
  /** Also clear every task downstream of the chosen ones. */
  readonly downstream?: boolean;
  /** Only task instances that failed or are upstream_failed. */
  readonly onlyFailed?: boolean;
}

export interface ClearResult {
  readonly dagRunId: number;
  readonly cleared: readonly { taskId: string; mapIndex: number }[];
}

const NOT_CLEARABLE = new Set(['queued', 'running']);

/**
 * Resets the chosen task instances to `none` so they run again with a new try (their retries
 * are available again), removes their outputs, and puts the run back to running. Mapped tasks
 * collapse back to one unexpanded instance, so they expand afresh. Queued and running
 * instances are left alone.
 */
export async function clearTaskInstances(
  db: Db,
  catalog: DagCatalog,
  request: ClearRequest,
): Promise<ClearResult> {
  const { run, dag } = await findRun(db, catalog, request.dagId, request.runId);
  const chosen = new Set(request.taskIds ?? dag.tasks.map((t) => t.taskId));
  for (const id of chosen)
    if (!dag.tasks.some((t) => t.taskId === id))
      throw new EngineError('TASK_NOT_FOUND', `DAG "${dag.dagId}" has no task "${id}"`);
  if (request.downstream) for (const id of downstreamOf(dag, [...chosen])) chosen.add(id);
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM dag_run WHERE id = ${run.id} FOR UPDATE`;
    const tis = await tx.taskInstance.findMany({
      where: { dagRunId: run.id, taskId: { in: [...chosen] } },
      orderBy: { mapIndex: 'asc' },
    });
    const picked = tis.filter(
      (ti) =>
        !NOT_CLEARABLE.has(ti.state) &&
        (!request.onlyFailed || ti.state === 'failed' || ti.state === 'upstream_failed'),
    );
    const mapped = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
    const cleared: { taskId: string; mapIndex: number }[] = [];
    for (const ti of picked) {
      const task = dag.tasks.find((t) => t.taskId === ti.taskId);
      if (mapped.has(ti.taskId) && ti.mapIndex > 0) {
        await tx.taskInstance.delete({ where: { id: ti.id } });
        continue;
      }
      await tx.xCom.deleteMany({ where: { taskInstanceId: ti.id } });
      await tx.taskInstance.update({
        where: { id: ti.id },
        data: {
          state: 'none',
          mapIndex: mapped.has(ti.taskId) ? -1 : ti.mapIndex,
          maxTries: ti.tryNumber + (task?.retries ?? 0) + 1,
          nextRetryAt: null,
          rescheduleAt: null,
          endedAt: null,
          queuedAt: null,
        },
      });
      cleared.push({ taskId: ti.taskId, mapIndex: ti.mapIndex });
    }
    if (cleared.length > 0) await reopenRun(tx, run.id);
    return { dagRunId: run.id, cleared };
  });
}

export type MarkState = 'success' | 'failed';

/** Marks task instances (and optionally their downstream) as success or failed. */
export async function markTaskInstances(
  db: Db,
  catalog: DagCatalog,
  request: {
    dagId: string;
    runId: string;
    taskIds: readonly string[];
    state: MarkState;
    downstream?: boolean;
  },
): Promise<{ dagRunId: number; marked: number }> {
  const { run, dag } = await findRun(db, catalog, request.dagId, request.runId);
  const chosen = new Set(request.taskIds);
  for (const id of chosen)
    if (!dag.tasks.some((t) => t.taskId === id))
      throw new EngineError('TASK_NOT_FOUND', `DAG "${dag.dagId}" has no task "${id}"`);
  if (request.downstream) for (const id of downstreamOf(dag, [...chosen])) chosen.add(id);
  const now = new Date();
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM dag_run WHERE id = ${run.id} FOR UPDATE`;
    const result = await tx.taskInstance.updateMany({
      where: { dagRunId: run.id, taskId: { in: [...chosen] }, state: { not: request.state } },
      data: { state: request.state, endedAt: now, nextRetryAt: null },
    });
    if (result.count > 0) await reopenRun(tx, run.id);
    return { dagRunId: run.id, marked: result.count };
  });
}

/** Marks a whole run: its unfinished task instances take the same state, and so does the run. */
export async function markDagRun(
  db: Db,
  catalog: DagCatalog,
  request: { dagId: string; runId: string; state: MarkState },
): Promise<number> {
  const { run } = await findRun(db, catalog, request.dagId, request.runId);
  const now = new Date();
  await db.$transaction([
    db.taskInstance.updateMany({
      where: {
        dagRunId: run.id,
        state: { in: ['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule'] },
      },
      data: { state: request.state, endedAt: now },
    }),
    db.dagRun.update({ where: { id: run.id }, data: { state: request.state, endedAt: now } }),
  ]);
  return run.id;
}

async function reopenRun(tx: DbOrTx, dagRunId: number): Promise<void> {
  await tx.$executeRaw`
    UPDATE dag_run SET state = 'running', ended_at = NULL, started_at = COALESCE(started_at, now()), updated_at = now()
    WHERE id = ${dagRunId}`;
}

async function findRun(
  db: Db,
  catalog: DagCatalog,
  dagId: string,
  runId: string,
): Promise<{ run: { id: number }; dag: SerializedDag }> {
  const run = await db.dagRun.findUnique({ where: { dagId_runId: { dagId, runId } }, select: { id: true } });
  if (!run) throw new EngineError('RUN_NOT_FOUND', `DAG "${dagId}" has no run "${runId}"`);
  const entry = await catalog.get(dagId);
  if (!entry) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
  return { run, dag: entry.dag };
}

/** Every task downstream of `taskIds`, transitively. */
export function downstreamOf(dag: SerializedDag, taskIds: readonly string[]): Set<string> {
  const found = new Set<string>();
  const stack = [...taskIds];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const t of dag.tasks) {
      if (t.upstreams.includes(id) && !found.has(t.taskId)) {
        found.add(t.taskId);
        stack.push(t.taskId);
      }
    }
  }
  return found;
}
