import { describe, expect, it } from 'vitest';
import { canRetry, MAX_RETRY_DELAY_MS, type RetryPolicy, retryDelayMs } from './retry-policy.ts';

const MINUTE = 60_000;
const key = (tryNumber: number, taskId = 'load') =>
  `pipeline#${taskId}#2026-01-01T00:00:00.000Z#${tryNumber}`;

describe('retryDelayMs', () => {
  const constant: RetryPolicy = {
    retryDelayMs: 5 * MINUTE,
    retryExponentialBackoff: false,
    maxRetryDelayMs: null,
  };
  const backoff: RetryPolicy = { retryDelayMs: MINUTE, retryExponentialBackoff: true, maxRetryDelayMs: null };

  it('waits retryDelay after every try without backoff', () => {
    for (const tryNumber of [1, 2, 3, 10])
      expect(retryDelayMs(constant, tryNumber, key(tryNumber))).toBe(5 * MINUTE);
  });

  it('caps a constant delay by maxRetryDelay', () => {
    expect(retryDelayMs({ ...constant, maxRetryDelayMs: 2 * MINUTE }, 1, key(1))).toBe(2 * MINUTE);
  });

  it('doubles the floor with every try under backoff, jitter staying below the floor', () => {
    for (let tryNumber = 1; tryNumber <= 8; tryNumber++) {
      const floor = MINUTE * 2 ** (tryNumber - 1);
      const delay = retryDelayMs(backoff, tryNumber, key(tryNumber));
      expect(delay).toBeGreaterThanOrEqual(floor);
      expect(delay).toBeLessThan(2 * floor);
    }
  });

  it('keeps the jitter in [0, base) for many keys, and spreads tasks that fail together', () => {
    const delays = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const delay = retryDelayMs(backoff, 3, key(3, `task_${i}`));
      expect(delay).toBeGreaterThanOrEqual(4 * MINUTE);
      expect(delay).toBeLessThan(8 * MINUTE);
      delays.add(delay);
    }
    expect(delays.size).toBeGreaterThan(450);
  });

  it('computes the same jitter for the same key, so every scheduler agrees', () => {
    expect(retryDelayMs(backoff, 2, key(2))).toBe(retryDelayMs(backoff, 2, key(2)));
    expect(retryDelayMs(backoff, 2, key(2))).not.toBe(retryDelayMs(backoff, 2, key(2, 'other')));
  });

  it('uses the sha1 of the key modulo the base, as Airflow does', () => {
    // sha1('a') = 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8; Python's int(sha1, 16) % 1000 is 152.
    expect(
      retryDelayMs({ retryDelayMs: 1000, retryExponentialBackoff: true, maxRetryDelayMs: null }, 1, 'a'),
    ).toBe(1152);
  });

  it('caps backoff by maxRetryDelay, and by 24 h when none is set', () => {
    expect(retryDelayMs({ ...backoff, maxRetryDelayMs: 10 * MINUTE }, 6, key(6))).toBe(10 * MINUTE);
    expect(retryDelayMs(backoff, 30, key(30))).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(backoff, 5_000, key(5_000))).toBe(MAX_RETRY_DELAY_MS);
  });

  it('still waits a little with backoff and a zero delay', () => {
    expect(
      retryDelayMs({ retryDelayMs: 0, retryExponentialBackoff: true, maxRetryDelayMs: null }, 1, key(1)),
    ).toBe(1);
  });

  it('rejects a try number that is not a 1-based integer', () => {
    expect(() => retryDelayMs(backoff, 0, key(0))).toThrow(RangeError);
  });
});

describe('canRetry', () => {
  it('allows retries until the last of maxTries tries', () => {
    // retries: 2 → maxTries 3
    expect(canRetry(1, 3)).toBe(true);
    expect(canRetry(2, 3)).toBe(true);
    expect(canRetry(3, 3)).toBe(false);
    expect(canRetry(1, 1)).toBe(false);
  });
});
