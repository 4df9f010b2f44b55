// Owns `sensors.externalTask` (Airflow's ExternalTaskSensor): waits until a task of another DAG,
// or that DAG's whole run, is in an allowed state in the run with the same logical date (or the
// date `logicalDate(ctx)` gives). It reads Weir's own tables through DATABASE_URL, which every
// Weir process has; the SDK imports nothing else of Weir, so the queries below name the tables
// and columns of prisma/schema.prisma directly.

import type { TaskContext } from '../context.ts';
import { DAG_RUN_STATES, type DagRunState, TASK_INSTANCE_STATES, type TaskInstanceState } from '../states.ts';
import type { SensorPoke } from './from-context.ts';
import { databaseUrlFromEnv, queryPostgres } from './postgres-pool.ts';
import { SensorError } from './sensor-error.ts';

/** A task instance's states (the TaskInstanceState enum). */
export const EXTERNAL_TASK_STATES = TASK_INSTANCE_STATES;
export type ExternalTaskState = TaskInstanceState;

/** A DAG run's states (the DagRunState enum), for a sensor without `taskId`. */
export const EXTERNAL_RUN_STATES = DAG_RUN_STATES;
export type ExternalRunState = DagRunState;

export interface ExternalTaskOptions<P = Record<string, unknown>> {
  readonly dagId: string;
  /** The task to wait for; without it, the DAG's run as a whole. */
  readonly taskId?: string;
  /**
   * Done once the task (every instance, for a mapped task) or the run is in one of these.
   * Default ['success']. Without `taskId` only run states apply.
   */
  readonly allowedStates?: readonly ExternalTaskState[];
  /**
   * Fail at once (no retries) when the task or run is in one of these and no run is done, for
   * example ['failed', 'upstream_failed'], rather than waiting for the timeout. Default none.
   */
  readonly failedStates?: readonly ExternalTaskState[];
  /** The other run's logical date. Default: this run's (`ctx.logicalDate`). */
  readonly logicalDate?: (ctx: TaskContext<P>) => Date | Promise<Date>;
}

/** One row per (run, state) of the awaited task or run, with how many instances are in it. */
interface StateRow {
  run_id: string;
  state: ExternalTaskState | null;
  n: number;
}

/** Done (output `true`) once the other DAG's task or run is in an allowed state. */
export function externalTask<P = Record<string, unknown>>(
  options: ExternalTaskOptions<P>,
): SensorPoke<true, P> {
  const { dagId, taskId } = options;
  const what = taskId === undefined ? `DAG "${dagId}"` : `task "${dagId}.${taskId}"`;
  const where = `sensors.externalTask(${what})`;
  if (typeof dagId !== 'string' || dagId === '')
    throw new TypeError('sensors.externalTask: dagId is required');
  if (taskId !== undefined && (typeof taskId !== 'string' || taskId === ''))
    throw new TypeError(`${where}: taskId must be a non-empty string`);
  const valid: readonly string[] = taskId === undefined ? EXTERNAL_RUN_STATES : EXTERNAL_TASK_STATES;
  const allowed = checkStates(options.allowedStates ?? ['success'], valid, `${where}: allowedStates`);
  const failed = checkStates(options.failedStates ?? [], valid, `${where}: failedStates`);
  if (allowed.length === 0) throw new TypeError(`${where}: allowedStates must not be empty`);
  const both = allowed.filter((s) => failed.includes(s));
  if (both.length > 0)
    throw new TypeError(`${where}: ${both.join(', ')} is in both allowedStates and failedStates`);

  return async (ctx) => {
    const logicalDate = options.logicalDate ? await options.logicalDate(ctx) : ctx.logicalDate;
    if (!(logicalDate instanceof Date) || Number.isNaN(logicalDate.getTime()))
      throw new SensorError('SENSOR_MISCONFIGURED', `${where}: logicalDate(ctx) must return a valid Date`);
    const at = logicalDate.toISOString();
    const url = databaseUrlFromEnv(where);
    // logical_date is a timestamp without time zone holding UTC, as Prisma writes it.
    const rows =
      taskId === undefined
        ? await queryPostgres<StateRow>(
            url,
            `SELECT run_id, state::text AS state, 1 AS n FROM dag_run
             WHERE dag_id = $1 AND logical_date = ($2::timestamptz AT TIME ZONE 'UTC') ORDER BY run_id`,
            [dagId, at],
            where,
          )
        : await queryPostgres<StateRow>(
            url,
            `SELECT r.run_id, ti.state::text AS state, count(ti.id)::int AS n
             FROM dag_run r LEFT JOIN task_instance ti ON ti.dag_run_id = r.id AND ti.task_id = $3
             WHERE r.dag_id = $1 AND r.logical_date = ($2::timestamptz AT TIME ZONE 'UTC')
             GROUP BY r.run_id, ti.state ORDER BY r.run_id, ti.state`,
            [dagId, at, taskId],
            where,
          );

    const runs = new Map<string, Map<string, number>>();
    for (const row of rows.rows) {
      const states = runs.get(row.run_id) ?? new Map<string, number>();
      runs.set(row.run_id, states);
      // A mapped instance dropped by a shorter expansion is no longer part of the task.
      if (row.state !== null && (row.state !== 'removed' || allowed.includes('removed')))
        states.set(row.state, row.n);
    }
    const done = [...runs.values()].some(
      (states) => states.size > 0 && [...states.keys()].every((state) => allowed.includes(state)),
    );
    if (done) return true;
    const seen = [...runs].map(([runId, states]) => `${runId}: ${describeStates(states)}`);
    for (const [runId, states] of runs) {
      const bad = [...states.keys()].filter((state) => failed.includes(state));
      if (bad.length > 0) {
        throw new SensorError(
          'EXTERNAL_TASK_FAILED',
          `${where}: ${what} is ${bad.join(', ')} in run ${runId} (logical date ${at}), one of failedStates`,
        );
      }
    }
    ctx.log.debug(
      runs.size === 0
        ? `${what} has no run with logical date ${at} yet`
        : `${what} at ${at} is not ${allowed.join(' or ')} yet (${seen.join('; ')})`,
    );
    return false;
  };
}

function checkStates(states: readonly string[], valid: readonly string[], field: string): string[] {
  if (!Array.isArray(states)) throw new TypeError(`${field} must be a list of states`);
  for (const state of states) {
    if (!valid.includes(state)) throw new TypeError(`${field}: "${state}" is not one of ${valid.join(', ')}`);
  }
  return [...states];
}

function describeStates(states: ReadonlyMap<string, number>): string {
  if (states.size === 0) return 'no such task';
  return [...states].map(([state, n]) => (n === 1 ? state : `${n} ${state}`)).join(', ');
}
