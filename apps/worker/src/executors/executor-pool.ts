// Owns a worker's executors: `size` of them (the worker's concurrency), shared by every queue it
// serves, all started with the worker (two at a time) and kept warm. An invocation takes an
// executor only while user code runs, not while its try is claimed or recorded, and takes the
// most recently used one, so short tries keep running in a few cache-hot processes.
import type { ExecutionEnd, Executor, LogSink } from './executor.ts';
import type { Invocation } from './protocol.ts';
import type { TryStop } from './stop-signal.ts';

export interface ExecutorPoolOptions {
  readonly size: number;
  readonly create: () => Executor;
  /** Starts an executor's process; resolves once it can take an invocation. */
  readonly warm: (executor: Executor) => Promise<void>;
}

export class ExecutorPool {
  private readonly idle: Executor[] = [];
  private readonly waiting: ((executor: Executor) => void)[] = [];
  private readonly all: Executor[] = [];
  private closed = false;

  constructor(private readonly options: ExecutorPoolOptions) {}

  get size(): number {
    return this.options.size;
  }

  /** Executors started so far. */
  get started(): number {
    return this.all.length;
  }

  /**
   * Starts every executor, `parallel` at a time (a process takes most of a second of CPU to
   * start), so a try never waits for one. Resolves once all are warm.
   */
  async prestart(parallel = 2): Promise<void> {
    const queue: Executor[] = [];
    while (this.all.length < this.options.size) queue.push(this.add());
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let e = queue.shift(); e && !this.closed; e = queue.shift()) {
          await this.options.warm(e).catch(() => {});
          this.release(e);
        }
      }),
    );
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

  private acquire(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('the worker is stopping'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    // Before prestart (or while it runs): start one more, up to the size.
    if (this.all.length < this.options.size) return Promise.resolve(this.add());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(executor: Executor): void {
    const next = this.waiting.shift();
    if (next) next(executor);
    else this.idle.push(executor);
  }

  private add(): Executor {
    const executor = this.options.create();
    this.all.push(executor);
    return executor;
  }
}
