// How long to wait before retrying a batch: exponential backoff with jitter, capped, unless the
// collector said how long (429 `Retry-After`), which wins.
import type { RetryOptions } from './options.ts';

/**
 * Delay before try number `attempt + 1`, after `attempt` failed tries (1 → about baseMs).
 * "Equal jitter": half the exponential step is fixed, half random, so clients that failed together
 * spread out without any of them retrying at once.
 */
export function backoffDelayMs(attempt: number, retry: Required<RetryOptions>, random = Math.random): number {
  const step = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + random() * (step / 2);
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or at once when the signal aborts (close() gave up). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // A Retry-After of weeks would overflow setTimeout (which then fires at once): wait the longest it can.
    const timer = setTimeout(done, Math.min(ms, 2_147_483_647));
    signal.addEventListener('abort', done);
  });
}
