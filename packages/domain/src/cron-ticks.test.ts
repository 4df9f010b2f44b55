import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cronTicks } from './cron-ticks.ts';
import { offsetAt, resolveWallTime, wallTime } from './time-zone.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => new Date(text).getTime();

/** Every fire time in [from, to), found minute by minute (slow, obviously right). */
function bruteForce(expression: string, timeZone: string, from: number, to: number): number[] {
  const cron = CronExpressionParser.parse(expression, { tz: 'UTC' });
  const matches = (wall: number) => cron.includesDate(new Date(wall));
  const everyHour = cron.fields.hour.values.length === 24;
  const ticks = new Set<number>();
  if (everyHour) {
    for (let t = from; t < to; t += MINUTE) if (matches(wallTime(t, timeZone))) ticks.add(t);
  } else {
    const firstWall = wallTime(from, timeZone) - 3 * HOUR;
    const lastWall = wallTime(to, timeZone) + 3 * HOUR;
    for (let wall = firstWall; wall < lastWall; wall += MINUTE) {
      if (!matches(wall)) continue;
      const r = resolveWallTime(wall, timeZone);
      const t = r.kind === 'unique' ? r.instant : r.kind === 'ambiguous' ? r.first : r.shifted;
      if (t >= from && t < to) ticks.add(t);
    }
  }
  return [...ticks].sort((a, b) => a - b);
}

function forward(expression: string, timeZone: string, from: number, to: number): number[] {
  const ticks = cronTicks(expression, timeZone);
  const out: number[] = [];
  for (let t = ticks.next(from - 1); t < to; t = ticks.next(t)) out.push(t);
  return out;
}

function backward(expression: string, timeZone: string, from: number, to: number): number[] {
  const ticks = cronTicks(expression, timeZone);
  const out: number[] = [];
  for (let t = ticks.prev(to); t >= from; t = ticks.prev(t)) out.unshift(t);
  return out;
}

describe('resolveWallTime', () => {
  it('finds both instants of a repeated wall time and shifts a skipped one forward', () => {
    // Europe/Amsterdam: 2024-10-27 03:00 CEST → 02:00 CET; 2024-03-31 02:00 CET → 03:00 CEST.
    expect(resolveWallTime(at('2024-10-27T02:30:00Z'), 'Europe/Amsterdam')).toEqual({
      kind: 'ambiguous',
      first: at('2024-10-27T00:30:00Z'),
      second: at('2024-10-27T01:30:00Z'),
    });
    expect(resolveWallTime(at('2024-03-31T02:30:00Z'), 'Europe/Amsterdam')).toEqual({
      kind: 'gap',
      shifted: at('2024-03-31T01:30:00Z'),
    });
    expect(resolveWallTime(at('2024-06-01T12:00:00Z'), 'Europe/Amsterdam')).toEqual({
      kind: 'unique',
      instant: at('2024-06-01T10:00:00Z'),
    });
    expect(offsetAt(at('2024-06-01T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
  });
});

describe('cronTicks across DST changes', () => {
  const cases: [expression: string, timeZone: string, from: string, to: string][] = [
    ['0 * * * *', 'Europe/Amsterdam', '2024-10-26T20:00:00Z', '2024-10-27T06:00:00Z'],
    ['0 * * * *', 'Europe/Amsterdam', '2024-03-30T20:00:00Z', '2024-03-31T06:00:00Z'],
    ['*/20 * * * *', 'America/New_York', '2024-11-03T03:00:00Z', '2024-11-03T09:00:00Z'],
    ['30 2 * * *', 'Europe/Amsterdam', '2024-03-28T00:00:00Z', '2024-04-03T00:00:00Z'],
    ['30 2 * * *', 'Europe/Amsterdam', '2024-10-24T00:00:00Z', '2024-10-30T00:00:00Z'],
    ['0,30 1-3 * * *', 'Europe/Amsterdam', '2024-10-26T00:00:00Z', '2024-10-28T12:00:00Z'],
    ['0,30 1-3 * * *', 'Europe/Amsterdam', '2024-03-30T00:00:00Z', '2024-04-01T12:00:00Z'],
    ['0 0 * * *', 'America/New_York', '2024-11-01T00:00:00Z', '2024-11-06T00:00:00Z'],
    ['30 1 * * *', 'America/New_York', '2024-11-01T00:00:00Z', '2024-11-06T00:00:00Z'],
    ['0 */2 * * *', 'Australia/Lord_Howe', '2024-04-06T00:00:00Z', '2024-04-08T00:00:00Z'],
    ['15 2 * * *', 'Australia/Lord_Howe', '2024-10-04T00:00:00Z', '2024-10-09T00:00:00Z'],
    ['0 * * * 1', 'Europe/Amsterdam', '2024-03-24T00:00:00Z', '2024-04-02T00:00:00Z'],
  ];
  it.each(cases)(
    '%s in %s from %s matches a minute-by-minute scan, forwards and backwards',
    (expression, timeZone, from, to) => {
      const expected = bruteForce(expression, timeZone, at(from), at(to)).map(iso);
      expect(expected.length).toBeGreaterThan(1);
      expect(forward(expression, timeZone, at(from), at(to)).map(iso)).toEqual(expected);
      expect(backward(expression, timeZone, at(from), at(to)).map(iso)).toEqual(expected);
    },
  );

  it('fires twice in the repeated hour for hourly schedules and once for daily ones', () => {
    const hourly = forward(
      '0 * * * *',
      'Europe/Amsterdam',
      at('2024-10-26T23:00:00Z'),
      at('2024-10-27T03:00:00Z'),
    ).map(iso);
    // 01:00 CEST, 02:00 CEST, 02:00 CET, 03:00 CET
    expect(hourly).toEqual([
      '2024-10-26T23:00:00.000Z',
      '2024-10-27T00:00:00.000Z',
      '2024-10-27T01:00:00.000Z',
      '2024-10-27T02:00:00.000Z',
    ]);
    const daily = forward(
      '30 2 * * *',
      'Europe/Amsterdam',
      at('2024-10-26T00:00:00Z'),
      at('2024-10-29T00:00:00Z'),
    ).map(iso);
    expect(daily).toEqual([
      '2024-10-26T00:30:00.000Z',
      '2024-10-27T00:30:00.000Z',
      '2024-10-28T01:30:00.000Z',
    ]);
  });

  it('moves a skipped wall time forward by the gap (02:30 → 03:30 CEST) and never goes backwards', () => {
    const daily = forward(
      '30 2 * * *',
      'Europe/Amsterdam',
      at('2024-03-30T00:00:00Z'),
      at('2024-04-02T00:00:00Z'),
    ).map(iso);
    expect(daily).toEqual([
      '2024-03-30T01:30:00.000Z',
      '2024-03-31T01:30:00.000Z',
      '2024-04-01T00:30:00.000Z',
    ]);
  });

  it('answers the same from inside the repeated hour as from outside it', () => {
    const ticks = cronTicks('30 2 * * *', 'Europe/Amsterdam');
    // 02:15 CET on the autumn day comes after the day's 02:30 CEST run.
    expect(iso(ticks.next(at('2024-10-27T01:15:00Z')))).toBe('2024-10-28T01:30:00.000Z');
    expect(iso(ticks.prev(at('2024-10-27T01:15:00Z')))).toBe('2024-10-27T00:30:00.000Z');
  });
});
