// Owns the wait before a retry, as Airflow 2's TaskInstance.next_retry_datetime computes it:
// constant without backoff; with backoff, base = retryDelay × 2^(try−1) plus a jitter in
// [0, base) taken from the sha1 of a key naming the try, so every scheduler computes the same
// delay for the same try and different tasks failing together spread out.
import { createHash } from 'node:crypto';

export interface RetryPolicy {
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  /** Upper bound on any delay; null for none (backoff is still bounded by MAX_RETRY_DELAY_MS). */
  readonly maxRetryDelayMs: number | null;
}

/** Airflow's `[core] max_task_retry_delay` default (24 h): backoff never waits longer. */
export const MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * Milliseconds to wait before the try after `tryNumber` (the try that just failed, 1-based).
 * `jitterKey` names that try, Airflow-style: `${dagId}#${taskId}#${logicalDateISO}#${tryNumber}`.
 */
export function retryDelayMs(policy: RetryPolicy, tryNumber: number, jitterKey: string): number {
  if (!Number.isInteger(tryNumber) || tryNumber < 1)
    throw new RangeError(`tryNumber must be an integer ≥ 1, got ${tryNumber}`);
  const cap = policy.maxRetryDelayMs ?? Number.POSITIVE_INFINITY;
  if (!policy.retryExponentialBackoff) return Math.min(policy.retryDelayMs, cap);
  // Airflow floors the base at 1 (second) so the modulo below is defined; we work in ms.
  const base = Math.max(1, Math.ceil(policy.retryDelayMs * 2 ** (tryNumber - 1)));
  if (base >= MAX_RETRY_DELAY_MS) return Math.min(MAX_RETRY_DELAY_MS, cap);
  const delay = base + jitterMs(jitterKey, base);
  return Math.min(delay, MAX_RETRY_DELAY_MS, cap);
}

/** A deterministic value in [0, below): the key's sha1, as one big number, modulo `below`. */
function jitterMs(jitterKey: string, below: number): number {
  const digest = createHash('sha1').update(jitterKey, 'utf8').digest('hex');
  return Number(BigInt(`0x${digest}`) % BigInt(below));
}

/**
 * Whether a failed try may be retried: `maxTries` is the total number of tries allowed
 * (retries + 1), `tryNumber` the 1-based try that just failed.
 */
export function canRetry(tryNumber: number, maxTries: number): boolean {
  return tryNumber < maxTries;
}
