// Measures definitions at scale: 1,000 small hourly DAG files parsed by the dag processor in one
// full pass, and the scheduler's periodic tick once those 1,000 DAGs are active. Both run in this
// process on the bench's database, through the same classes `weir scheduler` uses.
import { discoverDagFiles, parseDagFiles } from '@weir/dag-loader';
import type { Engine, TickReport } from '@weir/engine';
import { DagProcessor } from '@weir/scheduler';
import { writeScaleDags } from './lib/dag-files.ts';
import { openEngine } from './lib/engine-runtime.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { StatementCounter } from './lib/statement-counter.ts';
import { median, percentile } from './lib/stats.ts';
import { sleep } from './lib/timeout.ts';

export interface ParseResult {
  readonly dags: number;
  /** One DagProcessor.processOnce() over the fresh folder: import every file, store every DAG. */
  readonly full_parse_ms: number;
  /** PostgreSQL statements the full pass sent (storing the DAGs; parsing itself sends none). */
  readonly full_parse_statements: number;
  /** Importing the same files in the parse child processes alone, without PostgreSQL. */
  readonly import_only_ms: number;
  /** A second pass with no file changed (what every WEIR_DAG_POLL_MS costs). */
  readonly unchanged_pass_ms: number;
  readonly active_dags: number;
  readonly import_errors: number;
  /** Median of the measured ticks. */
  readonly scheduler_tick_ms: number | null;
  readonly ticks: TickSummary;
  /**
   * Ticks once every run has finished and no DAG is due: the cost of 1,000 DAGs merely
   * existing (median of three).
   */
  readonly idle_tick_ms: number | null;
  /**
   * Ticks with the 1,000 created runs still running and untouched for longer than the stale
   * threshold (5 s), so each tick re-examines its share of them (median of three).
   */
  readonly stale_tick_ms: number | null;
}

export interface TickSummary {
  readonly count: number;
  readonly first_ms: number | null;
  readonly p90_ms: number | null;
  readonly max_ms: number | null;
  /** Ticks that created scheduled runs, and the others. */
  readonly creating_median_ms: number | null;
  readonly creating_ticks: number;
  readonly other_median_ms: number | null;
  readonly runs_created: number;
  /**
   * From the first tick's start to the end of the last tick that created a run: how long the
   * scheduler took to create every due DAG's run and queue its first task.
   */
  readonly all_created_ms: number | null;
  readonly runs_examined: number;
  readonly tries_queued: number;
  /** PostgreSQL statements per tick (median), and per tick that created runs. */
  readonly statements_median: number | null;
  readonly creating_statements_median: number | null;
}

const TICK_MS = 1_000;
/** The engine's default staleAfterMs: a running run no event touched for this long is examined. */
const STALE_AFTER_MS = 5_000;

async function timeTicks(engine: Engine, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await engine.tick();
    times.push(performance.now() - started);
  }
  return times;
}

export async function measureParse(
  env: BenchEnvironment,
  count: number,
  signal: AbortSignal,
  maxTicks = 40,
): Promise<ParseResult> {
  const folder = env.tempFolder('scale');
  writeScaleDags(folder, count);
  // The DAG processor gets Prisma alone, as in `weir scheduler`; the engine its usual wiring.
  const opened = openEngine(env.databaseUrl, env.redisUrl, env.prefix);
  const { db } = opened;
  const counter = new StatementCounter();
  counter.install();
  try {
    const processor = new DagProcessor({ db, folder, importTimeoutMs: 30_000, concurrency: 2 });
    let started = performance.now();
    const report = await processor.processOnce();
    const fullParseMs = performance.now() - started;
    const fullParseStatements = counter.value;
    started = performance.now();
    await processor.processOnce();
    const unchangedMs = performance.now() - started;
    signal.throwIfAborted();

    started = performance.now();
    await parseDagFiles(discoverDagFiles(folder), { timeoutMs: 30_000, concurrency: 2 });
    const importOnlyMs = performance.now() - started;
    signal.throwIfAborted();

    const active = await env.pool.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM dag WHERE is_active AND dag_id LIKE 'bench_scale_%'`,
    );
    const { engine } = opened;
    const ticks = await measureTicks(engine, counter, maxTicks, signal);
    await sleep(STALE_AFTER_MS, signal);
    const stale = await timeTicks(engine, 3);
    // Finish the created runs by hand (no worker ran them) to see a tick with nothing to do.
    await env.pool.query(
      `UPDATE task_instance SET state = 'success', ended_at = now() AT TIME ZONE 'UTC'
       WHERE state NOT IN ('success', 'failed', 'skipped', 'upstream_failed', 'removed')`,
    );
    await env.pool.query(
      `UPDATE dag_run SET state = 'success', ended_at = now() AT TIME ZONE 'UTC' WHERE state IN ('queued', 'running')`,
    );
    const idle = await timeTicks(engine, 3);
    return {
      dags: count,
      full_parse_ms: fullParseMs,
      full_parse_statements: fullParseStatements,
      import_only_ms: importOnlyMs,
      unchanged_pass_ms: unchangedMs,
      active_dags: active.rows[0]?.n ?? 0,
      import_errors: report.parsed.filter((p) => p.importError !== null).length,
      scheduler_tick_ms: median(ticks.map((t) => t.ms)),
      ticks: summarize(ticks),
      idle_tick_ms: median(idle),
      stale_tick_ms: median(stale),
    };
  } finally {
    counter.uninstall();
    await opened.close();
  }
}

interface Tick {
  /** When it ended, from the first tick's start. */
  readonly endedAt: number;
  readonly ms: number;
  readonly statements: number;
  readonly report: TickReport;
}

/**
 * Ticks as `weir scheduler` does (start to start every WEIR_SCHEDULER_TICK_MS, at once when a
 * tick overran or reached its limit of runs to create) until every DAG has had its first run created and three more ticks have run, or
 * `maxTicks`. No worker runs meanwhile, so the created runs stay running.
 */
async function measureTicks(
  engine: Engine,
  counter: StatementCounter,
  maxTicks: number,
  signal: AbortSignal,
): Promise<Tick[]> {
  const ticks: Tick[] = [];
  let quiet = 0;
  const first = performance.now();
  while (ticks.length < maxTicks && quiet < 3) {
    signal.throwIfAborted();
    const before = counter.value;
    const started = performance.now();
    const report = await engine.tick();
    const ms = performance.now() - started;
    ticks.push({ endedAt: performance.now() - first, ms, statements: counter.value - before, report });
    quiet = report.createdRuns === 0 ? quiet + 1 : 0;
    if (!report.moreDue) await sleep(Math.max(0, TICK_MS - ms), signal);
  }
  return ticks;
}

function summarize(ticks: readonly Tick[]): TickSummary {
  const creating = ticks.filter((t) => t.report.createdRuns > 0);
  const other = ticks.filter((t) => t.report.createdRuns === 0);
  const sum = (f: (r: TickReport) => number) => ticks.reduce((n, t) => n + f(t.report), 0);
  return {
    count: ticks.length,
    first_ms: ticks[0]?.ms ?? null,
    p90_ms: percentile(
      ticks.map((t) => t.ms),
      90,
    ),
    max_ms: percentile(
      ticks.map((t) => t.ms),
      100,
    ),
    creating_median_ms: median(creating.map((t) => t.ms)),
    creating_ticks: creating.length,
    other_median_ms: median(other.map((t) => t.ms)),
    runs_created: sum((r) => r.createdRuns),
    all_created_ms: creating.at(-1)?.endedAt ?? null,
    runs_examined: sum((r) => r.examinedRuns),
    tries_queued: sum((r) => r.queuedTries),
    statements_median: median(ticks.map((t) => t.statements)),
    creating_statements_median: median(creating.map((t) => t.statements)),
  };
}
