// Expected values follow Airflow 2's timetables (airflow/timetables/interval.py and _cron.py) and
// tests/timetables/test_interval_timetable.py: logical date = data interval start, a run is due
// once its interval has ended, catchup=False starts from the latest complete interval.
import { describe, expect, it } from 'vitest';
import {
  type DataInterval,
  intervalsBetween,
  manualRunInterval,
  nextRunInfo,
  type RunInfo,
  type ScheduleSpec,
  validateSchedule,
} from './schedule.ts';

const HOUR = 3_600_000;
const d = (iso: string) => new Date(iso);
const spec = (overrides: Partial<ScheduleSpec>): ScheduleSpec => ({
  schedule: '@hourly',
  timezone: 'UTC',
  startDate: d('2026-01-01T00:00:00Z'),
  endDate: null,
  catchup: true,
  ...overrides,
});
const interval = (start: string, end: string): DataInterval => ({ start: d(start), end: d(end) });
const hours = (i: DataInterval) => (i.end.getTime() - i.start.getTime()) / HOUR;

/** The runs a scheduler would create by `now`: follow nextRunInfo while each is due. */
function dueRuns(s: ScheduleSpec, now: Date, max = 1_000): RunInfo[] {
  const runs: RunInfo[] = [];
  for (
    let info = nextRunInfo(s, null, now);
    info !== null && info.runAfter <= now;
    info = nextRunInfo(s, info.dataInterval, now)
  ) {
    runs.push(info);
    if (runs.length > max) throw new Error('runaway');
  }
  return runs;
}

describe('nextRunInfo with catchup', () => {
  it('creates one run per missed hour, oldest first, logical date = interval start', () => {
    const runs = dueRuns(spec({}), d('2026-01-01T05:00:00Z'));
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
      '2026-01-01T04:00:00.000Z',
    ]);
    for (const run of runs) {
      expect(run.dataInterval.start).toEqual(run.logicalDate);
      expect(run.dataInterval.end.getTime() - run.logicalDate.getTime()).toBe(HOUR);
      expect(run.runAfter).toEqual(run.dataInterval.end);
    }
  });

  it('returns the next interval even before it is due', () => {
    const next = nextRunInfo(
      spec({}),
      interval('2026-01-01T04:00:00Z', '2026-01-01T05:00:00Z'),
      d('2026-01-01T05:10:00Z'),
    );
    expect(next).toEqual({
      logicalDate: d('2026-01-01T05:00:00Z'),
      dataInterval: interval('2026-01-01T05:00:00Z', '2026-01-01T06:00:00Z'),
      runAfter: d('2026-01-01T06:00:00Z'),
    });
  });

  it('aligns a start date between ticks to the next tick', () => {
    const first = nextRunInfo(
      spec({ startDate: d('2026-01-01T00:30:00Z') }),
      null,
      d('2026-01-02T00:00:00Z'),
    );
    expect(first?.dataInterval).toEqual(interval('2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'));
  });

  it('has no automated runs without a start date', () => {
    expect(nextRunInfo(spec({ startDate: null }), null, d('2026-01-02T00:00:00Z'))).toBeNull();
  });

  it('honours the end date: no interval starts after it', () => {
    const s = spec({ endDate: d('2026-01-01T02:00:00Z') });
    const runs = dueRuns(s, d('2026-01-02T00:00:00Z'));
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    expect(
      nextRunInfo(s, interval('2026-01-01T02:00:00Z', '2026-01-01T03:00:00Z'), d('2026-01-02T00:00:00Z')),
    ).toBeNull();
  });

  it('follows a changed schedule from the end of the last interval', () => {
    // Was hourly, now at half past: Airflow aligns the last end back to the new schedule.
    const next = nextRunInfo(
      spec({ schedule: '30 * * * *' }),
      interval('2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'),
      d('2026-01-01T01:00:00Z'),
    );
    expect(next?.dataInterval).toEqual(interval('2026-01-01T00:30:00Z', '2026-01-01T01:30:00Z'));
  });
});

describe('nextRunInfo without catchup', () => {
  const s = spec({ catchup: false, startDate: d('2025-01-01T00:00:00Z') });

  it('starts from the latest complete interval', () => {
    expect(dueRuns(s, d('2026-01-01T10:20:00Z')).map((r) => r.dataInterval)).toEqual([
      interval('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z'),
    ]);
  });

  it('takes the interval that has just ended when now is on a tick', () => {
    expect(nextRunInfo(s, null, d('2026-01-01T10:00:00Z'))?.dataInterval).toEqual(
      interval('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z'),
    );
  });

  it('skips intervals missed since the last run', () => {
    const next = nextRunInfo(
      s,
      interval('2025-12-30T00:00:00Z', '2025-12-30T01:00:00Z'),
      d('2026-01-01T10:20:00Z'),
    );
    expect(next?.dataInterval).toEqual(interval('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z'));
  });

  it('goes on normally once caught up', () => {
    const next = nextRunInfo(
      s,
      interval('2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z'),
      d('2026-01-01T10:20:00Z'),
    );
    expect(next).toMatchObject({
      logicalDate: d('2026-01-01T10:00:00Z'),
      runAfter: d('2026-01-01T11:00:00Z'),
    });
  });

  it('waits for a start date in the future', () => {
    const future = spec({ catchup: false, startDate: d('2026-03-01T12:00:00Z'), schedule: '@daily' });
    expect(nextRunInfo(future, null, d('2026-01-01T10:20:00Z'))?.dataInterval).toEqual(
      interval('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'),
    );
  });
});

describe('@once and no schedule', () => {
  it('@once runs once at the start date', () => {
    const s = spec({ schedule: '@once', startDate: d('2026-02-01T08:00:00Z') });
    expect(nextRunInfo(s, null, d('2026-01-01T00:00:00Z'))).toEqual({
      logicalDate: d('2026-02-01T08:00:00Z'),
      dataInterval: interval('2026-02-01T08:00:00Z', '2026-02-01T08:00:00Z'),
      runAfter: d('2026-02-01T08:00:00Z'),
    });
    expect(
      nextRunInfo(s, interval('2026-02-01T08:00:00Z', '2026-02-01T08:00:00Z'), d('2026-03-01T00:00:00Z')),
    ).toBeNull();
    expect(nextRunInfo({ ...s, startDate: null }, null, d('2026-03-01T00:00:00Z'))).toBeNull();
    expect(
      nextRunInfo({ ...s, endDate: d('2026-01-15T00:00:00Z') }, null, d('2026-03-01T00:00:00Z')),
    ).toBeNull();
  });

  it('no schedule means no automated runs, and manual runs get [at, at]', () => {
    const s = spec({ schedule: null });
    expect(nextRunInfo(s, null, d('2026-03-01T00:00:00Z'))).toBeNull();
    expect(manualRunInterval(s, d('2026-03-01T10:17:00Z'))).toEqual(
      interval('2026-03-01T10:17:00Z', '2026-03-01T10:17:00Z'),
    );
    expect(manualRunInterval({ ...s, schedule: '@once' }, d('2026-03-01T10:17:00Z'))).toEqual(
      interval('2026-03-01T10:17:00Z', '2026-03-01T10:17:00Z'),
    );
  });
});

describe('time zones and DST', () => {
  const daily = (timezone: string, startDate: string) =>
    spec({ schedule: '@daily', timezone, startDate: d(startDate) });

  it('runs a 02:00 job at 02:00 local: 01:00 UTC in winter, 00:00 UTC in summer (Europe/Amsterdam)', () => {
    const s = spec({
      schedule: '0 2 * * *',
      timezone: 'Europe/Amsterdam',
      startDate: d('2026-01-10T00:00:00Z'),
    });
    expect(nextRunInfo(s, null, d('2026-01-20T00:00:00Z'))?.logicalDate).toEqual(d('2026-01-10T01:00:00Z'));
    const summer = { ...s, startDate: d('2026-07-10T00:00:00Z') };
    expect(nextRunInfo(summer, null, d('2026-07-20T00:00:00Z'))?.logicalDate).toEqual(
      d('2026-07-10T00:00:00Z'),
    );
  });

  it('@daily in America/New_York has a 25 h interval on the November DST change', () => {
    const runs = dueRuns(daily('America/New_York', '2024-11-02T04:00:00Z'), d('2024-11-06T00:00:00Z'));
    expect(runs.map((r) => [r.dataInterval.start.toISOString(), hours(r.dataInterval)])).toEqual([
      ['2024-11-02T04:00:00.000Z', 24], // midnight EDT
      ['2024-11-03T04:00:00.000Z', 25], // midnight EDT → midnight EST
      ['2024-11-04T05:00:00.000Z', 24], // midnight EST
    ]);
  });

  it('@daily in Europe/Amsterdam has a 23 h interval on the March DST change', () => {
    const runs = dueRuns(daily('Europe/Amsterdam', '2024-03-29T23:00:00Z'), d('2024-04-01T23:00:00Z'));
    expect(runs.map((r) => [r.dataInterval.start.toISOString(), hours(r.dataInterval)])).toEqual([
      ['2024-03-29T23:00:00.000Z', 24],
      ['2024-03-30T23:00:00.000Z', 23], // midnight CET → midnight CEST
      ['2024-03-31T22:00:00.000Z', 24],
    ]);
  });

  it('moves a 02:30 job to 03:30 on the day 02:30 does not exist, without overlapping intervals', () => {
    const s = spec({
      schedule: '30 2 * * *',
      timezone: 'Europe/Amsterdam',
      startDate: d('2024-03-29T12:00:00Z'),
    });
    const runs = dueRuns(s, d('2024-04-02T12:00:00Z'));
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual([
      '2024-03-30T01:30:00.000Z', // 02:30 CET
      '2024-03-31T01:30:00.000Z', // 03:30 CEST: 02:30 was skipped by the clock
      '2024-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('runs a 01:30 New York job once on the day 01:30 happens twice', () => {
    const s = spec({
      schedule: '30 1 * * *',
      timezone: 'America/New_York',
      startDate: d('2024-11-02T00:00:00Z'),
    });
    const runs = dueRuns(s, d('2024-11-05T12:00:00Z'));
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual([
      '2024-11-02T05:30:00.000Z',
      '2024-11-03T05:30:00.000Z', // the first 01:30 (EDT)
      '2024-11-04T06:30:00.000Z',
    ]);
  });

  it.each([
    ['@hourly', 'Europe/Amsterdam', '2024-03-25T00:00:00Z', '2024-04-05T00:00:00Z'],
    ['@hourly', 'Europe/Amsterdam', '2024-10-20T00:00:00Z', '2024-11-05T00:00:00Z'],
    ['30 2 * * *', 'Europe/Amsterdam', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ['*/45 1-3 * * *', 'America/New_York', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    ['0 0 * * 0', 'Australia/Sydney', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
  ])(
    '%s in %s from %s to %s: consecutive intervals touch and never go backwards',
    (schedule, timezone, from, to) => {
      const runs = dueRuns(spec({ schedule, timezone, startDate: d(from) }), d(to), 5_000);
      expect(runs.length).toBeGreaterThan(50);
      runs.forEach((run, i) => {
        expect(run.dataInterval.end.getTime()).toBeGreaterThan(run.dataInterval.start.getTime());
        if (i > 0) expect(run.dataInterval.start).toEqual(runs[i - 1]?.dataInterval.end);
      });
    },
  );
});

describe('manualRunInterval', () => {
  it('is the last complete interval ending at or before the trigger time', () => {
    const s = spec({ schedule: '@daily' });
    // Airflow's example: triggered at 01:00 on the 25th → [24th 00:00, 25th 00:00).
    expect(manualRunInterval(s, d('2026-01-25T01:00:00Z'))).toEqual(
      interval('2026-01-24T00:00:00Z', '2026-01-25T00:00:00Z'),
    );
    expect(manualRunInterval(s, d('2026-01-25T00:00:00Z'))).toEqual(
      interval('2026-01-24T00:00:00Z', '2026-01-25T00:00:00Z'),
    );
  });

  it('evaluates the schedule in the DAG time zone', () => {
    const s = spec({ schedule: '@daily', timezone: 'America/New_York' });
    expect(manualRunInterval(s, d('2026-01-25T03:00:00Z'))).toEqual(
      interval('2026-01-23T05:00:00Z', '2026-01-24T05:00:00Z'),
    );
  });
});

describe('intervalsBetween', () => {
  it('lists every interval starting in [from, to], oldest first', () => {
    const s = spec({});
    expect(intervalsBetween(s, d('2026-01-01T00:00:00Z'), d('2026-01-01T03:00:00Z'))).toEqual([
      interval('2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'),
      interval('2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'),
      interval('2026-01-01T02:00:00Z', '2026-01-01T03:00:00Z'),
      interval('2026-01-01T03:00:00Z', '2026-01-01T04:00:00Z'),
    ]);
    expect(
      intervalsBetween(s, d('2026-01-01T00:30:00Z'), d('2026-01-01T02:59:00Z')).map((i) =>
        i.start.toISOString(),
      ),
    ).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
  });

  it('matches the runs the scheduler creates with catchup', () => {
    const s = spec({
      schedule: '30 2 * * *',
      timezone: 'Europe/Amsterdam',
      startDate: d('2024-03-25T00:00:00Z'),
    });
    const scheduled = dueRuns(s, d('2024-04-05T00:00:00Z')).map((r) => r.dataInterval);
    expect(intervalsBetween(s, d('2024-03-25T00:00:00Z'), d('2024-04-04T00:00:00Z'))).toEqual(scheduled);
  });

  it('gives @once one run at the start of the range, and no schedule nothing', () => {
    expect(
      intervalsBetween(spec({ schedule: '@once' }), d('2026-01-05T00:00:00Z'), d('2026-01-09T00:00:00Z')),
    ).toEqual([interval('2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')]);
    expect(
      intervalsBetween(spec({ schedule: null }), d('2026-01-05T00:00:00Z'), d('2026-01-09T00:00:00Z')),
    ).toEqual([]);
    expect(intervalsBetween(spec({}), d('2026-01-09T00:00:00Z'), d('2026-01-05T00:00:00Z'))).toEqual([]);
  });

  it('refuses a range with too many runs', () => {
    expect(() =>
      intervalsBetween(
        spec({ schedule: '* * * * *' }),
        d('2026-01-01T00:00:00Z'),
        d('2026-01-02T00:00:00Z'),
        100,
      ),
    ).toThrow(/more than 100 runs/);
  });
});

describe('validateSchedule', () => {
  it.each([
    ['@daily', 'UTC'],
    ['@once', 'Europe/Amsterdam'],
    [null, 'America/New_York'],
    ['*/15 9-17 * * 1-5', 'UTC'],
    ['0 0 29 2 *', 'UTC'],
    ['0 12 * JAN,FEB MON', 'UTC'],
  ])('accepts %s in %s', (schedule, timezone) => {
    expect(validateSchedule(schedule, timezone)).toBeNull();
  });

  it.each([
    ['@daily', 'Mars/Olympus_Mons', /timezone "Mars\/Olympus_Mons" is not an IANA time zone/],
    ['61 * * * *', 'UTC', /not a valid cron expression/],
    ['0 0 30 2 *', 'UTC', /not a valid cron expression/],
    ['* * * *', 'UTC', /has 4 fields; a cron expression has 5/],
    ['0 0 * * * *', 'UTC', /has 6 fields/],
    ['', 'UTC', /has 0 fields/],
    ['@fortnightly', 'UTC', /not a known preset/],
    ['H 0 * * *', 'UTC', /H \(hashed\)/],
    ['every day', 'UTC', /has 2 fields/],
  ])('rejects %s in %s', (schedule, timezone, message) => {
    expect(validateSchedule(schedule, timezone)).toMatch(message);
  });
});
