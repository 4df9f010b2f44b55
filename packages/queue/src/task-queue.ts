// Owns carrying task tries over BullMQ. A job only says which try of which task instance to
// run; PostgreSQL holds everything else. Job ids are deterministic, so adding the same try twice
// is a no-op.
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export interface TaskJobData {
  readonly taskInstanceId: number;
  readonly tryNumber: number;
}

/** A DAG-level callback (onSuccess / onFailure) to run in a worker once a run has finished. */
export interface RunCallbackJobData {
  readonly dagRunId: number;
  readonly state: 'success' | 'failed';
}

/** Every worker serves this queue as well as its task queues. */
export const CALLBACK_QUEUE = '_callbacks';

/** Alert deliveries (@weir/alerts): every worker serves this queue too, never the scheduler. */
export const ALERT_QUEUE = '_alerts';

/** One attempt of one alert delivery; PostgreSQL's alert_delivery row holds the rest. */
export interface AlertDeliveryJobData {
  readonly deliveryId: number;
  readonly attempt: number;
}

export interface TaskJob {
  readonly queue: string;
  readonly data: TaskJobData;
}

/** One job per try: `ti-<task instance id>-<try number>`. */
export function taskJobId(data: TaskJobData): string {
  return `ti-${data.taskInstanceId}-${data.tryNumber}`;
}

const queueName = (queue: string) => `tasks.${queue}`;

export interface TaskQueueOptions {
  readonly connection: Redis;
  readonly prefix: string;
}

/** Adds task jobs to per-queue BullMQ queues. */
export class TaskQueue {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: TaskQueueOptions) {}

  async enqueue(jobs: readonly TaskJob[]): Promise<void> {
    const byQueue = new Map<string, TaskJob[]>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    await Promise.all(
      [...byQueue].map(([queue, list]) =>
        this.queue(queue).addBulk(
          list.map((job) => ({
            name: 'task',
            data: job.data,
            opts: { jobId: taskJobId(job.data), removeOnComplete: true, removeOnFail: true, attempts: 1 },
          })),
        ),
      ),
    );
  }

  /** One job per run and final state, so a repeated add is a no-op. */
  async enqueueRunCallback(data: RunCallbackJobData): Promise<void> {
    await this.queue(CALLBACK_QUEUE).add('run-callback', data, {
      jobId: `run-${data.dagRunId}-${data.state}`,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** One job per delivery and attempt (`alert-<id>-<attempt>`), so a repeated add is a no-op. */
  async enqueueDelivery(data: AlertDeliveryJobData, delayMs: number): Promise<void> {
    await this.queue(ALERT_QUEUE).add('alert-delivery', data, {
      jobId: `alert-${data.deliveryId}-${data.attempt}`,
      delay: Math.max(0, Math.round(delayMs)),
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 1,
    });
  }

  /** Whether the job for this try is still waiting, delayed or active in Redis. */
  async exists(queue: string, data: TaskJobData): Promise<boolean> {
    return (await this.existing([{ queue, data }]))[0] ?? false;
  }

  /** `exists` for many jobs at once: one pipeline of EXISTS on the jobs' keys. */
  async existing(jobs: readonly TaskJob[]): Promise<boolean[]> {
    if (jobs.length === 0) return [];
    const pipeline = this.options.connection.pipeline();
    for (const job of jobs) pipeline.exists(this.queue(job.queue).toKey(taskJobId(job.data)));
    const replies = (await pipeline.exec()) ?? [];
    return jobs.map((_, i) => {
      const [error, found] = replies[i] ?? [new Error('no reply')];
      if (error) throw error;
      return found === 1;
    });
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(queueName(name), {
        connection: this.options.connection as ConnectionOptions,
        prefix: this.options.prefix,
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

export interface TaskWorkerOptions<D = TaskJobData> {
  readonly connection: Redis;
  readonly prefix: string;
  readonly queue: string;
  readonly concurrency: number;
  /** How long a job may go without its lock being renewed before BullMQ calls it stalled. */
  readonly lockDurationMs?: number;
  readonly process: (data: D, signal: AbortSignal) => Promise<void>;
}

export interface TaskWorkerHandle {
  /** Stops taking jobs; waits for running ones unless `force`. */
  close(force?: boolean): Promise<void>;
}

export function startTaskWorker<D = TaskJobData>(options: TaskWorkerOptions<D>): TaskWorkerHandle {
  const worker = new Worker<D>(
    queueName(options.queue),
    async (job: Job<D>, _token?: string, signal?: AbortSignal) => {
      await options.process(job.data, signal ?? new AbortController().signal);
    },
    {
      connection: options.connection as ConnectionOptions,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs ?? 30_000,
      // The engine decides retries (from PostgreSQL); a stalled job is recovered by the engine.
      maxStalledCount: 0,
    },
  );
  worker.on('error', () => {
    // Connection errors are retried by ioredis; the engine's reconciliation covers lost jobs.
  });
  return { close: (force = false) => worker.close(force) };
}
