// Owns a worker's executors: at most `size` (the worker's concurrency), shared by every queue it
// serves. An invocation takes an executor only while user code runs, not while its try is
// claimed or recorded, and takes the one most recently used (a warm, cache-hot process), so a
// worker whose tries are short keeps a few executors busy instead of cycling through all of
// them. Two executors start with the worker; more start, one at a time and up to `size`, while
// invocations wait for one (tries that run long), and each stays warm once started.
import type { ExecutionEnd, Executor, LogSink } from './executor.ts';
import type { Invocation } from './protocol.ts';
import type { TryStop } from './stop-signal.ts';

export interface ExecutorPoolOptions {
  readonly size: number;
  readonly create: () => Executor;
  /** Starts an executor's process; resolves once it can take an invocation. */
  readonly warm: (executor: Executor) => Promise<void>;
  /** Executors started at start-up (default 2: one busy and a spare). */
  readonly initial?: number;
  /** How long an invocation waits for an executor before one more starts (default 50 ms). */
  readonly growAfterMs?: number;
}

interface Waiter {
  readonly resolve: (executor: Executor) => void;
  readonly since: number;
  timer?: NodeJS.Timeout;
}

export class ExecutorPool {
  private readonly idle: Executor[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly all: Executor[] = [];
  private closed = false;
  private starting = 0;

  constructor(private readonly options: ExecutorPoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  /** Executors started so far. */
  get started(): number {
    return this.all.length;
  }

  /** Starts the first executors; resolves once they are warm. */
  async prestart(): Promise<void> {
    const count = Math.min(this.options.size, this.options.initial ?? 2);
    await Promise.all(Array.from({ length: count }, () => this.startIdle()));
  }

  /**
   * Runs one invocation in an idle executor. With `stop`, the try's stop reaches the executor
   * while it runs the invocation (and one stopped before it starts never runs).
   */
  async run(invocation: Invocation, sink: LogSink, stop?: TryStop): Promise<ExecutionEnd> {
    if (stop?.reason) return { kind: 'stopped', reason: stop.reason };
    const executor = await this.acquire();
    try {
      if (stop?.reason) return { kind: 'stopped', reason: stop.reason };
      const detach = stop?.attach(executor);
      try {
        return await executor.run(invocation, sink);
      } finally {
        detach?.();
      }
    } finally {
      this.release(executor);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((e) => e.close()));
  }

  private get growAfterMs(): number {
    return this.options.growAfterMs ?? 50;
  }

  private acquire(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('the worker is stopping'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    return new Promise<Executor>((resolve) => {
      const waiter: Waiter = { resolve, since: performance.now() };
      this.waiting.push(waiter);
      // Waiting long means the executors are busy with long invocations, not just handing over.
      waiter.timer = setTimeout(() => this.grow(), this.growAfterMs);
    });
  }

  private release(executor: Executor): void {
    const next = this.waiting.shift();
    if (next) this.hand(next, executor);
    else this.idle.push(executor);
  }

  private hand(waiter: Waiter, executor: Executor): void {
    clearTimeout(waiter.timer);
    waiter.resolve(executor);
  }

  /**
   * One more executor, up to `size`, while an invocation has waited `growAfterMs` for one. One
   * starts at a time: a process takes most of a second of CPU to start, and short tries that
   * merely queue for a moment are better served by the warm executors than by new ones.
   */
  private grow(): void {
    if (this.closed || this.starting > 0 || this.all.length >= this.options.size) return;
    const oldest = this.waiting[0];
    if (oldest && performance.now() - oldest.since >= this.growAfterMs) void this.startIdle();
  }

  /** Starts an executor; once warm it takes a waiting invocation or joins the idle ones. */
  private async startIdle(): Promise<void> {
    const executor = this.add();
    this.starting++;
    try {
      await this.options.warm(executor).catch(() => {});
    } finally {
      this.starting--;
    }
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) this.hand(next, executor);
    else this.idle.unshift(executor); // the most recently used stay on top
    this.grow();
  }

  private add(): Executor {
    const executor = this.options.create();
    this.all.push(executor);
    return executor;
  }
}
