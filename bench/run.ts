// Entry of `npm run bench`: starts a private environment (database, Redis prefix, DAG folders,
// `weir scheduler` and `weir worker`), measures hop latency, throughput, many small runs at once
// and definitions at scale against raw BullMQ baselines, and the web UI's reads on seeded history (its own
// database and `weir web`), the event pipeline (collector events/s against raw XADD, the transform
// against plain DuckDB), prints a table and writes results/latest.json. Every part
// is bounded in time; a part that cannot run reports null and why. Not part of `npm test`.
import { cpus, loadavg } from 'node:os';
import { type AlertsResult, measureAlerts } from './alerts.ts';
import {
  type BaselineFlows,
  type BaselineHop,
  type BaselineThroughput,
  baselineFlows,
  baselineHop,
  baselineThroughput,
} from './baseline-bullmq.ts';
import { type HopResult, measureHops } from './hop.ts';
import { type HopAnatomy, measureHopAnatomy } from './hop-anatomy.ts';
import {
  CHAIN_DAG,
  CHAIN_LENGTH,
  MAP_DAG,
  PIPELINE_DAG,
  PIPELINE_TASKS,
  TIMED_CHAIN_DAG,
  writeChainDag,
  writeMapDag,
  writePipelineDag,
} from './lib/dag-files.ts';
import { BenchEnvironment, benchExecutor } from './lib/environment.ts';
import { gitDescribe, type Part, selectedParts } from './lib/run-options.ts';
import { waitForDags } from './lib/runs.ts';
import { ratio } from './lib/stats.ts';
import { type Bounded, Budget, withTimeout } from './lib/timeout.ts';
import { type ManyRunsProgress, type ManyRunsResult, measureManyRuns, partialManyRuns } from './many-runs.ts';
import { measureParse, type ParseResult } from './parse.ts';
import { measurePipeline, type PipelineResult } from './pipeline.ts';
import { type BenchResults, describeMachine, printTable, writeResults } from './report.ts';
import { measureRoundTrips, type RoundTrips } from './round-trip.ts';
import {
  measureSchedulePass,
  measureThroughput,
  partialThroughput,
  sdkHasMap,
  type ThroughputResult,
} from './throughput.ts';
import { measureUi, type UiResult } from './ui.ts';

const HOP_RUNS = 5;
const MAP_ITEMS = 10_000;
const WORKER_CONCURRENCY = 50;
const SCALE_DAGS = 1_000;
const MANY_RUNS = 1_000;
/** Triggers in flight at once in the many-runs part (a REST API with a pool of connections). */
const TRIGGER_CONCURRENCY = 16;
const RESULTS = new URL('./results/latest.json', import.meta.url);

const parts = selectedParts(process.argv.slice(2));
const startedAt = new Date();
const commit = gitDescribe();
const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const budget = new Budget(9.5 * 60_000);
let env: BenchEnvironment | undefined;
/** Environments of parts that bring their own (the UI part's seeded database and web server). */
const partEnvs: BenchEnvironment[] = [];
const closeAll = () => Promise.all([env?.close(), ...partEnvs.map((e) => e.close())]);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
    void closeAll().finally(() => process.exit(130));
  });
}

// Anything unexpected still ends with the processes stopped and the database dropped. Error
// 57P01 is a pooled connection the final DROP DATABASE terminated: expected, not a failure.
const crash = (error: unknown) => {
  if ((error as { code?: string } | null)?.code === '57P01') return;
  process.stderr.write(
    `bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  void closeAll().finally(() => process.exit(1));
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const failure = (r: Bounded<unknown>) => (r.ok ? undefined : r.reason);

async function main(): Promise<number> {
  if ((loadAtStart[0] ?? 0) > cpus().length) {
    log(`warning: load average ${loadAtStart.join(' ')} on ${cpus().length} cores; figures will be noisy`);
  }
  log('creating database and Redis prefix');
  const bench = await BenchEnvironment.open();
  env = bench;
  const extra: Record<string, unknown> = { database: bench.databaseName, redis_prefix: bench.prefix };
  const notRun = (part: Part): Bounded<never> => ({
    ok: false,
    reason: parts.has(part) ? 'not run' : 'not selected (--only)',
  });
  let hop: Bounded<HopResult> = notRun('hop');
  let baseHop: Bounded<BaselineHop> = notRun('hop');
  let throughput: Bounded<ThroughputResult> = notRun('throughput');
  let partial: Record<string, unknown> = {};
  const progress: { runId?: string } = {};
  let baseThroughput: Bounded<BaselineThroughput> = notRun('throughput');
  let manyRuns: Bounded<ManyRunsResult> = notRun('runs');
  let manyPartial: Record<string, unknown> = {};
  const manyProgress: ManyRunsProgress = { triggered: 0, deadlocks: 0 };
  let baseFlows: Bounded<BaselineFlows> = notRun('runs');
  let parse: Bounded<ParseResult> = notRun('parse');
  let alerts: Bounded<AlertsResult> = notRun('alerts');
  let roundTrips: Bounded<RoundTrips> = notRun('hop');
  let anatomy: Bounded<HopAnatomy> = notRun('hop');
  let ui: Bounded<UiResult> = notRun('ui');
  let pipeline: Bounded<PipelineResult> = notRun('pipeline');
  const uiProgress: Record<string, unknown> = {};
  const cleanup: string[] = [];
  try {
    extra.default_pool_raised_with = await bench.raiseDefaultPool(100_000);

    // Baselines first, while no Weir process competes for the two cores.
    if (parts.has('hop')) {
      log('baseline: raw BullMQ chain of 40');
      baseHop = await withTimeout('raw BullMQ chain', 60_000, (s) =>
        baselineHop(bench.redisUrl, bench.prefix, HOP_RUNS, CHAIN_LENGTH, s),
      );
      log('unit costs: PostgreSQL and Redis round trips');
      roundTrips = await withTimeout('round trips', 30_000, () =>
        measureRoundTrips(bench.databaseUrl, bench.redisUrl),
      );
    }
    const hasMap = sdkHasMap();
    if (parts.has('throughput')) {
      log('baseline: raw BullMQ addBulk of 10,000');
      baseThroughput = await withTimeout('raw BullMQ addBulk', 90_000, (s) =>
        baselineThroughput(bench.redisUrl, bench.prefix, MAP_ITEMS, WORKER_CONCURRENCY, s),
      );
      if (!hasMap)
        throughput = { ok: false, reason: 'the SDK has no d.map yet (mapped tasks are being written)' };
    }
    if (parts.has('runs')) {
      log(
        `baseline: raw BullMQ, ${MANY_RUNS.toLocaleString('en-US')} flows of ${PIPELINE_TASKS.length} jobs`,
      );
      baseFlows = await withTimeout('raw BullMQ flows', 90_000, (s) =>
        baselineFlows(
          bench.redisUrl,
          bench.prefix,
          PIPELINE_TASKS,
          MANY_RUNS,
          WORKER_CONCURRENCY,
          TRIGGER_CONCURRENCY,
          s,
        ),
      );
    }

    if (parts.has('hop') || (parts.has('throughput') && hasMap) || parts.has('runs')) {
      const dagIds = [writeChainDag(bench.dagsFolder, false), writeChainDag(bench.dagsFolder, true)];
      if (hasMap) dagIds.push(writeMapDag(bench.dagsFolder, MAP_ITEMS));
      if (parts.has('runs')) dagIds.push(writePipelineDag(bench.dagsFolder, MANY_RUNS));
      log(`starting weir scheduler and weir worker --concurrency ${WORKER_CONCURRENCY}`);
      const { scheduler, worker } = bench.startComponents({
        workerConcurrency: WORKER_CONCURRENCY,
        maxMapLength: MAP_ITEMS,
      });
      const watch = [scheduler, worker];
      const ready = await withTimeout('waiting for the scheduler to parse the DAGs', 90_000, (s) =>
        waitForDags(bench, dagIds, watch, s),
      );
      // The worker starts its executors (one process each) at start-up; measure once they run.
      for (
        let i = 0;
        i < 600 && worker.childProcesses() < WORKER_CONCURRENCY && benchExecutor() === 'process';
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      if (parts.has('hop')) {
        log(`hop latency: ${CHAIN_DAG} and ${TIMED_CHAIN_DAG}, ${HOP_RUNS} runs each after a warm-up run`);
        hop = ready.ok
          ? await withTimeout('hop latency', budget.timeoutFor(150_000, 360_000), (s) =>
              measureHops(bench, watch, HOP_RUNS, s),
            )
          : ready;
      }
      if (parts.has('throughput') && hasMap) {
        log(`throughput: ${MAP_DAG}, ${MAP_ITEMS.toLocaleString('en-US')} mapped instances`);
        throughput = ready.ok
          ? await withTimeout(
              'throughput',
              budget.timeoutFor(240_000, 130_000 + (parts.has('runs') ? 60_000 : 0)),
              (s) => measureThroughput(bench, watch, MAP_ITEMS, WORKER_CONCURRENCY, s, progress),
            )
          : ready;
      }
      if (parts.has('runs')) {
        // A timed-out throughput part leaves thousands of instances that would compete.
        if (!throughput.ok && progress.runId) await bench.retireUnfinished();
        log(`many runs: ${MANY_RUNS.toLocaleString('en-US')} runs of ${PIPELINE_DAG} triggered together`);
        manyRuns = ready.ok
          ? await withTimeout('many runs', budget.timeoutFor(180_000, 130_000), (s) =>
              measureManyRuns(bench, watch, MANY_RUNS, TRIGGER_CONCURRENCY, s, manyProgress),
            )
          : ready;
        if (!manyRuns.ok && ready.ok) manyPartial = await partialManyRuns(bench, manyProgress);
      }
      for (const p of watch) if (p.exited) extra[`${p.name}_exit`] = `${p.exited}: ${p.tail(5)}`;
      log('stopping weir processes');
      await bench.stopComponents();
    }

    if (!throughput.ok && progress.runId) {
      partial = await partialThroughput(bench, progress.runId);
      partial.schedule_pass_ms = await measureSchedulePass(bench, progress.runId);
    }
    await bench.retireUnfinished();
    if (parts.has('hop')) {
      log('hop anatomy: the chain driven step by step in this process');
      anatomy = await withTimeout('hop anatomy', 60_000, (s) => measureHopAnatomy(bench, 3, s));
    }
    if (parts.has('alerts')) {
      log('alerts: final failure → Slack recorder, single incidents and 1,000 failures at once');
      alerts = await withTimeout('alerts', budget.timeoutFor(120_000, 15_000), (s) =>
        measureAlerts(bench, s),
      );
    }
    if (parts.has('parse')) {
      log(`definitions at scale: ${SCALE_DAGS} DAG files, then scheduler ticks`);
      parse = await withTimeout('definitions at scale', budget.timeoutFor(200_000, 15_000), (s) =>
        measureParse(bench, SCALE_DAGS, s),
      );
    }
    if (parts.has('pipeline')) {
      log('pipeline: collector events/s vs raw XADD; transform of 1,000,000 events vs plain DuckDB');
      pipeline = await withTimeout(
        'pipeline',
        budget.timeoutFor(300_000, parts.has('ui') ? 240_000 : 5_000),
        (s) => measurePipeline(bench, s, log),
      );
    }
    if (parts.has('ui')) {
      log('ui: seeded history, the production web app, HTTP and Chromium timings');
      // Its own database and `weir web`; a first start builds the UI (about a minute here).
      const limit = budget.timeoutFor(420_000, 10_000);
      ui = await withTimeout('ui', limit, (s) =>
        measureUi(s, log, (e) => partEnvs.push(e), uiProgress, limit),
      );
      for (const e of partEnvs) cleanup.push(...(await e.close()));
    }
  } finally {
    log('cleaning up');
    cleanup.push(...(await bench.close()));
  }

  const hopValue = hop.ok ? hop.value : undefined;
  const baseHopValue = baseHop.ok ? baseHop.value : undefined;
  const tpValue = throughput.ok ? throughput.value : undefined;
  const baseTpValue = baseThroughput.ok ? baseThroughput.value : undefined;
  const parseValue = parse.ok ? parse.value : undefined;
  const manyValue = manyRuns.ok ? manyRuns.value : undefined;
  const baseFlowsValue = baseFlows.ok ? baseFlows.value : undefined;
  const results: BenchResults = {
    machine: describeMachine(),
    at: startedAt.toISOString(),
    hop: {
      p50_ms: hopValue?.p50_ms ?? null,
      p99_ms: hopValue?.p99_ms ?? null,
      chain40_total_ms: hopValue?.chain40_total_ms ?? null,
      trigger_to_first_start_ms: hopValue?.trigger_to_first_start_ms ?? null,
      baseline_p50_ms: baseHopValue?.p50_ms ?? null,
      ratio_p50: ratio(hopValue?.p50_ms ?? null, baseHopValue?.p50_ms ?? null),
      baseline_p99_ms: baseHopValue?.p99_ms ?? null,
      ...(hopValue
        ? { precise: hopValue.precise, detail: { ...hopValue, precise: undefined } }
        : { skipped: failure(hop) }),
      anatomy: anatomy.ok ? anatomy.value : { skipped: anatomy.reason },
      round_trips: roundTrips.ok ? roundTrips.value : { skipped: roundTrips.reason },
      baseline: baseHopValue ?? { skipped: failure(baseHop) },
    },
    throughput: {
      tasks_per_s: tpValue?.tasks_per_s ?? null,
      baseline_jobs_per_s: baseTpValue?.jobs_per_s ?? null,
      ratio: ratio(tpValue?.tasks_per_s ?? null, baseTpValue?.jobs_per_s ?? null),
      ...(tpValue
        ? { detail: tpValue }
        : { skipped: failure(throughput), ...(Object.keys(partial).length > 0 ? { partial } : {}) }),
      baseline: baseTpValue ?? { skipped: failure(baseThroughput) },
    },
    runs: {
      runs: MANY_RUNS,
      tasks_per_run: PIPELINE_TASKS.length,
      runs_per_s: manyValue?.runs_per_s ?? null,
      wall_s: manyValue?.wall_s ?? null,
      hop_p50_ms: manyValue?.hop.p50_ms ?? null,
      hop_p99_ms: manyValue?.hop.p99_ms ?? null,
      trigger_to_first_start_ms: {
        p50_ms: manyValue?.trigger_to_first_start_ms.p50_ms ?? null,
        p99_ms: manyValue?.trigger_to_first_start_ms.p99_ms ?? null,
      },
      failures: manyValue ? { runs: manyValue.failed, first_error: manyValue.first_failure } : null,
      baseline_runs_per_s: baseFlowsValue?.runs_per_s ?? null,
      ratio: ratio(manyValue?.runs_per_s ?? null, baseFlowsValue?.runs_per_s ?? null),
      ...(manyValue
        ? { detail: manyValue }
        : {
            skipped: failure(manyRuns),
            ...(Object.keys(manyPartial).length > 0 ? { partial: manyPartial } : {}),
          }),
      baseline: baseFlowsValue ?? { skipped: failure(baseFlows) },
    },
    parse: {
      dags: SCALE_DAGS,
      full_parse_ms: parseValue?.full_parse_ms ?? null,
      scheduler_tick_ms: parseValue?.scheduler_tick_ms ?? null,
      ...(parseValue ? { detail: parseValue } : { skipped: failure(parse) }),
    },
    alerts: alerts.ok
      ? {
          ...alerts.value,
          ratio_single_p50: ratio(alerts.value.single.p50_ms, alerts.value.baseline_post_p50_ms),
        }
      : { skipped: failure(alerts) },
    ui: ui.ok
      ? ui.value
      : { skipped: ui.reason, ...(Object.keys(uiProgress).length > 0 ? { partial: uiProgress } : {}) },
    pipeline: pipeline.ok ? pipeline.value : { skipped: pipeline.reason },
    commit,
    load_average: { at_start: loadAtStart, at_end: loadavg().map((n) => Math.round(n * 100) / 100) },
    duration_s: (Date.now() - startedAt.getTime()) / 1000,
    ...extra,
    ...(cleanup.length > 0 ? { cleanup_problems: cleanup } : {}),
  };
  writeResults(results, RESULTS);
  printTable(results);
  log(`results written to ${RESULTS.pathname}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await closeAll();
    process.exit(1);
  },
);
