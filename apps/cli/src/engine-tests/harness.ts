// Owns running Weir's engine for tests the way users run it: DAG files in a folder outside the
// repository, the dag processor's child processes, real `weir worker` and `weir scheduler`
// processes, and a private database and Redis prefix per test file.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '@weir/engine';
import { createRedis, TaskQueue } from '@weir/queue';
import { DagProcessor } from '@weir/scheduler';
import {
  createTestDatabase,
  createTestRedis,
  startWeir,
  stopWeir,
  TEST_SECRET_KEY,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { afterAll, beforeAll } from 'vitest';

export interface Harness {
  readonly dir: string;
  readonly database: TestDatabase;
  readonly redis: TestRedis;
  readonly engine: Engine;
  readonly processor: DagProcessor;
  readonly env: Record<string, string>;
  writeDag(name: string, source: string): string;
  start(component: 'worker' | 'scheduler', ...args: string[]): ChildProcess;
  /** Waits until the run (by database id) is success or failed, and returns its state. */
  waitForRun(dagRunId: number, timeoutMs?: number): Promise<string>;
  tasks(dagRunId: number): Promise<Record<string, { state: string; tryNumber: number }>>;
  /** Ids of the jobs BullMQ recorded as added to a task queue (its events stream). */
  addedJobs(queue: string): Promise<string[]>;
  output(): string;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const redis = createTestRedis(env.REDIS_URL);
  const dir = mkdtempSync(join(tmpdir(), 'weir-dags-'));
  chmodSync(dir, 0o755);
  const fullEnv = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    WEIR_QUEUE_PREFIX: redis.prefix,
    WEIR_DAGS_FOLDER: dir,
    WEIR_SCHEDULER_TICK_MS: '200',
    // Each slot is an executor process started with the worker; tests that need more say so.
    WEIR_WORKER_CONCURRENCY: '4',
    WEIR_LOG_LEVEL: 'warn',
    // Scheduler and worker refuse to start without a key (they decrypt connections).
    WEIR_SECRET_KEY: TEST_SECRET_KEY,
    // Tests' DAGs run as soon as they are parsed; tests of pausing at creation set it.
    WEIR_DAGS_PAUSED_AT_CREATION: 'false',
    ...env,
  };
  const connection = createRedis(redis.url);
  const queue = new TaskQueue({ connection, prefix: redis.prefix });
  const engine = new Engine({ db: database.db, queue });
  const processor = new DagProcessor({ db: database.db, folder: dir, importTimeoutMs: 10_000 });
  const children: { child: ChildProcess; output: () => string }[] = [];
  return {
    dir,
    database,
    redis,
    engine,
    processor,
    env: fullEnv,
    writeDag(name, source) {
      const file = join(dir, name);
      writeFileSync(file, source);
      return file;
    },
    start(component, ...args) {
      const started = startWeir([component, ...args], fullEnv);
      children.push(started);
      return started.child;
    },
    async waitForRun(dagRunId, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const run = await database.db.dagRun.findUnique({ where: { id: dagRunId }, select: { state: true } });
        if (run?.state === 'success' || run?.state === 'failed') return run.state;
        await new Promise((r) => setTimeout(r, 100));
      }
      const tis = await database.db.taskInstance.findMany({
        where: { dagRunId },
        select: { taskId: true, state: true },
      });
      throw new Error(
        `run ${dagRunId} did not finish: ${JSON.stringify(tis)}\n${children.map((c) => c.output()).join('\n')}`,
      );
    },
    async tasks(dagRunId) {
      const tis = await database.db.taskInstance.findMany({
        where: { dagRunId },
        select: { taskId: true, state: true, tryNumber: true },
      });
      return Object.fromEntries(
        tis.map((t) => [t.taskId, { state: t.state as string, tryNumber: t.tryNumber }]),
      );
    },
    async addedJobs(name) {
      const entries = await connection.xrange(`${redis.prefix}:tasks.${name}:events`, '-', '+');
      return entries.flatMap(([, fields]) => {
        const event = Object.fromEntries(fields.flatMap((f, i) => (i % 2 === 0 ? [[f, fields[i + 1]]] : [])));
        return event.event === 'added' ? [String(event.jobId)] : [];
      });
    },
    output: () => children.map((c) => c.output()).join('\n'),
    async close() {
      await stopWeir(children, 15_000);
      await queue.close();
      connection.disconnect();
      await database.drop();
      await redis.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HarnessSetup {
  readonly env?: Record<string, string>;
  /** DAG files by name; sources may use the harness folder (for marker files). */
  readonly dags: (dir: string) => Record<string, string>;
  /** Processes to start once the DAGs are parsed, e.g. [['scheduler'], ['worker', '--concurrency', '8']]. */
  readonly components?: readonly (readonly ['worker' | 'scheduler', ...string[]])[];
}

/**
 * Starts a harness in beforeAll (DAGs written and parsed, components running) and closes it in
 * afterAll. The returned value stands for the harness once started.
 */
export function useHarness(setup: HarnessSetup): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(setup.env);
    for (const [name, source] of Object.entries(setup.dags(current.dir))) current.writeDag(name, source);
    await current.processor.processOnce();
    for (const [component, ...args] of setup.components ?? [['scheduler'], ['worker']])
      current.start(component, ...args);
  }, 60_000);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as Harness, {
    get: (_, key) => {
      if (!current) throw new Error('the harness is not started yet (use it inside tests)');
      return current[key as keyof Harness];
    },
  });
}

/**
 * For a log of `begin` and `end` lines that tasks append as they start and stop: how many lines
 * it has, and the most tasks that were running at once.
 */
export function peakConcurrency(logFile: string): { lines: number; peak: number } {
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  let running = 0;
  let peak = 0;
  for (const line of lines) {
    running += line === 'begin' ? 1 : -1;
    peak = Math.max(peak, running);
  }
  return { lines: lines.length, peak };
}
