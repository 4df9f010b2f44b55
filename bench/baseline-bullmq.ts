// Raw BullMQ baselines on the same Redis, for comparing Weir with the queue it is built on:
// a chain of 40 jobs, each added when the previous one completes, and 10,000 no-op jobs added
// with addBulk and processed by one Worker. The bench uses BullMQ directly here (and only here)
// on purpose: the point is to measure the queue without Weir around it.
import { createRedis, type RedisConnection } from '@weir/queue';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
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

async function withConnection<T>(url: string, fn: (connection: ConnectionOptions) => Promise<T>): Promise<T> {
  const redis: RedisConnection = createRedis(url);
  try {
    return await fn(redis as unknown as ConnectionOptions);
  } finally {
    redis.disconnect();
  }
}
