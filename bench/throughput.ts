// Measures throughput: one task mapped over 10,000 no-op items, run by one worker at concurrency
// 50, in tasks per second from the first mapped instance starting to the run's success. Mapping
// is new in the SDK; when `d.map` is missing, the part says so instead of failing the bench.
import { dag } from '@weir/sdk';
import { CpuSampler, type CpuSplit } from './lib/cpu.ts';
import { MAP_DAG, MAP_TASK } from './lib/dag-files.ts';
import { openEngine } from './lib/engine-runtime.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import type { WeirProcess } from './lib/processes.ts';
import { describeFailure, triggerAndWait } from './lib/runs.ts';

export interface ThroughputResult {
  readonly items: number;
  readonly concurrency: number;
  readonly tasks_per_s: number | null;
  /** First mapped instance started → run success. */
  readonly duration_ms: number | null;
  /** The `items` task ending → the first mapped instance starting (the expansion). */
  readonly expand_ms: number | null;
  /** The last mapped instance ending → the run's success. */
  readonly finish_ms: number | null;
  readonly completed: number;
  /**
   * Where the CPU went from the trigger to the run's end (the expansion included), from /proc:
   * per group, and per mapped instance in ms. Compare these across runs, not the wall clock.
   */
  readonly cpu: (CpuSplit & { readonly ms_per_task: Record<string, number> }) | null;
}

/** Whether this SDK has `d.map` (the authoring API for mapped tasks). */
export function sdkHasMap(): boolean {
  let found = false;
  dag({ id: 'bench_probe' }, (d) => {
    found = typeof (d as { map?: unknown }).map === 'function';
  });
  return found;
}

export async function measureThroughput(
  env: BenchEnvironment,
  watch: readonly WeirProcess[],
  items: number,
  concurrency: number,
  signal: AbortSignal,
  progress: { runId?: string },
): Promise<ThroughputResult> {
  const cpu = new CpuSampler(cpuGroups(env, watch));
  cpu.begin();
  const finished = await triggerAndWait(env, MAP_DAG, watch, signal, {
    pollMs: 250,
    onTriggered: (runId) => {
      progress.runId = runId;
    },
  });
  const split = cpu.end();
  if (finished.state !== 'success') throw new Error(await describeFailure(env.pool, MAP_DAG, finished.runId));
  const t = await mapTimings(env, finished.runId);
  if (t.completed !== items) throw new Error(`${t.completed} of ${items} mapped instances succeeded`);
  const duration = t.runEnd - t.firstStart;
  return {
    items,
    concurrency,
    tasks_per_s: duration > 0 ? t.completed / (duration / 1000) : null,
    duration_ms: duration,
    expand_ms: t.firstStart - t.itemsEnd,
    finish_ms: t.runEnd - t.lastEnd,
    completed: t.completed,
    cpu: split && {
      ...split,
      ms_per_task: Object.fromEntries(
        Object.entries(split.groups_cpu_s).map(([name, s]) => [name, Math.round((s * 1e6) / items) / 1000]),
      ),
    },
  };
}

/** The worker alone, its executors, and the rest of what the part runs on. */
function cpuGroups(env: BenchEnvironment, watch: readonly WeirProcess[]) {
  const worker = watch.find((p) => p.name === 'worker')?.pid;
  return [
    ...watch.flatMap((p) =>
      p.pid === undefined ? [] : [{ name: `${p.name} (with children)`, tree: p.pid }],
    ),
    ...(worker === undefined ? [] : [{ name: 'worker (own process)', pid: worker }]),
    { name: 'bench (polls)', pid: process.pid },
    { name: 'postgres (this database)', titleContains: ` ${env.databaseName} ` },
    { name: 'redis-server (all prefixes)', command: 'redis-server' },
  ];
}

/** How far a run got: for a part that timed out, the rate so far and any failed instances. */
export async function partialThroughput(
  env: BenchEnvironment,
  runId: string,
): Promise<Record<string, unknown>> {
  const t = await mapTimings(env, runId);
  const elapsed = t.now - t.firstStart;
  const failed = await env.pool.query<{ n: number; error: string | null }>(
    `SELECT COUNT(*)::int AS n, MIN(a.error) AS error
     FROM task_instance t LEFT JOIN task_attempt a ON a.task_instance_id = t.id AND a.try_number = t.try_number
     WHERE t.dag_id = $1 AND t.run_id = $2 AND t.state IN ('failed', 'up_for_retry')`,
    [MAP_DAG, runId],
  );
  return {
    completed: t.completed,
    tasks_per_s_so_far: Number.isFinite(elapsed) && elapsed > 0 ? t.completed / (elapsed / 1000) : null,
    failed: failed.rows[0]?.n ?? 0,
    failed_reason: failed.rows[0]?.error ?? null,
  };
}

/**
 * The time of one scheduling pass over the unfinished mapped run (what every completed instance
 * costs, serialized on the run's row lock), measured in this process with no worker running.
 */
export async function measureSchedulePass(
  env: BenchEnvironment,
  runId: string,
  passes = 3,
): Promise<number[]> {
  const opened = openEngine(env.databaseUrl, env.redisUrl, env.prefix, 100_000);
  try {
    const run = await env.pool.query<{ id: number; state: string }>(
      'SELECT id, state::text AS state FROM dag_run WHERE dag_id = $1 AND run_id = $2',
      [MAP_DAG, runId],
    );
    const row = run.rows[0];
    if (row?.state !== 'running') return [];
    const { engine } = opened;
    const times: number[] = [];
    for (let i = 0; i < passes; i++) {
      const started = performance.now();
      await engine.schedule(row.id);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await opened.close();
  }
}

async function mapTimings(env: BenchEnvironment, runId: string) {
  const rows = await env.pool.query<{
    first_start: number | null;
    last_end: number | null;
    completed: number;
    items_end: number | null;
    run_end: number | null;
    now: number;
  }>(
    `SELECT
       EXTRACT(EPOCH FROM MIN(t.started_at) FILTER (WHERE t.task_id = $3))::float8 * 1000 AS first_start,
       EXTRACT(EPOCH FROM MAX(t.ended_at) FILTER (WHERE t.task_id = $3))::float8 * 1000 AS last_end,
       (COUNT(*) FILTER (WHERE t.task_id = $3 AND t.state = 'success'))::int AS completed,
       EXTRACT(EPOCH FROM MAX(t.ended_at) FILTER (WHERE t.task_id = 'items'))::float8 * 1000 AS items_end,
       EXTRACT(EPOCH FROM MAX(r.ended_at))::float8 * 1000 AS run_end,
       EXTRACT(EPOCH FROM now() AT TIME ZONE 'UTC')::float8 * 1000 AS now
     FROM dag_run r JOIN task_instance t ON t.dag_run_id = r.id
     WHERE r.dag_id = $1 AND r.run_id = $2`,
    [MAP_DAG, runId, MAP_TASK],
  );
  const row = rows.rows[0];
  const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);
  return {
    firstStart: num(row?.first_start),
    lastEnd: num(row?.last_end),
    completed: row?.completed ?? 0,
    itemsEnd: num(row?.items_end),
    runEnd: num(row?.run_end),
    now: num(row?.now),
  };
}
