// Owns a DAG's schedule with Airflow 2's data-interval semantics (CronDataIntervalTimetable,
// OnceTimetable, NullTimetable): a scheduled run's logical date is the start of its data
// interval, and the run may be created once the interval has ended (runAfter = interval end).
// Cron is evaluated in the DAG's time zone; see cron-ticks.ts for what happens at DST changes.
import { type CronTicks, cronTicks } from './cron-ticks.ts';
import { assertNever } from './states.ts';
import { isValidTimeZone } from './time-zone.ts';

export interface ScheduleSpec {
  /** A five-field cron expression, a preset (`@daily` …), `@once`, or null for no schedule. */
  readonly schedule: string | null;
  /** IANA time zone the cron expression is evaluated in. */
  readonly timezone: string;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly catchup: boolean;
}

export interface DataInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface RunInfo {
  /** The data interval's start (Airflow 2). */
  readonly logicalDate: Date;
  readonly dataInterval: DataInterval;
  /** When the run may be created: the end of its data interval. */
  readonly runAfter: Date;
}

/** Airflow's cron_presets, plus the common aliases `@annually` and `@midnight`. */
export const SCHEDULE_PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@quarterly': '0 0 1 */3 *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** One run at the start date, never again (Airflow's OnceTimetable). */
export const ONCE = '@once';

/** intervalsBetween refuses ranges with more runs than this, rather than flooding the database. */
export const MAX_BACKFILL_INTERVALS = 100_000;

// `H` (hashed) fields pick a random minute per parse in cron-parser; Airflow does not accept them.
const HASHED_FIELD = /(^|,)H(?=$|[/(,])/i;

/** An error message a DAG author can act on, or null when the schedule and time zone are usable. */
export function validateSchedule(schedule: string | null, timezone: string): string | null {
  if (!isValidTimeZone(timezone))
    return `timezone "${timezone}" is not an IANA time zone (like "UTC" or "Europe/Amsterdam")`;
  if (schedule === null) return null;
  const text = schedule.trim();
  if (text === ONCE) return null;
  const presets = [...Object.keys(SCHEDULE_PRESETS), ONCE].join(', ');
  if (text.startsWith('@')) {
    return SCHEDULE_PRESETS[text]
      ? null
      : `schedule "${schedule}" is not a known preset; use one of ${presets}, or a cron expression`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return `schedule "${schedule}" has ${text === '' ? 0 : fields.length} fields; a cron expression has 5 (minute hour day-of-month month day-of-week), or use a preset (${presets})`;
  }
  if (fields.some((field) => HASHED_FIELD.test(field)))
    return `schedule "${schedule}" uses H (hashed) fields, which are not supported`;
  try {
    // Parses, and proves the expression ever fires (e.g. '0 0 30 2 *' never does).
    cronTicks(text, timezone).next(Date.UTC(2000, 0, 1));
    return null;
  } catch (error) {
    return `schedule "${schedule}" is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

type Timetable =
  | { readonly kind: 'none' }
  | { readonly kind: 'once' }
  | { readonly kind: 'cron'; readonly cron: Cron };

function timetableOf(spec: ScheduleSpec): Timetable {
  if (spec.schedule === null) return { kind: 'none' };
  const text = spec.schedule.trim();
  if (text === ONCE) return { kind: 'once' };
  return { kind: 'cron', cron: cronFor(text, spec.timezone) };
}

// Parsing and validating a schedule costs more than computing a tick; the scheduler asks about
// the same few schedules over and over.
const CACHE_LIMIT = 512;
const cronCache = new Map<string, Cron>();

function cronFor(schedule: string, timezone: string): Cron {
  const key = `${timezone}\n${schedule}`;
  let cron = cronCache.get(key);
  if (!cron) {
    const error = validateSchedule(schedule, timezone);
    if (error) throw new TypeError(error);
    cron = new Cron(SCHEDULE_PRESETS[schedule] ?? schedule, timezone);
    if (cronCache.size >= CACHE_LIMIT) cronCache.clear();
    cronCache.set(key, cron);
  }
  return cron;
}

/** Airflow's CronMixin: next/prev strictly after/before, and the two alignments. */
class Cron {
  private readonly ticks: CronTicks;
  constructor(expression: string, timezone: string) {
    this.ticks = cronTicks(expression, timezone);
  }
  next(at: Date): Date {
    return new Date(this.ticks.next(at.getTime()));
  }
  prev(at: Date): Date {
    return new Date(this.ticks.prev(at.getTime()));
  }
  /** `at` if it is a tick, else the next tick (Airflow's _align_to_next). */
  alignToNext(at: Date): Date {
    const next = this.next(at);
    return this.prev(next).getTime() === at.getTime() ? at : next;
  }
  /** `at` if it is a tick, else the previous tick (Airflow's _align_to_prev). */
  alignToPrev(at: Date): Date {
    const prev = this.prev(at);
    return this.next(prev).getTime() === at.getTime() ? at : prev;
  }
}

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/**
 * The next automated (scheduled) run after `lastAutomatedInterval`, Airflow 2's
 * next_dagrun_info. Returned even when `runAfter` is still in the future: the caller creates the
 * run once `runAfter <= now`. Null when the schedule will never produce another run.
 */
export function nextRunInfo(
  spec: ScheduleSpec,
  lastAutomatedInterval: DataInterval | null,
  now: Date,
): RunInfo | null {
  const timetable = timetableOf(spec);
  switch (timetable.kind) {
    case 'none':
      return null;
    case 'once': {
      // Airflow runs @once at the start date whatever catchup says; no start date, no run.
      const at = spec.startDate;
      if (lastAutomatedInterval !== null || at === null) return null;
      if (spec.endDate !== null && at > spec.endDate) return null;
      return { logicalDate: at, dataInterval: { start: at, end: at }, runAfter: at };
    }
    case 'cron':
      return nextCronRun(timetable.cron, spec, lastAutomatedInterval, now);
    default:
      return assertNever(timetable);
  }
}

function nextCronRun(cron: Cron, spec: ScheduleSpec, last: DataInterval | null, now: Date): RunInfo | null {
  let earliest: Date | null = spec.startDate;
  if (!spec.catchup) earliest = skipToLatest(cron, earliest, now);
  else if (earliest !== null) earliest = cron.alignToNext(earliest);
  let start: Date;
  if (last === null) {
    if (earliest === null) return null;
    start = earliest;
  } else {
    // Aligning copes with a schedule that changed since the last run.
    const afterLast = cron.alignToPrev(last.end);
    start = earliest === null ? afterLast : later(afterLast, earliest);
  }
  if (spec.endDate !== null && start > spec.endDate) return null;
  const end = cron.next(start);
  return { logicalDate: start, dataInterval: { start, end }, runAfter: end };
}

/**
 * Without catchup the earliest interval worth running is the latest complete one before `now`
 * (Airflow 2's default, catchup_false_no_dagrun_airflow_2_fix off): when `now` is 10:20 on an
 * hourly schedule that is [09:00, 10:00), and never earlier than the first interval at or after
 * the start date.
 */
function skipToLatest(cron: Cron, earliest: Date | null, now: Date): Date {
  const lastStart = cron.prev(now);
  const nextStart = cron.next(lastStart);
  const newStart = nextStart.getTime() === now.getTime() ? lastStart : cron.prev(lastStart);
  return earliest === null ? newStart : later(newStart, cron.alignToNext(earliest));
}

/**
 * A manually triggered run's data interval (Airflow's infer_manual_data_interval): the last
 * complete interval ending at or before `at`; [at, at] without a cron schedule.
 */
export function manualRunInterval(spec: ScheduleSpec, at: Date): DataInterval {
  const timetable = timetableOf(spec);
  switch (timetable.kind) {
    case 'none':
    case 'once':
      return { start: at, end: at };
    case 'cron': {
      const end = timetable.cron.alignToPrev(at);
      return { start: timetable.cron.prev(end), end };
    }
    default:
      return assertNever(timetable);
  }
}

/**
 * Every interval whose start lies in [from, to], oldest first (Airflow 2's
 * iter_dagrun_infos_between, as backfill uses it: the DAG's own start/end dates and catchup do
 * not restrict an explicit range). @once gives the single run [from, from]; no schedule, none.
 * Throws a RangeError past MAX_BACKFILL_INTERVALS intervals.
 */
export function intervalsBetween(
  spec: ScheduleSpec,
  from: Date,
  to: Date,
  limit = MAX_BACKFILL_INTERVALS,
): DataInterval[] {
  if (from > to) return [];
  const timetable = timetableOf(spec);
  switch (timetable.kind) {
    case 'none':
      return [];
    case 'once':
      return [{ start: from, end: from }];
    case 'cron': {
      const { cron } = timetable;
      const intervals: DataInterval[] = [];
      for (let start = cron.alignToNext(from); start <= to; ) {
        if (intervals.length >= limit) {
          throw new RangeError(
            `${from.toISOString()} to ${to.toISOString()} holds more than ${limit} runs of "${spec.schedule}"; backfill a shorter range`,
          );
        }
        const end = cron.next(start);
        intervals.push({ start, end });
        start = end;
      }
      return intervals;
    }
    default:
      return assertNever(timetable);
  }
}
