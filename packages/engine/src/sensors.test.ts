import { describe, expect, it } from 'vitest';
import { pokeDelayMs } from './sensors.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const key = (poke: number, taskId = 'wait') => `pipeline#${taskId}#-1#2026-01-01T00:00:00.000Z#${poke}`;
const constant = { pokeIntervalMs: MINUTE, timeoutMs: DAY, exponentialBackoff: false, maxWaitMs: null };
const backoff = { ...constant, exponentialBackoff: true };

describe('pokeDelayMs', () => {
  it('waits the poke interval after every poke without backoff', () => {
    for (const poke of [1, 2, 10]) expect(pokeDelayMs(constant, poke, 0, key(poke))).toBe(MINUTE);
  });

  it('never waits past the timeout, so the last poke lands on the deadline', () => {
    expect(pokeDelayMs(constant, 3, DAY - 10_000, key(3))).toBe(10_000);
    expect(pokeDelayMs(backoff, 30, DAY - 10_000, key(30))).toBe(10_000);
  });

  it('caps the wait by maxWait', () => {
    expect(pokeDelayMs({ ...constant, maxWaitMs: 1_000 }, 1, 0, key(1))).toBe(1_000);
    expect(pokeDelayMs({ ...backoff, maxWaitMs: 5 * MINUTE }, 12, 0, key(12))).toBe(5 * MINUTE);
  });

  it('backs off as Airflow does: pokeInterval × 2^(poke−2), plus a jitter below that, doubling per poke', () => {
    for (let poke = 1; poke <= 10; poke++) {
      const floor = MINUTE * 2 ** (poke - 2);
      const delay = pokeDelayMs(backoff, poke, 0, key(poke));
      expect(delay).toBeGreaterThanOrEqual(floor);
      expect(delay).toBeLessThan(2 * floor);
    }
  });

  it('computes the same jitter for the same poke, and spreads different sensors apart', () => {
    expect(pokeDelayMs(backoff, 4, 0, key(4))).toBe(pokeDelayMs(backoff, 4, 0, key(4)));
    const spread = new Set(['a', 'b', 'c', 'd', 'e'].map((t) => pokeDelayMs(backoff, 4, 0, key(4, t))));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('stays finite for very many pokes, and refuses a poke number below 1', () => {
    expect(pokeDelayMs(backoff, 5_000, 0, key(5_000))).toBe(DAY);
    expect(() => pokeDelayMs(constant, 0, 0, key(0))).toThrow(/pokeNumber must be an integer ≥ 1/);
  });
});
