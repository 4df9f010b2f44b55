// Owns stopping one try from the worker's side: the reason (timeout, no longer this worker's,
// shutdown) reaches both the executor running the try's user code, if one is (killed), and the
// worker's own waits for the try (a sensor's sleep between pokes).
import type { Executor, StopReason } from './executor.ts';

export class TryStop {
  private readonly controller = new AbortController();
  private stoppedFor: StopReason | undefined;
  private running: Executor | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): StopReason | undefined {
    return this.stoppedFor;
  }

  /** The executor now running the try's code; the returned function detaches it. */
  attach(executor: Executor): () => void {
    this.running = executor;
    return () => {
      if (this.running === executor) this.running = undefined;
    };
  }

  stop(reason: StopReason): void {
    if (this.stoppedFor) return;
    this.stoppedFor = reason;
    this.running?.stop(reason);
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
