// Takes a hop apart: drives the 40-task chain in this process through the engine functions the
// worker calls (claim, DAG lookup, finish, schedule, enqueue), one task at a time with nothing
// else running, and records each step's time and PostgreSQL statements. The sum is what a hop
// costs before any contention, process hand-off or BullMQ delivery.
import { claimTry, finishTry, scheduleDagRun } from '@weir/engine';
import { CHAIN_DAG, CHAIN_LENGTH } from './lib/dag-files.ts';
import { openEngine } from './lib/engine-runtime.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { StatementCounter } from './lib/statement-counter.ts';
import { median, percentile } from './lib/stats.ts';

const STEPS = ['claim', 'catalog', 'finish', 'schedule', 'enqueue'] as const;
type Step = (typeof STEPS)[number];

export interface StepCost {
  readonly p50_ms: number | null;
  /** Statements sent to PostgreSQL (median per task), BEGIN and COMMIT included. */
  readonly statements: number | null;
}

export interface HopAnatomy {
  readonly runs: number;
  readonly steps: Record<Step, StepCost>;
  /** Sum of the steps' medians: a hop's floor on this machine with this engine. */
  readonly sum_p50_ms: number;
  readonly statements_per_hop: number;
}

const NO_RETRY = { retryDelayMs: 0, retryExponentialBackoff: false, maxRetryDelayMs: null };

export async function measureHopAnatomy(
  env: BenchEnvironment,
  runs: number,
  signal: AbortSignal,
): Promise<HopAnatomy> {
  const opened = openEngine(env.databaseUrl, env.redisUrl, env.prefix);
  const { engine } = opened;
  // The same SQL handle the worker's runTry passes to claimTry and finishTry.
  const sql = opened.hotPath as Parameters<typeof claimTry>[0] & Parameters<typeof finishTry>[0];
  const scheduleSql = opened.hotPath as Parameters<typeof scheduleDagRun>[0];
  const counter = new StatementCounter();
  const samples = new Map<Step, { ms: number[]; statements: number[] }>(
    STEPS.map((s) => [s, { ms: [], statements: [] }]),
  );
  const step = async <T>(name: Step, fn: () => Promise<T>): Promise<T> => {
    const before = counter.value;
    const started = performance.now();
    const value = await fn();
    const sample = samples.get(name);
    sample?.ms.push(performance.now() - started);
    sample?.statements.push(counter.value - before);
    return value;
  };
  try {
    for (let r = 0; r < runs + 1; r++) {
      if (r === 1) for (const s of samples.values()) s.ms.length = s.statements.length = 0; // r 0 warms up
      const run = await engine.trigger({ dagId: CHAIN_DAG, triggeredBy: 'bench' });
      counter.install();
      try {
        for (let i = 0; i < CHAIN_LENGTH; i++) {
          signal.throwIfAborted();
          const queued = await queuedTry(env, run.id);
          const claim = await step('claim', () =>
            claimTry(sql, queued, { hostname: 'bench', pid: process.pid }, engine.clock()),
          );
          if (claim.kind !== 'claimed')
            throw new Error(`could not claim task instance ${queued.taskInstanceId}`);
          await step('catalog', () => engine.catalog.get(CHAIN_DAG));
          await step('finish', () =>
            finishTry(
              sql,
              claim.try,
              NO_RETRY,
              { kind: 'success', output: undefined, outputJson: undefined },
              engine.clock(),
            ),
          );
          const outcome = await step('schedule', () =>
            scheduleDagRun(scheduleSql, engine.catalog, run.id, engine.clock()),
          );
          await step('enqueue', () => engine.queue.enqueue(outcome.jobs));
        }
      } finally {
        counter.uninstall();
      }
    }
  } finally {
    counter.uninstall();
    await opened.close();
  }
  const steps = Object.fromEntries(
    STEPS.map((s) => {
      const sample = samples.get(s) ?? { ms: [], statements: [] };
      return [s, { p50_ms: percentile(sample.ms, 50), statements: median(sample.statements) }];
    }),
  ) as Record<Step, StepCost>;
  return {
    runs,
    steps,
    sum_p50_ms: STEPS.reduce((n, s) => n + (steps[s].p50_ms ?? 0), 0),
    statements_per_hop: STEPS.reduce((n, s) => n + (steps[s].statements ?? 0), 0),
  };
}

/** The run's one queued task instance (the chain has exactly one at a time). */
async function queuedTry(env: BenchEnvironment, dagRunId: number) {
  const rows = await env.pool.query<{ id: number; try_number: number }>(
    `SELECT id, try_number FROM task_instance WHERE dag_run_id = $1 AND state = 'queued'`,
    [dagRunId],
  );
  const row = rows.rows[0];
  if (!row) throw new Error(`run ${dagRunId} has no queued task instance`);
  return { taskInstanceId: row.id, tryNumber: row.try_number };
}
