import { describe, expect, it } from 'vitest';
import { elapsed, percentOf, spanOf, tickLabel, ticksOf } from './gantt-scale.ts';

const t0 = Date.parse('2026-01-01T10:00:03.400Z');

describe('the Gantt scale', () => {
  it('spans every instant, at least one second', () => {
    expect(spanOf([t0 + 5_000, t0, t0 + 2_000])).toEqual({ start: t0, end: t0 + 5_000 });
    expect(spanOf([t0, t0 + 10])).toEqual({ start: t0, end: t0 + 1_000 });
    const span = spanOf([t0, t0 + 4_000]);
    expect([percentOf(span, t0), percentOf(span, t0 + 1_000), percentOf(span, t0 + 4_000)]).toEqual([
      0, 25, 100,
    ]);
  });

  it('puts ticks on round steps inside the span, labelled in UTC', () => {
    const span = { start: t0, end: t0 + 5_000 };
    const { step, at } = ticksOf(span);
    expect(step).toBe(1_000);
    expect(at.map((t) => tickLabel(t, step))).toEqual([
      '10:00:04',
      '10:00:05',
      '10:00:06',
      '10:00:07',
      '10:00:08',
    ]);
    const hour = ticksOf({ start: t0, end: t0 + 3_600_000 });
    expect(hour.step).toBe(600_000);
    expect(tickLabel(hour.at[0] ?? 0, hour.step)).toBe('10:10');
  });

  it('reads elapsed times as a person would', () => {
    expect([elapsed(400), elapsed(12_300), elapsed(185_000), elapsed(7_800_000)]).toEqual([
      '0.4 s',
      '12 s',
      '3 min 5 s',
      '2 h 10 min',
    ]);
  });
});
