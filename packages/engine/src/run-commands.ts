// Owns what operators do to runs after the fact, as in Airflow: clear task instances (so they
// run again), and mark task instances (success, failed or skipped) or whole runs (success or
// failed). Each change is followed by scheduling, so downstream tasks react at once. A mark that
// lands on a queued or running instance ends its current try's task_attempt in the same
// transaction (outcome marked_<state>); the worker running it notices and stops it.

import type { Db } from '@weir/db';
import { isUnfinished, TASK_INSTANCE_STATES } from '@weir/domain';
import type { SerializedDag } from '@weir/sdk';
import type { DagCatalog } from './dag-catalog.ts';
import { EngineError } from './errors.ts';
import type { DbOrTx } from './schedule-spec.ts';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface ClearRequest {
  readonly dagId: string;
  readonly runId: string;
  /** Default: every task of the run. */
  readonly taskIds?: readonly string[];
  /** Also clear every task downstream of the chosen ones. */
  readonly downstream?: boolean;
  /** Also clear every task upstream of the chosen ones. */
  readonly upstream?: boolean;
  /** Only task instances that failed or are upstream_failed. */
  readonly onlyFailed?: boolean;
  /** Change nothing: `cleared` lists what would be cleared (a confirmation's preview). */
  readonly dryRun?: boolean;
}

export interface ClearResult {
  readonly dagRunId: number;
  /** Each instance with the state it had before it was cleared. */
  readonly cleared: readonly { taskId: string; mapIndex: number; state: string }[];
}

const NOT_CLEARABLE = new Set(['queued']);

/**
 * Resets the chosen task instances to `none` so they run again with a new try (their retries
 * are available again), removes their outputs, and puts the run back to running. Mapped tasks
 * collapse back to one unexpanded instance, so they expand afresh.
 *
 * A running instance is cleared too, as in Airflow (which sets it `restarting`): its try's
 * attempt is ended as cancelled here, and the worker running it sees within a second that the
 * try is no longer its own and stops its executor; the task then runs again as a new try.
 * Queued instances are left alone (not counted in `cleared`): no try of theirs is under way.
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
  const asked = [...chosen];
  if (request.downstream) for (const id of downstreamOf(dag, asked)) chosen.add(id);
  if (request.upstream) for (const id of asked) for (const up of upstreamOf(dag, id)) chosen.add(up);
  for (const id of [...chosen]) for (const around of setupsAndTeardownsAround(dag, id)) chosen.add(around);
  const onlyFailed = request.onlyFailed ?? false;
  if (request.dryRun) {
    const tis = await db.taskInstance.findMany({
      where: { dagRunId: run.id, taskId: { in: [...chosen] } },
      orderBy: [{ taskId: 'asc' }, { mapIndex: 'asc' }],
    });
    const order = new Map(dag.tasks.map((t, i) => [t.taskId, i]));
    const mapped = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
    // As the real clear reports them: a mapped task's instances collapse into one, index 0's.
    const cleared = tis
      .filter((ti) => isClearable(ti.state, onlyFailed) && !(mapped.has(ti.taskId) && ti.mapIndex > 0))
      .sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0) || a.mapIndex - b.mapIndex)
      .map((ti) => ({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state }));
    return { dagRunId: run.id, cleared };
  }
  return db.$transaction((tx) => clearInTransaction(tx, run.id, dag, chosen, onlyFailed));
}

/** Whether clearing picks an instance in `state`: the dry run and the real clear share it. */
function isClearable(state: string, onlyFailed: boolean): boolean {
  return !NOT_CLEARABLE.has(state) && (!onlyFailed || state === 'failed' || state === 'upstream_failed');
}

/** clearTaskInstances' work, in the caller's transaction (a backfill's reprocessing uses it). */
export async function clearInTransaction(
  tx: Tx,
  dagRunId: number,
  dag: SerializedDag,
  chosen: ReadonlySet<string>,
  onlyFailed: boolean,
): Promise<ClearResult> {
  await tx.$queryRaw`SELECT 1 FROM dag_run WHERE id = ${dagRunId} FOR UPDATE`;
  const tis = await tx.taskInstance.findMany({
    where: { dagRunId, taskId: { in: [...chosen] } },
    orderBy: { mapIndex: 'asc' },
  });
  const picked = tis.filter((ti) => isClearable(ti.state, onlyFailed));
  const mapped = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
  const cleared: { taskId: string; mapIndex: number; state: string }[] = [];
  const now = new Date();
  for (const ti of picked) {
    const task = dag.tasks.find((t) => t.taskId === ti.taskId);
    if (ti.state === 'running')
      await tx.taskAttempt.updateMany({
        where: { taskInstanceId: ti.id, tryNumber: ti.tryNumber, endedAt: null },
        data: {
          endedAt: now,
          outcome: 'cancelled',
          error: 'cleared by an operator while running; the worker stops it',
        },
      });
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
    cleared.push({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state });
  }
  if (cleared.length > 0) await reopenRun(tx, dagRunId);
  return { dagRunId, cleared };
}

/** States an operator may mark task instances with; downstream reacts as to a finished try. */
export type MarkState = 'success' | 'failed' | 'skipped';
/** States an operator may mark a whole run with. */
export type RunMarkState = 'success' | 'failed';

export const MARK_STATES: readonly MarkState[] = ['success', 'failed', 'skipped'];

/**
 * Marks task instances (and optionally their downstream) success, failed or skipped. Instances
 * already in that state are left alone; the run is put back to running so the next pass decides
 * downstream tasks and the run's end.
 */
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
    const marked = await setMarkedState(tx, run.id, request.state, now, {
      taskIds: [...chosen],
      from: 'any',
    });
    if (marked > 0) await reopenRun(tx, run.id);
    return { dagRunId: run.id, marked };
  });
}

const UNFINISHED = TASK_INSTANCE_STATES.filter(isUnfinished);

/** Marks a whole run: its unfinished task instances take the same state, and so does the run. */
export async function markDagRun(
  db: Db,
  catalog: DagCatalog,
  request: { dagId: string; runId: string; state: RunMarkState },
): Promise<number> {
  const { run } = await findRun(db, catalog, request.dagId, request.runId);
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM dag_run WHERE id = ${run.id} FOR UPDATE`;
    await setMarkedState(tx, run.id, request.state, now, { from: 'unfinished' });
    await tx.$executeRaw`
      UPDATE dag_run SET state = ${request.state}::"DagRunState", ended_at = ${now}, updated_at = ${now}
      WHERE id = ${run.id}`;
  });
  return run.id;
}

/**
 * Sets the chosen instances of a run to `state` (those not in it already), and ends the try of
 * each that was queued or running: its task_attempt row (inserted for a queued try no worker had
 * claimed yet) gets ended_at and outcome marked_<state>. Returns how many instances changed.
 */
async function setMarkedState(
  tx: DbOrTx,
  dagRunId: number,
  state: MarkState,
  now: Date,
  which: { taskIds?: readonly string[]; from: 'any' | 'unfinished' },
): Promise<number> {
  const taskIds = which.taskIds ?? null;
  const from = which.from === 'unfinished' ? UNFINISHED : null;
  // The CTE reads each row's state before the update (RETURNING sees only the new one).
  const changed = await tx.$queryRaw<{ id: number; try_number: number; was: string }[]>`
    WITH chosen AS (
      SELECT id, state::text AS was FROM task_instance
      WHERE dag_run_id = ${dagRunId} AND state <> ${state}::"TaskInstanceState"
        AND (${taskIds}::text[] IS NULL OR task_id = ANY(${taskIds}::text[]))
        AND (${from}::text[] IS NULL OR state::text = ANY(${from}::text[]))
      ORDER BY id FOR UPDATE)
    UPDATE task_instance t
    SET state = ${state}::"TaskInstanceState", ended_at = ${now}, next_retry_at = NULL, reschedule_at = NULL,
        duration = CASE WHEN chosen.was = 'running' AND t.started_at IS NOT NULL
                        THEN EXTRACT(EPOCH FROM (${now}::timestamp - t.started_at)) ELSE t.duration END,
        updated_at = ${now}
    FROM chosen WHERE t.id = chosen.id
    RETURNING t.id, t.try_number, chosen.was`;
  const tries = changed.filter(
    (row) => (row.was === 'queued' || row.was === 'running') && row.try_number > 0,
  );
  if (tries.length > 0) {
    await tx.$executeRaw`
      INSERT INTO task_attempt (task_instance_id, try_number, started_at, ended_at, outcome, error)
      SELECT u.id, u.try_number, ${now}, ${now}, ${`marked_${state}`}::"AttemptOutcome", u.error
      FROM unnest(${tries.map((t) => t.id)}::int[], ${tries.map((t) => t.try_number)}::int[],
                  ${tries.map((t) => `marked ${state} by an operator while ${t.was}`)}::text[]) AS u(id, try_number, error)
      ON CONFLICT (task_instance_id, try_number) DO UPDATE
      SET ended_at = EXCLUDED.ended_at, outcome = EXCLUDED.outcome, error = EXCLUDED.error
      WHERE task_attempt.ended_at IS NULL`;
  }
  return changed.length;
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

/**
 * The setups a task needs and their teardowns, which clearing the task clears too (Airflow's
 * `get_upstreams_only_setups_and_teardowns`): every setup upstream of it, transitively, whose
 * teardown is downstream of it (the task is in the setup's scope) or that has no teardown.
 */
export function setupsAndTeardownsAround(dag: SerializedDag, taskId: string): Set<string> {
  const role = (id: string) => dag.tasks.find((t) => t.taskId === id)?.setupTeardown?.role;
  const directDownstreams = (id: string) =>
    dag.tasks.filter((t) => t.upstreams.includes(id)).map((t) => t.taskId);
  const teardownsAfter = new Set([...downstreamOf(dag, [taskId])].filter((id) => role(id) === 'teardown'));
  const found = new Set<string>();
  for (const id of upstreamOf(dag, taskId)) {
    if (role(id) !== 'setup') continue;
    const teardowns = directDownstreams(id).filter((d) => role(d) === 'teardown');
    if (teardowns.length > 0 && !teardowns.some((d) => teardownsAfter.has(d))) continue;
    found.add(id);
    for (const d of teardowns) if (d !== taskId) found.add(d);
  }
  return found;
}

/** Every task upstream of `taskId`, transitively. */
function upstreamOf(dag: SerializedDag, taskId: string): Set<string> {
  const byId = new Map(dag.tasks.map((t) => [t.taskId, t]));
  const found = new Set<string>();
  const stack = [...(byId.get(taskId)?.upstreams ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(byId.get(id)?.upstreams ?? []));
  }
  return found;
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
