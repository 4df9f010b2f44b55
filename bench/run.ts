// Entry of `npm run bench`: starts a private environment (database, Redis prefix, DAG folders,
// `weir scheduler` and `weir worker`), measures hop latency, throughput and definitions at
// scale against raw BullMQ baselines, prints a table and writes results/latest.json. Every part
// is bounded in time; a part that cannot run reports null and why. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import {
  type BaselineHop,
  type BaselineThroughput,
  baselineHop,
  baselineThroughput,
} from './baseline-bullmq.ts';
import { type HopResult, measureHops } from './hop.ts';
import {
  CHAIN_DAG,
  CHAIN_LENGTH,
  MAP_DAG,
  TIMED_CHAIN_DAG,
  writeChainDag,
  writeMapDag,
} from './lib/dag-files.ts';
import { BenchEnvironment } from './lib/environment.ts';
import { repoRoot } from './lib/processes.ts';
import { waitForDags } from './lib/runs.ts';
import { ratio } from './lib/stats.ts';
import { type Bounded, Budget, withTimeout } from './lib/timeout.ts';
import { measureParse, type ParseResult } from './parse.ts';
import { type BenchResults, describeMachine, printTable, writeResults } from './report.ts';
import { measureThroughput, partialThroughput, sdkHasMap, type ThroughputResult } from './throughput.ts';

const HOP_RUNS = 5;
const MAP_ITEMS = 10_000;
const WORKER_CONCURRENCY = 50;
const SCALE_DAGS = 1_000;
const RESULTS = new URL('./results/latest.json', import.meta.url);

const startedAt = new Date();
const budget = new Budget(9.5 * 60_000);
let env: BenchEnvironment | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    void (env?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const failure = (r: Bounded<unknown>) => (r.ok ? undefined : r.reason);

async function main(): Promise<number> {
  log('creating database and Redis prefix');
  const bench = await BenchEnvironment.open();
  env = bench;
  const extra: Record<string, unknown> = { database: bench.databaseName, redis_prefix: bench.prefix };
  let hop: Bounded<HopResult> = { ok: false, reason: 'not run' };
  let baseHop: Bounded<BaselineHop> = { ok: false, reason: 'not run' };
  let throughput: Bounded<ThroughputResult> = { ok: false, reason: 'not run' };
  let partial: Record<string, unknown> = {};
  let baseThroughput: Bounded<BaselineThroughput> = { ok: false, reason: 'not run' };
  let parse: Bounded<ParseResult> = { ok: false, reason: 'not run' };
  const cleanup: string[] = [];
  try {
    extra.default_pool_raised_with = await bench.raiseDefaultPool(100_000);

    // Baselines first, while no Weir process competes for the two cores.
    log('baseline: raw BullMQ chain of 40');
    baseHop = await withTimeout('raw BullMQ chain', 60_000, (s) =>
      baselineHop(bench.redisUrl, bench.prefix, HOP_RUNS, CHAIN_LENGTH, s),
    );
    log('baseline: raw BullMQ addBulk of 10,000');
    baseThroughput = await withTimeout('raw BullMQ addBulk', 90_000, (s) =>
      baselineThroughput(bench.redisUrl, bench.prefix, MAP_ITEMS, WORKER_CONCURRENCY, s),
    );

    const hasMap = sdkHasMap();
    const dagIds = [writeChainDag(bench.dagsFolder, false), writeChainDag(bench.dagsFolder, true)];
    if (hasMap) dagIds.push(writeMapDag(bench.dagsFolder, MAP_ITEMS));
    log(`starting weir scheduler and weir worker --concurrency ${WORKER_CONCURRENCY}`);
    const { scheduler, worker } = bench.startComponents({
      workerConcurrency: WORKER_CONCURRENCY,
      maxMapLength: MAP_ITEMS,
    });
    const watch = [scheduler, worker];
    const ready = await withTimeout('waiting for the scheduler to parse the DAGs', 90_000, (s) =>
      waitForDags(bench, dagIds, watch, s),
    );

    if (ready.ok) {
      log(`hop latency: ${CHAIN_DAG} and ${TIMED_CHAIN_DAG}, ${HOP_RUNS} runs each after a warm-up run`);
      hop = await withTimeout('hop latency', budget.timeoutFor(150_000, 360_000), (s) =>
        measureHops(bench, watch, HOP_RUNS, s),
      );
    } else hop = ready;

    if (!hasMap) {
      throughput = { ok: false, reason: 'the SDK has no d.map yet (mapped tasks are being written)' };
    } else if (!ready.ok) {
      throughput = ready;
    } else {
      log(`throughput: ${MAP_DAG}, ${MAP_ITEMS.toLocaleString('en-US')} mapped instances`);
      const progress: { runId?: string } = {};
      throughput = await withTimeout('throughput', budget.timeoutFor(240_000, 130_000), (s) =>
        measureThroughput(bench, watch, MAP_ITEMS, WORKER_CONCURRENCY, s, progress),
      );
      if (!throughput.ok && progress.runId) partial = await partialThroughput(bench, progress.runId);
    }
    for (const p of watch) if (p.exited) extra[`${p.name}_exit`] = `${p.exited}: ${p.tail(5)}`;

    log('stopping weir processes');
    await bench.stopComponents();
    // A run left unfinished by a timed-out part would otherwise weigh on every tick measured next.
    await bench.pool.query(
      `UPDATE dag_run SET state = 'failed', ended_at = now() AT TIME ZONE 'UTC' WHERE state IN ('queued', 'running')`,
    );
    log(`definitions at scale: ${SCALE_DAGS} DAG files, then scheduler ticks`);
    parse = await withTimeout('definitions at scale', budget.timeoutFor(200_000, 15_000), (s) =>
      measureParse(bench, SCALE_DAGS, s),
    );
  } finally {
    log('cleaning up');
    cleanup.push(...(await bench.close()));
  }

  const hopValue = hop.ok ? hop.value : undefined;
  const baseHopValue = baseHop.ok ? baseHop.value : undefined;
  const tpValue = throughput.ok ? throughput.value : undefined;
  const baseTpValue = baseThroughput.ok ? baseThroughput.value : undefined;
  const parseValue = parse.ok ? parse.value : undefined;
  const results: BenchResults = {
    machine: describeMachine(),
    at: startedAt.toISOString(),
    hop: {
      p50_ms: hopValue?.p50_ms ?? null,
      p99_ms: hopValue?.p99_ms ?? null,
      chain40_total_ms: hopValue?.chain40_total_ms ?? null,
      baseline_p50_ms: baseHopValue?.p50_ms ?? null,
      ratio_p50: ratio(hopValue?.p50_ms ?? null, baseHopValue?.p50_ms ?? null),
      baseline_p99_ms: baseHopValue?.p99_ms ?? null,
      ...(hopValue ? { detail: hopValue, precise: hopValue.precise } : { skipped: failure(hop) }),
      baseline: baseHopValue ?? { skipped: failure(baseHop) },
    },
    throughput: {
      tasks_per_s: tpValue?.tasks_per_s ?? null,
      baseline_jobs_per_s: baseTpValue?.jobs_per_s ?? null,
      ratio: ratio(tpValue?.tasks_per_s ?? null, baseTpValue?.jobs_per_s ?? null),
      ...(tpValue ? { detail: tpValue } : { skipped: failure(throughput), partial }),
      baseline: baseTpValue ?? { skipped: failure(baseThroughput) },
    },
    parse: {
      dags: SCALE_DAGS,
      full_parse_ms: parseValue?.full_parse_ms ?? null,
      scheduler_tick_ms: parseValue?.scheduler_tick_ms ?? null,
      ...(parseValue ? { detail: parseValue } : { skipped: failure(parse) }),
    },
    commit: gitDescribe(),
    duration_s: (Date.now() - startedAt.getTime()) / 1000,
    ...extra,
    ...(cleanup.length > 0 ? { cleanup_problems: cleanup } : {}),
  };
  writeResults(results, RESULTS);
  printTable(results);
  log(`results written to ${RESULTS.pathname}`);
  return 0;
}

function gitDescribe(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot })
      .toString()
      .trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return null;
  }
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await env?.close();
    process.exit(1);
  },
);
