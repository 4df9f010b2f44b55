// Owns the wait before a retry: Airflow's formula. Constant without backoff; with it,
// retryDelay × 2^(try−1) plus a deterministic jitter in [0, that), capped by maxRetryDelay.
import { createHash } from 'node:crypto';

export interface RetryPolicy {
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  readonly maxRetryDelayMs: number | null;
}

/** `tryNumber` is the try that just failed (1-based); `jitterKey` makes the jitter repeatable. */
export function retryDelayMs(policy: RetryPolicy, tryNumber: number, jitterKey: string): number {
  let delay = policy.retryDelayMs;
  if (policy.retryExponentialBackoff && delay > 0) {
    const base = delay * 2 ** Math.max(0, tryNumber - 1);
    const hash = createHash('sha1').update(jitterKey).digest();
    const fraction = hash.readUInt32BE(0) / 2 ** 32;
    delay = Math.min(base + Math.floor(fraction * base), Number.MAX_SAFE_INTEGER);
  }
  return policy.maxRetryDelayMs === null ? delay : Math.min(delay, policy.maxRetryDelayMs);
}

export function canRetry(tryNumber: number, maxTries: number): boolean {
  return tryNumber < maxTries;
}
