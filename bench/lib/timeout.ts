// Bounds each measurement in time, so one slow part cannot hang the bench: the part gets an
// AbortSignal to stop its own loops, and the bench moves on with the reason.

export type Bounded<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function withTimeout<T>(
  label: string,
  timeoutMs: number,
  part: (signal: AbortSignal) => Promise<T>,
): Promise<Bounded<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Bounded<T>>((resolve) => {
    timer = setTimeout(() => {
      const reason = `${label} timed out after ${Math.round(timeoutMs / 1000)} s`;
      controller.abort(new Error(reason));
      resolve({ ok: false, reason });
    }, timeoutMs);
  });
  const finished = part(controller.signal).then(
    (value): Bounded<T> => ({ ok: true, value }),
    (error: unknown): Bounded<T> => ({
      ok: false,
      reason: `${label} failed: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
  try {
    return await Promise.race([finished, expired]);
  } finally {
    clearTimeout(timer);
    controller.abort(new Error(`${label} is over`));
  }
}

/** Keeps the whole bench under its wall-clock limit: a part may use what later parts do not need. */
export class Budget {
  private readonly deadline: number;

  constructor(totalMs: number) {
    this.deadline = Date.now() + totalMs;
  }

  /** `preferredMs`, shortened so that `reserveMs` is left for the parts after this one. */
  timeoutFor(preferredMs: number, reserveMs: number): number {
    return Math.max(10_000, Math.min(preferredMs, this.deadline - Date.now() - reserveMs));
  }
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
