// Owns a worker process's life: its executors (the processes that run user code), BullMQ workers
// for the chosen queues, the watch that heartbeats running tries and stops those that are no
// longer its own, and a shutdown that lets tries finish within a grace period, then stops their
// executors and hands the tries back.
import { hostname } from 'node:os';
import { type ClaimedTry, connectionBox, type Engine, TaskLookups } from '@weir/engine';
import type { RedisConnection } from '@weir/queue';
import { CALLBACK_QUEUE, type RunCallbackJobData, startTaskWorker, type TaskWorkerHandle } from '@weir/queue';
import { SecretMasker } from '@weir/secrets';
import { DagFunctions } from './dag-functions.ts';
import type { Executor } from './executors/executor.ts';
import { ExecutorPool } from './executors/executor-pool.ts';
import { InLoopExecutor } from './executors/in-loop-executor.ts';
import { ProcessExecutor } from './executors/process-executor.ts';
import type { TaskSecrets } from './lookup-answers.ts';
import { runDagCallback } from './run-callbacks.ts';
import { type InFlightTry, runTry } from './task-runner.ts';
import { watchTries } from './try-ownership.ts';
import { silentLogger, type WorkerLogger } from './worker-logger.ts';

/** Where user code runs: an executor process each (default), or the worker's own loop. */
export type ExecutorMode = 'process' | 'in-loop';

export interface WorkerOptions {
  readonly engine: Engine;
  readonly connection: RedisConnection;
  readonly prefix: string;
  readonly queues: readonly string[];
  /** How many tries run at once: the number of executors, shared by every queue served. */
  readonly concurrency: number;
  readonly xcomMaxBytes: number;
  /** How long running tries may take to finish on shutdown before they are handed back. */
  readonly shutdownGraceMs: number;
  readonly heartbeatMs?: number;
  readonly executor?: ExecutorMode;
  /** V8 heap limit of each executor process (WEIR_TASK_MAX_MEMORY_MB). */
  readonly taskMaxMemoryMb?: number;
  readonly logger?: WorkerLogger;
  /**
   * WEIR_SECRET_KEY: opens the connections stored in PostgreSQL for ctx.connection. Without it,
   * only connections from the environment (WEIR_CONN_<ID>) can be read.
   */
  readonly secretKey: string | undefined;
  /** Where WEIR_VAR_<KEY> and WEIR_CONN_<ID> are read (default: this process's environment). */
  readonly env?: NodeJS.ProcessEnv;
  /** Every log line of every try, as it is written. */
  readonly onTaskLog?: (claimed: ClaimedTry, level: string, message: string) => void;
  /** A try ended failed or up for retry (its alert was raised with it). */
  readonly onTryFailed?: () => void;
}

export interface WorkerHandle {
  readonly inFlight: ReadonlyMap<number, InFlightTry>;
  /** Resolves once every executor has started. */
  readonly ready: Promise<void>;
  stop(): Promise<{ handedBack: number }>;
}

/** DAG callbacks at once, besides tasks; they share the executors. */
const CALLBACK_CONCURRENCY = 4;

export function startWorker(options: WorkerOptions): WorkerHandle {
  const inFlight = new Map<number, InFlightTry>();
  const logger = options.logger ?? silentLogger;
  let accepting = true;
  const mode = options.executor ?? 'process';
  // One masker for the worker, as Airflow's is per process: a secret one try learned stays hidden
  // in every later line, whichever try prints it.
  const secrets: TaskSecrets = {
    masker: new SecretMasker(),
    lookups: new TaskLookups({
      db: options.engine.db,
      box: connectionBox(options.secretKey),
      ...(options.env ? { env: options.env } : {}),
    }),
  };
  // In-loop executors share the worker's one module cache; each process has its own.
  const inLoopFunctions = mode === 'in-loop' ? new DagFunctions() : undefined;
  const createExecutor = (): Executor =>
    inLoopFunctions
      ? new InLoopExecutor(inLoopFunctions)
      : new ProcessExecutor({
          ...(options.taskMaxMemoryMb ? { maxMemoryMb: options.taskMaxMemoryMb } : {}),
          strayLine: (stream, line) => logger.info({ stream }, secrets.masker.mask(line)),
        });
  const executors = new ExecutorPool(options.concurrency, createExecutor);
  // Every executor starts now and stays warm: a try never waits for a process to start.
  const warm = executors
    .prestart(async (e) => (e instanceof ProcessExecutor ? e.warm() : undefined))
    .then(() => logger.info({ executors: options.concurrency, mode }, 'executors ready'));
  const self = { hostname: hostname(), pid: process.pid };
  const runner = {
    engine: options.engine,
    executors,
    ...self,
    xcomMaxBytes: options.xcomMaxBytes,
    inFlight,
    queues: new Set(options.queues),
    accepting: () => accepting,
    logger,
    secrets,
    ...(options.onTaskLog ? { onTaskLog: options.onTaskLog } : {}),
    ...(options.onTryFailed ? { onTryFailed: options.onTryFailed } : {}),
  };
  const workers: TaskWorkerHandle[] = options.queues.map((queue) =>
    startTaskWorker({
      connection: options.connection,
      prefix: options.prefix,
      queue,
      concurrency: options.concurrency,
      process: (data, signal) => runTry(runner, data, signal),
    }),
  );
  workers.push(
    startTaskWorker<RunCallbackJobData>({
      connection: options.connection,
      prefix: options.prefix,
      queue: CALLBACK_QUEUE,
      concurrency: CALLBACK_CONCURRENCY,
      process: (data) => runDagCallback(options.engine, executors, data, logger, secrets),
    }),
  );
  const watch = watchTries({
    engine: options.engine,
    inFlight,
    ...self,
    heartbeatMs: options.heartbeatMs ?? 5_000,
    logger,
  });

  return {
    inFlight,
    ready: warm,
    async stop() {
      accepting = false;
      const graceful = Promise.all(workers.map((w) => w.close(false)));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), options.shutdownGraceMs).unref()),
      ]);
      watch.stop();
      let handedBack = 0;
      if (timedOut) {
        const running = [...inFlight.values()];
        handedBack = await handBack(
          options.engine,
          running.map((e) => e.claimed),
        );
        for (const entry of running) entry.stop.stop({ kind: 'shutdown' });
        await Promise.race([
          Promise.all(workers.map((w) => w.close(true))),
          new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
        ]);
      }
      await executors.close();
      return { handedBack };
    },
  };
}

/**
 * Tries still running at the end of the grace period go back to the scheduler for another try.
 * The try is recorded as lost; it does not use up one of the task's retries.
 */
async function handBack(engine: Engine, tries: readonly ClaimedTry[]): Promise<number> {
  const now = engine.clock();
  let count = 0;
  for (const t of tries) {
    const changed = await engine.db.$executeRaw`
      UPDATE task_instance SET state = 'up_for_retry', next_retry_at = ${now}, max_tries = max_tries + 1,
             ended_at = ${now}, updated_at = ${now}
      WHERE id = ${t.taskInstanceId} AND state = 'running' AND try_number = ${t.tryNumber}`;
    if (changed === 0) continue;
    count++;
    await engine.db.$executeRaw`
      UPDATE task_attempt SET ended_at = ${now}, outcome = 'lost', error = 'the worker shut down before the task finished; handed back for another try'
      WHERE task_instance_id = ${t.taskInstanceId} AND try_number = ${t.tryNumber}`;
    await engine.schedule(t.dagRunId);
  }
  return count;
}
