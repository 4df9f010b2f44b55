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

  /** Starts `count` executors now, so the first tries do not wait for a process to start. */
  prestart(count: number, warm: (executor: Executor) => void): void {
    for (let i = 0; i < Math.min(count, this.size) && this.all.length < this.size; i++) {
      const executor = this.create();
      this.all.push(executor);
      this.idle.push(executor);
      warm(executor);
    }
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
