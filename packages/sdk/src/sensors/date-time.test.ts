// The time sensors with an injected clock: dateTime is done once the clock reaches `at`,
// timeDelta once it reaches the data interval's end plus `after`.
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../context.ts';
import { testContext } from '../test-context.ts';
import { dateTime, timeDelta } from './date-time.ts';

const START = new Date('2026-03-04T00:00:00Z');
const END = new Date('2026-03-05T00:00:00Z');

function context(
  interval: { start: Date | null; end: Date | null } = { start: START, end: END },
): TaskContext {
  const line = () => {};
  return testContext({
    dagId: 'consumer',
    runId: 'scheduled__test',
    taskId: 'wait',
    logicalDate: START,
    dataIntervalStart: interval.start,
    dataIntervalEnd: interval.end,
    log: { debug: line, info: line, warn: line, error: line },
  });
}

/** A clock the test moves by hand. */
function clock(iso: string) {
  let now = new Date(iso);
  return { now: () => now, set: (value: string) => (now = new Date(value)) };
}

describe('dateTime', () => {
  it('is done once the clock reaches a fixed moment, given as a Date or an ISO string', async () => {
    for (const at of [
      new Date('2026-03-05T06:00:00Z'),
      '2026-03-05T06:00:00Z',
      '2026-03-05T07:00:00+01:00',
      '2026-03-05T06:00',
    ]) {
      const c = clock('2026-03-05T05:59:59.999Z');
      const poke = dateTime({ at, now: c.now });
      expect(await poke(context()), String(at)).toBe(false);
      c.set('2026-03-05T06:00:00Z');
      expect(await poke(context()), String(at)).toBe(true);
    }
  });

  it('computes the moment from ctx at each poke', async () => {
    const c = clock('2026-03-05T00:30:00Z');
    const poke = dateTime({
      at: (ctx) => new Date((ctx.dataIntervalEnd ?? ctx.logicalDate).getTime() + 3_600_000),
      now: c.now,
    });
    expect(await poke(context())).toBe(false);
    c.set('2026-03-05T01:00:00Z');
    expect(await poke(context())).toBe(true);
    // Another run, a day later, waits for its own moment.
    expect(await poke(context({ start: END, end: new Date('2026-03-06T00:00:00Z') }))).toBe(false);
  });

  it('refuses a moment that is not a date: a literal at import, a computed one at the poke', async () => {
    expect(() => dateTime({ at: 'tomorrow' })).toThrow(
      'sensors.dateTime: at must be a Date or an ISO 8601 date-time, got "tomorrow"',
    );
    expect(() => dateTime({ at: new Date('nope') })).toThrow(/got an invalid Date/);
    await expect(dateTime({ at: () => '2026-13-45' })(context())).rejects.toMatchObject({
      code: 'SENSOR_MISCONFIGURED',
      weirOutcome: 'fail',
    });
  });
});

describe('timeDelta', () => {
  it("is done once the clock reaches the data interval's end plus the duration", async () => {
    const c = clock('2026-03-05T01:29:59Z');
    const poke = timeDelta({ after: '1h30m', now: c.now });
    expect(await poke(context())).toBe(false);
    c.set('2026-03-05T01:30:00Z');
    expect(await poke(context())).toBe(true);
  });

  it('counts from the logical date for a run without a data interval', async () => {
    const c = clock('2026-03-04T00:00:59Z');
    const poke = timeDelta({ after: 60, now: c.now });
    expect(await poke(context({ start: null, end: null }))).toBe(false);
    c.set('2026-03-04T00:01:00Z');
    expect(await poke(context({ start: null, end: null }))).toBe(true);
  });

  it('refuses a bad duration at import', () => {
    expect(() => timeDelta({ after: 'soon' })).toThrow(/sensors.timeDelta: after "soon" is not a duration/);
  });
});
