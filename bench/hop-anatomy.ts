// Takes a hop apart: drives the 40-task chain in this process through the engine functions the
// worker calls, one task at a time with nothing else running, and records each step's time and
// PostgreSQL statements. As in the worker, a hop is the DAG lookup and one fused pass: the
// finished try's end recorded in its run's scheduling pass, which claims the next try for the
// same slot (eager dispatch); anything else the pass queued goes to Redis. The sum is what a hop
// costs before any contention or process hand-off.
import { type ClaimedTry, claimTry, scheduleDagRun } from '@weir/engine';
import { CHAIN_DAG, CHAIN_LENGTH } from './lib/dag-files.ts';
import { openEngine } from './lib/engine-runtime.ts';
import type { BenchEnvironment } from './lib/environment.ts';
import { StatementCounter } from './lib/statement-counter.ts';
import { median, percentile } from './lib/stats.ts';

const STEPS = ['catalog', 'pass', 'enqueue'] as const;
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
  // The same SQL handle the worker's engine uses on its hot path.
  const sql = opened.hotPath as Parameters<typeof claimTry>[0] & Parameters<typeof scheduleDagRun>[0];
  const worker = { hostname: 'bench', pid: process.pid };
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
        // The chain's first try comes through Redis in the worker: its claim is not a hop.
        const queued = await queuedTry(env, run.id);
        const first = await claimTry(sql, queued, worker, engine.clock());
        if (first.kind !== 'claimed')
          throw new Error(`could not claim task instance ${queued.taskInstanceId}`);
        let claimed: ClaimedTry | undefined = first.try;
        for (let i = 0; claimed; i++) {
          signal.throwIfAborted();
          const current: ClaimedTry = claimed;
          await step('catalog', () => engine.catalog.get(CHAIN_DAG));
          const outcome = await step('pass', () =>
            scheduleDagRun(sql, engine.catalog, run.id, engine.clock(), {
              finishFirst: {
                claimed: current,
                task: NO_RETRY,
                outcome: { kind: 'success', output: undefined, outputJson: undefined },
                now: engine.clock(),
              },
              claimFor: { take: () => true, worker, clock: engine.clock },
            }),
          );
          if (outcome.finish?.kind !== 'recorded') throw new Error(`try of task ${i} not recorded`);
          await step('enqueue', () => engine.queue.enqueue(outcome.jobs));
          claimed = outcome.claimed;
          if (!claimed && i < CHAIN_LENGTH - 1) throw new Error(`task ${i + 1} was not claimed eagerly`);
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
