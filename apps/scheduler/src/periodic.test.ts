// runPeriodically: start to start every interval, never two passes at once, again at once when a
// pass says it left work behind.
import { describe, expect, it } from 'vitest';
import { runPeriodically } from './periodic.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runPeriodically', () => {
  it('waits the interval between passes that finished their work', async () => {
    let passes = 0;
    const loop = runPeriodically(async () => {
      passes++;
    }, 10_000);
    await sleep(200);
    await loop.stop();
    expect(passes).toBe(1);
  });

  it('runs again at once while a pass returns true, then waits again', async () => {
    let passes = 0;
    let concurrent = 0;
    let peak = 0;
    let fifth: () => void = () => {};
    const fifthPass = new Promise<void>((resolve) => {
      fifth = resolve;
    });
    const loop = runPeriodically(async () => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      await sleep(5);
      concurrent--;
      passes++;
      if (passes === 5) fifth();
      return passes < 5; // the fifth pass finds nothing left
    }, 10_000);
    await fifthPass; // well before the 10 s interval: the passes did not wait for it
    await sleep(200);
    await loop.stop();
    expect(passes).toBe(5);
    expect(peak).toBe(1);
  });
});
