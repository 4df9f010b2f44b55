// Measures hop latency: how long after a task ends its downstream task starts, in a chain of 40
// sequential no-op tasks run by the real scheduler and worker. Hops come from PostgreSQL's
// timestamps (millisecond precision) and, in a second DAG whose tasks record their own start and
// end with performance.now(), from the tasks' XCom (sub-millisecond).
import { CHAIN_DAG, chainTaskIds, TIMED_CHAIN_DAG } from './lib/dag-files.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import type { WeirProcess } from './lib/processes.ts';
import { openEngine } from './lib/engine-runtime.ts';
import { describeFailure, type FinishedRun, triggerAndWait, waitForRunEnd } from './lib/runs.ts';
import { median, percentile } from './lib/stats.ts';

export interface HopResult {
  readonly runs: number;
  readonly hops: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  /** Median over the runs of first task start → last task end. */
  readonly chain40_total_ms: number | null;
  readonly chain40_totals_ms: readonly number[];
  /**
   * The run's creation (its row's created_at: the start of the trigger's transaction) → its first
   * task's start, both PostgreSQL timestamps: a trigger starts the run and queues its first task
   * in the same transaction, without waiting for a scheduler tick. p50/p99: triggers through the
   * engine API from a running process (what the REST API and UI use); cli_*: `weir dags trigger`,
   * a new process each time, whose first statements run cold.
   */
  readonly trigger_to_first_start_ms: {
    readonly runs: number;
    readonly p50_ms: number | null;
    readonly p99_ms: number | null;
    readonly cli_p50_ms: number | null;
    readonly cli_p99_ms: number | null;
  };
  /** Median over the runs of `weir dags trigger` → success seen (includes the CLI's start-up). */
  readonly trigger_to_success_ms: number | null;
  /** The unmeasured first run of each DAG (the worker imports the DAG file then). */
  readonly warmup_chain40_total_ms: number | null;
  /** Hops between the task functions themselves (end → next start), from XCom. */
  readonly precise: {
    readonly hops: number;
    readonly p50_ms: number | null;
    readonly p99_ms: number | null;
    readonly max_ms: number | null;
    readonly chain40_total_ms: number | null;
    /** The same runs' hops from PostgreSQL timestamps, to compare. */
    readonly db_p50_ms: number | null;
  };
}

interface RunTiming {
  readonly hops: number[];
  readonly totalMs: number;
}

export async function measureHops(
  env: BenchEnvironment,
  watch: readonly WeirProcess[],
  runs: number,
  signal: AbortSignal,
): Promise<HopResult> {
  const run = async (dagId: string) => {
    const finished = await triggerAndWait(env, dagId, watch, signal);
    if (finished.state !== 'success') throw new Error(await describeFailure(env.pool, dagId, finished.runId));
    return finished;
  };
  const warmup = await run(CHAIN_DAG);
  await run(TIMED_CHAIN_DAG);
  const plain: FinishedRun[] = [];
  const timed: FinishedRun[] = [];
  for (let i = 0; i < runs; i++) plain.push(await run(CHAIN_DAG));
  for (let i = 0; i < runs; i++) timed.push(await run(TIMED_CHAIN_DAG));

  const plainTimings = await Promise.all(plain.map((r) => dbTiming(env, r)));
  const timedDb = await Promise.all(timed.map((r) => dbTiming(env, r)));
  const timedPrecise = await Promise.all(timed.map((r) => xcomTiming(env, r)));
  const hops = plainTimings.flatMap((t) => t.hops);
  const cliTriggerToStart = (
    await Promise.all([...plain, ...timed].map((r) => firstStartAfterCreation(env, r)))
  ).filter(Number.isFinite);
  const triggerToStart = await apiTriggerToFirstStart(env, runs * 2, watch, signal);
  const preciseHops = timedPrecise.flatMap((t) => t.hops);
  return {
    runs,
    hops: hops.length,
    p50_ms: percentile(hops, 50),
    p99_ms: percentile(hops, 99),
    max_ms: percentile(hops, 100),
    chain40_total_ms: median(plainTimings.map((t) => t.totalMs)),
    chain40_totals_ms: plainTimings.map((t) => t.totalMs),
    trigger_to_first_start_ms: {
      runs: triggerToStart.length,
      p50_ms: percentile(triggerToStart, 50),
      p99_ms: percentile(triggerToStart, 99),
      cli_p50_ms: percentile(cliTriggerToStart, 50),
      cli_p99_ms: percentile(cliTriggerToStart, 99),
    },
    trigger_to_success_ms: median(plain.map((r) => r.wallMs)),
    warmup_chain40_total_ms: (await dbTiming(env, warmup)).totalMs,
    precise: {
      hops: preciseHops.length,
      p50_ms: percentile(preciseHops, 50),
      p99_ms: percentile(preciseHops, 99),
      max_ms: percentile(preciseHops, 100),
      chain40_total_ms: median(timedPrecise.map((t) => t.totalMs)),
      db_p50_ms: percentile(
        timedDb.flatMap((t) => t.hops),
        50,
      ),
    },
  };
}

/**
 * Triggers the chain through an Engine opened in this process (one warm-up trigger first) and
 * waits for each run to end before the next; returns created → first start for each.
 */
async function apiTriggerToFirstStart(
  env: BenchEnvironment,
  runs: number,
  watch: readonly WeirProcess[],
  signal: AbortSignal,
): Promise<number[]> {
  const opened = openEngine(env.databaseUrl, env.redisUrl, env.prefix);
  try {
    const measured: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const run = await opened.engine.trigger({ dagId: CHAIN_DAG, triggeredBy: 'bench' });
      const finished = await waitForRunEnd(env, CHAIN_DAG, run.runId, watch, signal);
      if (finished.state !== 'success')
        throw new Error(await describeFailure(env.pool, CHAIN_DAG, run.runId));
      if (i > 0) measured.push(await firstStartAfterCreation(env, finished));
    }
    return measured.filter(Number.isFinite);
  } finally {
    await opened.close();
  }
}

/** The run's row created → its first task instance started, in ms (PostgreSQL timestamps). */
async function firstStartAfterCreation(env: BenchEnvironment, run: FinishedRun): Promise<number> {
  const rows = await env.pool.query<{ ms: number }>(
    `SELECT EXTRACT(EPOCH FROM (MIN(t.started_at) - r.created_at))::float8 * 1000 AS ms
     FROM dag_run r JOIN task_instance t ON t.dag_run_id = r.id
     WHERE r.dag_id = $1 AND r.run_id = $2 GROUP BY r.created_at`,
    [run.dagId, run.runId],
  );
  return rows.rows[0]?.ms ?? Number.NaN;
}

/** upstream ended_at → downstream started_at for each hop, and first start → last end. */
async function dbTiming(env: BenchEnvironment, run: FinishedRun): Promise<RunTiming> {
  const rows = await env.pool.query<{ task_id: string; s: number; e: number }>(
    `SELECT task_id, EXTRACT(EPOCH FROM started_at)::float8 * 1000 AS s, EXTRACT(EPOCH FROM ended_at)::float8 * 1000 AS e
     FROM task_instance WHERE dag_id = $1 AND run_id = $2`,
    [run.dagId, run.runId],
  );
  return chainTiming(new Map(rows.rows.map((r) => [r.task_id, { s: r.s, e: r.e }])));
}

/** The same, from the times each task function recorded itself (its output). */
async function xcomTiming(env: BenchEnvironment, run: FinishedRun): Promise<RunTiming> {
  const rows = await env.pool.query<{ task_id: string; value: { s: number; e: number } }>(
    `SELECT task_id, value FROM xcom WHERE dag_id = $1 AND run_id = $2 AND key = 'return_value'`,
    [run.dagId, run.runId],
  );
  return chainTiming(new Map(rows.rows.map((r) => [r.task_id, r.value])));
}

function chainTiming(times: Map<string, { s: number; e: number }>): RunTiming {
  const ordered = chainTaskIds().map((id) => {
    const t = times.get(id);
    if (!t || typeof t.s !== 'number' || typeof t.e !== 'number') throw new Error(`no timing for task ${id}`);
    return t;
  });
  const hops = ordered.slice(1).map((t, i) => t.s - (ordered[i] as { e: number }).e);
  const first = ordered[0] as { s: number };
  const last = ordered[ordered.length - 1] as { e: number };
  return { hops, totalMs: last.e - first.s };
}
