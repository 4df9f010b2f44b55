// Measures many small runs at once: `runs` runs of the 5-task pipeline triggered together through
// an Engine in this process (as the REST API triggers), run by the real scheduler and worker.
// Everything comes from PostgreSQL's timestamps: runs per second from the first run's creation
// to the last run's end, hops under that load (per dependency edge, as in hop.ts) and each run's
// creation → its first task's start.
import { forEachConcurrently } from './lib/concurrently.ts';
import { CpuSampler, type CpuSplit } from './lib/cpu.ts';
import { PIPELINE_DAG, PIPELINE_TASKS } from './lib/dag-files.ts';
import { openEngine } from './lib/engine-runtime.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import type { WeirProcess } from './lib/processes.ts';
import { describeFailure, waitForRunEnd } from './lib/runs.ts';
import { percentile } from './lib/stats.ts';
import { sleep } from './lib/timeout.ts';

/** Run ids of the measured runs start with this; the warm-up run's does not. */
const RUN_PREFIX = 'bench-many-';

export interface Spread {
  readonly n: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
}

export interface ManyRunsResult {
  readonly runs: number;
  readonly tasks_per_run: number;
  readonly trigger_concurrency: number;
  /**
   * Triggers PostgreSQL aborted with "deadlock detected" and the bench tried again (as an API
   * client would on a 5xx). Expected 0: before the DAG row was locked FOR NO KEY UPDATE, nearly
   * every concurrent trigger of one DAG deadlocked (each run's insert holds KEY SHARE on the row).
   */
  readonly trigger_deadlocks: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The first failed run's failed tries (describeFailure), or null. */
  readonly first_failure: string | null;
  /** Succeeded runs ÷ (first run created → last run ended), PostgreSQL timestamps. */
  readonly runs_per_s: number | null;
  readonly tasks_per_s: number | null;
  readonly span_s: number | null;
  /** This process's clock: the first trigger call → every run's end seen (250 ms polls). */
  readonly wall_s: number;
  /** This process's clock: the first trigger call → the last one returned. */
  readonly triggers_s: number;
  /** Upstream ended_at → downstream started_at; a join's hop is from its last upstream's end. */
  readonly hop: Spread;
  /** The run's created_at → its first task's started_at. */
  readonly trigger_to_first_start_ms: Spread;
  /** The run's created_at → its ended_at. */
  readonly run_duration_ms: Spread;
  /** At most how many of the runs were running at once (sampled with each poll). */
  readonly max_running: number;
  /** PostgreSQL's own counters for the database over the part (pg_stat_database), per run. */
  readonly per_run: { readonly transactions: number | null; readonly rows_written: number | null };
  readonly cpu: CpuSplit | null;
}

export interface ManyRunsProgress {
  triggered: number;
  deadlocks: number;
}

const TRIGGER_ATTEMPTS = 10;

export async function measureManyRuns(
  env: BenchEnvironment,
  watch: readonly WeirProcess[],
  runs: number,
  concurrency: number,
  signal: AbortSignal,
  progress: ManyRunsProgress,
): Promise<ManyRunsResult> {
  const opened = openEngine(env.databaseUrl, env.redisUrl, env.prefix);
  const cpu = new CpuSampler(cpuGroups(env, watch));
  try {
    // Warm-up, not counted: the executors that run it import the DAG file, the engine its catalog.
    const warm = await opened.engine.trigger({
      dagId: PIPELINE_DAG,
      runId: 'bench-warmup',
      triggeredBy: 'bench',
    });
    const warmEnd = await waitForRunEnd(env, PIPELINE_DAG, warm.runId, watch, signal);
    if (warmEnd.state !== 'success')
      throw new Error(await describeFailure(env.pool, PIPELINE_DAG, warm.runId));

    const before = await databaseCounters(env);
    cpu.begin();
    const started = performance.now();
    let maxRunning = 0;
    let triggersDone = false;
    let triggerError: unknown;
    let triggersS = 0;
    const triggering = forEachConcurrently(
      runs,
      concurrency,
      async (i) => {
        for (let attempt = 1; ; attempt++) {
          try {
            await opened.engine.trigger({ dagId: PIPELINE_DAG, runId: runId(i), triggeredBy: 'bench' });
            break;
          } catch (error) {
            if (!isDeadlock(error) || attempt === TRIGGER_ATTEMPTS) throw error;
            progress.deadlocks++;
          }
        }
        progress.triggered++;
      },
      signal,
    ).then(
      () => {
        triggersDone = true;
        triggersS = (performance.now() - started) / 1000;
      },
      (error: unknown) => {
        triggerError = error;
      },
    );
    for (;;) {
      if (triggerError !== undefined) throw triggerError;
      for (const p of watch) p.assertAlive();
      const counts = await runCounts(env);
      maxRunning = Math.max(maxRunning, counts.running);
      if (triggersDone && counts.success + counts.failed >= runs) break;
      await sleep(250, signal);
    }
    await triggering;
    const wallS = (performance.now() - started) / 1000;
    const split = cpu.end();
    // pg_stat_database takes up to a second to see other backends' counts.
    await sleep(1_100, signal);
    const after = await databaseCounters(env);
    const summary = await summarize(env);
    const perRun = (k: 'xact' | 'rows') =>
      before && after ? (after[k] - before[k]) / Math.max(1, summary.succeeded + summary.failed) : null;
    return {
      runs,
      tasks_per_run: PIPELINE_TASKS.length,
      trigger_concurrency: concurrency,
      trigger_deadlocks: progress.deadlocks,
      ...summary,
      wall_s: wallS,
      triggers_s: triggersS,
      hop: spread(await hops(env)),
      trigger_to_first_start_ms: spread(await firstStarts(env)),
      max_running: maxRunning,
      per_run: { transactions: perRun('xact'), rows_written: perRun('rows') },
      cpu: split,
    };
  } finally {
    await opened.close();
  }
}

/** How far a part that timed out got: runs finished so far and their rate. */
export async function partialManyRuns(
  env: BenchEnvironment,
  progress: ManyRunsProgress,
): Promise<Record<string, unknown>> {
  const counts = await runCounts(env);
  const summary = await summarize(env);
  return { triggered: progress.triggered, trigger_deadlocks: progress.deadlocks, ...counts, ...summary };
}

/** PostgreSQL's 40P01, however deep the driver or engine wrapped it. */
function isDeadlock(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === '40P01' || (typeof message === 'string' && message.includes('deadlock detected')))
      return true;
  }
  return false;
}

const runId = (i: number) => `${RUN_PREFIX}${String(i).padStart(4, '0')}`;

async function runCounts(
  env: BenchEnvironment,
): Promise<Record<'queued' | 'running' | 'success' | 'failed', number>> {
  const rows = await env.pool.query<{ state: string; n: number }>(
    `SELECT state::text AS state, COUNT(*)::int AS n FROM dag_run
     WHERE dag_id = $1 AND starts_with(run_id, $2) GROUP BY state`,
    [PIPELINE_DAG, RUN_PREFIX],
  );
  const of = (s: string) => rows.rows.find((r) => r.state === s)?.n ?? 0;
  return { queued: of('queued'), running: of('running'), success: of('success'), failed: of('failed') };
}

/** Runs per second and the run durations, over the runs that ended; the first failure's cause. */
async function summarize(env: BenchEnvironment) {
  const rows = await env.pool.query<{
    succeeded: number;
    failed: number;
    span_ms: number | null;
    first_failed: string | null;
    durations: number[] | null;
  }>(
    `SELECT (COUNT(*) FILTER (WHERE state = 'success'))::int AS succeeded,
            (COUNT(*) FILTER (WHERE state = 'failed'))::int AS failed,
            EXTRACT(EPOCH FROM (MAX(ended_at) FILTER (WHERE state = 'success') - MIN(created_at)))::float8 * 1000 AS span_ms,
            (array_agg(run_id ORDER BY ended_at) FILTER (WHERE state = 'failed'))[1] AS first_failed,
            array_agg(EXTRACT(EPOCH FROM (ended_at - created_at))::float8 * 1000) FILTER (WHERE state = 'success') AS durations
     FROM dag_run WHERE dag_id = $1 AND starts_with(run_id, $2)`,
    [PIPELINE_DAG, RUN_PREFIX],
  );
  const row = rows.rows[0];
  const succeeded = row?.succeeded ?? 0;
  const spanMs = row?.span_ms ?? null;
  const rate = spanMs && spanMs > 0 ? succeeded / (spanMs / 1000) : null;
  return {
    succeeded,
    failed: row?.failed ?? 0,
    first_failure: row?.first_failed ? await describeFailure(env.pool, PIPELINE_DAG, row.first_failed) : null,
    runs_per_s: rate,
    tasks_per_s: rate === null ? null : rate * PIPELINE_TASKS.length,
    span_s: spanMs === null ? null : spanMs / 1000,
    run_duration_ms: spread(row?.durations ?? []),
  };
}

/** One hop per task with upstreams per run: its start − its last upstream's end. */
async function hops(env: BenchEnvironment): Promise<number[]> {
  const edges = PIPELINE_TASKS.flatMap((t) => t.after.map((u) => [t.id, u] as const));
  const rows = await env.pool.query<{ ms: number }>(
    `WITH edge AS (SELECT * FROM unnest($3::text[], $4::text[]) AS e(task_id, upstream_id)),
          ti AS (SELECT dag_run_id, task_id, started_at, ended_at FROM task_instance
                 WHERE dag_id = $1 AND starts_with(run_id, $2) AND state = 'success')
     SELECT EXTRACT(EPOCH FROM (d.started_at - MAX(u.ended_at)))::float8 * 1000 AS ms
     FROM ti d JOIN edge e ON e.task_id = d.task_id
     JOIN ti u ON u.dag_run_id = d.dag_run_id AND u.task_id = e.upstream_id
     GROUP BY d.dag_run_id, d.task_id, d.started_at`,
    [PIPELINE_DAG, RUN_PREFIX, edges.map((e) => e[0]), edges.map((e) => e[1])],
  );
  return rows.rows.map((r) => r.ms);
}

async function firstStarts(env: BenchEnvironment): Promise<number[]> {
  const rows = await env.pool.query<{ ms: number }>(
    `SELECT EXTRACT(EPOCH FROM (MIN(t.started_at) - r.created_at))::float8 * 1000 AS ms
     FROM dag_run r JOIN task_instance t ON t.dag_run_id = r.id
     WHERE r.dag_id = $1 AND starts_with(r.run_id, $2) AND t.started_at IS NOT NULL
     GROUP BY r.id, r.created_at`,
    [PIPELINE_DAG, RUN_PREFIX],
  );
  return rows.rows.map((r) => r.ms);
}

async function databaseCounters(env: BenchEnvironment): Promise<{ xact: number; rows: number } | undefined> {
  const rows = await env.pool.query<{ xact: string; rows: string }>(
    `SELECT xact_commit + xact_rollback AS xact, tup_inserted + tup_updated + tup_deleted AS rows
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const row = rows.rows[0];
  return row ? { xact: Number(row.xact), rows: Number(row.rows) } : undefined;
}

function cpuGroups(env: BenchEnvironment, watch: readonly WeirProcess[]) {
  return [
    ...watch.flatMap((p) => (p.pid === undefined ? [] : [{ name: p.name, tree: p.pid }])),
    { name: 'bench (triggers, polls)', pid: process.pid },
    { name: 'postgres (this database)', titleContains: ` ${env.databaseName} ` },
    { name: 'redis-server (all prefixes)', command: 'redis-server' },
  ];
}

function spread(samples: readonly number[]): Spread {
  return {
    n: samples.length,
    p50_ms: percentile(samples, 50),
    p99_ms: percentile(samples, 99),
    max_ms: percentile(samples, 100),
  };
}
