// Owns driving DagRuns the way an operator does (`weir dags trigger`) and watching them finish in
// PostgreSQL: the bench reads `dag`, `dag_run` and `task_attempt` directly.
import type pg from 'pg';
import type { BenchEnvironment } from './environment.ts';
import { runWeir, type WeirProcess } from './processes.ts';
import { sleep } from './timeout.ts';

export interface FinishedRun {
  readonly dagId: string;
  readonly runId: string;
  readonly state: 'success' | 'failed';
  /** From `weir dags trigger` starting to the run's final state being seen. */
  readonly wallMs: number;
}

/** Waits until the running dag processor has stored each DAG, or reports its import error. */
export async function waitForDags(
  env: BenchEnvironment,
  dagIds: readonly string[],
  watch: readonly WeirProcess[],
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    for (const p of watch) p.assertAlive();
    const found = await env.pool.query<{ dag_id: string }>(
      'SELECT dag_id FROM dag WHERE is_active AND dag_id = ANY($1)',
      [dagIds],
    );
    if (found.rowCount === dagIds.length) return;
    const errors = await env.pool.query<{ message: string }>('SELECT message FROM import_error LIMIT 3');
    if (errors.rows.length > 0) throw new Error(errors.rows.map((r) => r.message).join('\n'));
    await sleep(200, signal);
  }
}

/** Triggers one run through the CLI and polls until it succeeds or fails. */
export async function triggerAndWait(
  env: BenchEnvironment,
  dagId: string,
  watch: readonly WeirProcess[],
  signal: AbortSignal,
  options: { pollMs?: number; onTriggered?: (runId: string) => void } = {},
): Promise<FinishedRun> {
  const started = performance.now();
  const triggered = await runWeir(['dags', 'trigger', dagId], env.weirEnv());
  const runId = /created run (\S+) of DAG/.exec(triggered.stdout)?.[1];
  if (triggered.code !== 0 || !runId) {
    throw new Error(`weir dags trigger ${dagId} failed: ${triggered.stderr || triggered.stdout}`);
  }
  options.onTriggered?.(runId);
  return waitForRunEnd(env, dagId, runId, watch, signal, { started, ...options });
}

/** Polls until the run succeeds or fails; wallMs counts from `started` (default: now). */
export async function waitForRunEnd(
  env: BenchEnvironment,
  dagId: string,
  runId: string,
  watch: readonly WeirProcess[],
  signal: AbortSignal,
  options: { started?: number; pollMs?: number } = {},
): Promise<FinishedRun> {
  const started = options.started ?? performance.now();
  for (;;) {
    for (const p of watch) p.assertAlive();
    const state = await runState(env.pool, dagId, runId);
    if (state === 'success' || state === 'failed') {
      return { dagId, runId, state, wallMs: performance.now() - started };
    }
    await sleep(options.pollMs ?? 25, signal);
  }
}

export async function runState(pool: pg.Pool, dagId: string, runId: string): Promise<string | null> {
  const rows = await pool.query<{ state: string }>(
    'SELECT state::text AS state FROM dag_run WHERE dag_id = $1 AND run_id = $2',
    [dagId, runId],
  );
  return rows.rows[0]?.state ?? null;
}

/** Why a run failed, from its failed tries: "task t03 try 1: message". */
export async function describeFailure(pool: pg.Pool, dagId: string, runId: string): Promise<string> {
  const rows = await pool.query<{
    task_id: string;
    map_index: number;
    try_number: number;
    error: string | null;
  }>(
    `SELECT t.task_id, t.map_index, a.try_number, a.error
     FROM task_attempt a JOIN task_instance t ON t.id = a.task_instance_id
     WHERE t.dag_id = $1 AND t.run_id = $2 AND a.outcome::text NOT IN ('success', 'skipped')
     ORDER BY a.started_at LIMIT 3`,
    [dagId, runId],
  );
  if (rows.rows.length === 0) return `run ${runId} of ${dagId} failed (no failed try recorded)`;
  return rows.rows
    .map(
      (r) => `task ${r.task_id}${r.map_index >= 0 ? `[${r.map_index}]` : ''} try ${r.try_number}: ${r.error}`,
    )
    .join('; ');
}
