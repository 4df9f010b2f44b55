// Raw BullMQ baselines on the same Redis, for comparing Weir with the queue it is built on:
// a chain of 40 jobs, each added when the previous one completes; 10,000 no-op jobs added
// with addBulk and processed by one Worker; and many small flows of the pipeline's shape, each
// job added when its upstream jobs have completed. The bench uses BullMQ directly here (and only here)
// on purpose: the point is to measure the queue without Weir around it.
import { createRedis, type RedisConnection } from '@weir/queue';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { forEachConcurrently } from './lib/concurrently.ts';
import { median, percentile } from './lib/stats.ts';

export interface BaselineHop {
  readonly chains: number;
  readonly hops: number;
  /** Job completed (BullMQ's `completed` event) → the next job's processor starting. */
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  /** The processor returning → the next job's processor starting (what Weir's hop spans). */
  readonly processor_p50_ms: number | null;
  readonly chain40_total_ms: number | null;
}

export interface BaselineThroughput {
  readonly jobs: number;
  readonly concurrency: number;
  readonly add_bulk_ms: number;
  /** addBulk starting → the last job completed. */
  readonly duration_ms: number;
  readonly jobs_per_s: number;
}

export interface BaselineFlows {
  readonly runs: number;
  readonly jobs_per_run: number;
  readonly concurrency: number;
  /** Runs ÷ (the first extract job added → the last load job completed). */
  readonly runs_per_s: number;
  readonly duration_ms: number;
  /** The last upstream's `completed` event → the downstream processor starting. */
  readonly hop_p50_ms: number | null;
  readonly hop_p99_ms: number | null;
  /** Before the run's first job is added → its processor starting. */
  readonly add_to_first_start_p50_ms: number | null;
  readonly add_to_first_start_p99_ms: number | null;
}

const now = () => performance.timeOrigin + performance.now();

export async function baselineHop(
  redisUrl: string,
  prefix: string,
  chains: number,
  length: number,
  signal: AbortSignal,
): Promise<BaselineHop> {
  return withConnection(redisUrl, async (connection) => {
    const queue = new Queue('baseline-chain', { connection, prefix });
    const hops: number[] = [];
    const processorHops: number[] = [];
    const totals: number[] = [];
    let chain: { started: number; returned: number; ended: number; done: () => void } | undefined;
    const worker = new Worker(
      'baseline-chain',
      async (job) => {
        const started = now();
        if (!chain) return undefined;
        if (job.data.step === 0) chain.started = started;
        else {
          hops.push(started - chain.ended);
          processorHops.push(started - chain.returned);
        }
        chain.returned = now();
        return undefined;
      },
      { connection, prefix, concurrency: 1 },
    );
    worker.on('completed', (job) => {
      if (!chain) return;
      // The processor has returned and BullMQ has marked the job completed.
      chain.ended = now();
      const step = (job.data as { step: number }).step;
      if (step + 1 < length) {
        void queue.add('step', { step: step + 1 }, { removeOnComplete: true, removeOnFail: true });
      } else {
        totals.push(chain.ended - chain.started);
        chain.done();
      }
    });
    try {
      await worker.waitUntilReady();
      for (let i = 0; i < chains; i++) {
        await new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          chain = { started: 0, returned: 0, ended: 0, done: resolve };
          void queue.add('step', { step: 0 }, { removeOnComplete: true, removeOnFail: true });
        });
      }
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    return {
      chains,
      hops: hops.length,
      p50_ms: percentile(hops, 50),
      p99_ms: percentile(hops, 99),
      processor_p50_ms: percentile(processorHops, 50),
      chain40_total_ms: median(totals),
    };
  });
}

export async function baselineThroughput(
  redisUrl: string,
  prefix: string,
  jobs: number,
  concurrency: number,
  signal: AbortSignal,
): Promise<BaselineThroughput> {
  return withConnection(redisUrl, async (connection) => {
    const queue = new Queue('baseline-bulk', { connection, prefix });
    let completed = 0;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const worker = new Worker('baseline-bulk', async () => undefined, { connection, prefix, concurrency });
    worker.on('completed', () => {
      completed++;
      if (completed === jobs) allDone();
    });
    try {
      await worker.waitUntilReady();
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
      const started = performance.now();
      // The same job options Weir's task queue uses: a deterministic id, removed on completion.
      await queue.addBulk(
        Array.from({ length: jobs }, (_, i) => ({
          name: 'task',
          data: { i },
          opts: { jobId: `b-${i}`, removeOnComplete: true, removeOnFail: true, attempts: 1 },
        })),
      );
      const addBulkMs = performance.now() - started;
      await Promise.race([finished, aborted]);
      const durationMs = performance.now() - started;
      return {
        jobs,
        concurrency,
        add_bulk_ms: addBulkMs,
        duration_ms: durationMs,
        jobs_per_s: jobs / (durationMs / 1000),
      };
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
}

/**
 * `runs` flows of `tasks` (task, upstreams), started `addConcurrency` at a time like the Weir
 * part's triggers, processed by one Worker at `concurrency`: what the queue alone does for
 * Weir's many-runs part.
 */
export async function baselineFlows(
  redisUrl: string,
  prefix: string,
  tasks: readonly { readonly id: string; readonly after: readonly string[] }[],
  runs: number,
  concurrency: number,
  addConcurrency: number,
  signal: AbortSignal,
): Promise<BaselineFlows> {
  const downstream = new Map(tasks.map((t) => [t.id, tasks.filter((d) => d.after.includes(t.id))]));
  const roots = tasks.filter((t) => t.after.length === 0);
  const upstreamCount = new Map(tasks.map((t) => [t.id, t.after.length]));
  return withConnection(redisUrl, async (connection) => {
    const queue = new Queue('baseline-flows', { connection, prefix });
    const opts = { removeOnComplete: true, removeOnFail: true, attempts: 1 };
    // Per run: when it was added, upstream ends seen per task, the latest of them.
    const state = new Map<number, { added: number; done: Map<string, number>; ready: Map<string, number> }>();
    const hops: number[] = [];
    const firstStarts: number[] = [];
    let finishedRuns = 0;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const worker = new Worker(
      'baseline-flows',
      async (job) => {
        const started = now();
        const { run, task } = job.data as { run: number; task: string };
        const s = state.get(run);
        const ready = s?.ready.get(task);
        if (s && ready !== undefined) hops.push(started - ready);
        else if (s) firstStarts.push(started - s.added);
        return undefined;
      },
      { connection, prefix, concurrency },
    );
    worker.on('completed', (job) => {
      const ended = now();
      const { run, task } = job.data as { run: number; task: string };
      const s = state.get(run);
      if (!s) return;
      const next = downstream.get(task) ?? [];
      if (next.length === 0) {
        if (++finishedRuns === runs) allDone();
        return;
      }
      for (const d of next) {
        const seen = (s.done.get(d.id) ?? 0) + 1;
        s.done.set(d.id, seen);
        if (seen === upstreamCount.get(d.id)) {
          s.ready.set(d.id, ended);
          void queue.add(d.id, { run, task: d.id }, { ...opts, jobId: `f-${run}-${d.id}` });
        }
      }
    });
    try {
      await worker.waitUntilReady();
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
      const started = performance.now();
      await forEachConcurrently(
        runs,
        addConcurrency,
        async (run) => {
          state.set(run, { added: now(), done: new Map(), ready: new Map() });
          for (const r of roots)
            await queue.add(r.id, { run, task: r.id }, { ...opts, jobId: `f-${run}-${r.id}` });
        },
        signal,
      );
      await Promise.race([finished, aborted]);
      const durationMs = performance.now() - started;
      return {
        runs,
        jobs_per_run: tasks.length,
        concurrency,
        runs_per_s: runs / (durationMs / 1000),
        duration_ms: durationMs,
        hop_p50_ms: percentile(hops, 50),
        hop_p99_ms: percentile(hops, 99),
        add_to_first_start_p50_ms: percentile(firstStarts, 50),
        add_to_first_start_p99_ms: percentile(firstStarts, 99),
      };
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
  });
}

async function withConnection<T>(url: string, fn: (connection: ConnectionOptions) => Promise<T>): Promise<T> {
  const redis: RedisConnection = createRedis(url);
  try {
    return await fn(redis as unknown as ConnectionOptions);
  } finally {
    redis.disconnect();
  }
}
