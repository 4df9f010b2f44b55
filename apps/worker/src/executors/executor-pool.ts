// Owns a worker's executors: a fixed number (the worker's concurrency), shared by every queue it
// serves, started on first use and kept warm afterwards. A job takes an executor before it
// claims its try and keeps it through the tries eager dispatch hands it, so at most `size` tries
// of this worker run at once.
import type { Executor } from './executor.ts';

export class ExecutorPool {
  private readonly idle: Executor[] = [];
  private readonly waiting: ((executor: Executor) => void)[] = [];
  private readonly all: Executor[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    private readonly create: () => Executor,
  ) {}

  /**
   * Starts every executor now, `parallel` at a time, so tries never wait for a process to start
   * (a process takes about 0.3 s of CPU to start). Resolves once all are warm.
   */
  async prestart(warm: (executor: Executor) => Promise<void>, parallel = 2): Promise<void> {
    const started: Executor[] = [];
    while (this.all.length < this.size) {
      const executor = this.create();
      this.all.push(executor);
      this.idle.push(executor);
      started.push(executor);
    }
    const queue = [...started];
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let e = queue.shift(); e && !this.closed; e = queue.shift()) await warm(e).catch(() => {});
      }),
    );
  }

  acquire(): Promise<Executor> {
    if (this.closed) return Promise.reject(new Error('the worker is stopping'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.all.length < this.size) {
      const executor = this.create();
      this.all.push(executor);
      return Promise.resolve(executor);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(executor: Executor): void {
    const next = this.waiting.shift();
    if (next) next(executor);
    else this.idle.push(executor);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((e) => e.close()));
  }
}
