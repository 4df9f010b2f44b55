import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs } from './backoff.ts';

const retry = { baseMs: 100, maxMs: 1_000, maxAttempts: 10 };

describe('backoffDelayMs', () => {
  it('doubles per attempt between half and all of the step, and stops growing at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, retry, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, retry, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header (the backoff applies)', () => {
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});
