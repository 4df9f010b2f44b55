// Owns a worker process's life: BullMQ workers for the chosen queues, heartbeats for running
// tries, and a shutdown that lets tries finish within a grace period and hands back the rest.
import { hostname } from 'node:os';
import type { ClaimedTry, Engine } from '@weir/engine';
import type { RedisConnection } from '@weir/queue';
import { CALLBACK_QUEUE, type RunCallbackJobData, startTaskWorker, type TaskWorkerHandle } from '@weir/queue';
import type { TaskLogger } from '@weir/sdk';
import { DagFunctions } from './dag-functions.ts';
import { runDagCallback } from './run-callbacks.ts';
import { runTry } from './task-runner.ts';

export interface WorkerOptions {
  readonly engine: Engine;
  readonly connection: RedisConnection;
  readonly prefix: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  readonly xcomMaxBytes: number;
  /** How long running tries may take to finish on shutdown before they are handed back. */
  readonly shutdownGraceMs: number;
  readonly heartbeatMs?: number;
}

export interface WorkerHandle {
  readonly inFlight: ReadonlyMap<number, ClaimedTry>;
  stop(): Promise<{ handedBack: number }>;
}

export function startWorker(options: WorkerOptions): WorkerHandle {
  const inFlight = new Map<number, ClaimedTry>();
  let accepting = true;
  const functions = new DagFunctions();
  const runner = {
    engine: options.engine,
    functions,
    hostname: hostname(),
    pid: process.pid,
    xcomMaxBytes: options.xcomMaxBytes,
    inFlight,
    queues: new Set(options.queues),
    accepting: () => accepting,
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
  const callbackLog = consoleLogger();
  workers.push(
    startTaskWorker<RunCallbackJobData>({
      connection: options.connection,
      prefix: options.prefix,
      queue: CALLBACK_QUEUE,
      concurrency: 4,
      process: (data) => runDagCallback(options.engine, functions, data, callbackLog),
    }),
  );
  const heartbeat = setInterval(() => {
    const ids = [...inFlight.keys()];
    if (ids.length === 0) return;
    void options.engine.db.taskInstance
      .updateMany({
        where: { id: { in: ids }, state: 'running' },
        data: { lastHeartbeatAt: options.engine.clock() },
      })
      .catch(() => {});
  }, options.heartbeatMs ?? 5_000);
  heartbeat.unref();

  return {
    inFlight,
    async stop() {
      accepting = false;
      clearInterval(heartbeat);
      const graceful = Promise.all(workers.map((w) => w.close(false)));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), options.shutdownGraceMs).unref()),
      ]);
      let handedBack = 0;
      if (timedOut) {
        handedBack = await handBack(options.engine, [...inFlight.values()]);
        // A task that ignores its signal never settles; BullMQ's forced close may wait on it.
        await Promise.race([
          Promise.all(workers.map((w) => w.close(true))),
          new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
        ]);
      }
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

/** DAG callbacks have no task try to log to; their lines go to the worker's output. */
function consoleLogger(): TaskLogger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ level, name: 'worker', msg: message, ...fields })}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
