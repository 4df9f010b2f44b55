// Owns stopping one try from the worker's side: the reason (timeout, no longer this worker's,
// shutdown) reaches both the executor running user code (killed) and the worker's own waits
// for the try (a sensor's sleep between pokes).
import type { Executor, StopReason } from './executor.ts';

export class TryStop {
  private readonly controller = new AbortController();
  private stoppedFor: StopReason | undefined;

  constructor(private readonly executor: Executor) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): StopReason | undefined {
    return this.stoppedFor;
  }

  stop(reason: StopReason): void {
    if (this.stoppedFor) return;
    this.stoppedFor = reason;
    this.executor.stop(reason);
    this.controller.abort(new TryStopped(reason));
  }
}

/** Thrown out of the worker's own waits when the try was stopped. */
export class TryStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`the try was stopped (${reason.kind})`);
    this.name = 'TryStopped';
  }
}
