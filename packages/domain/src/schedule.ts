// Owns cron schedules with Airflow 2's data-interval semantics (CronDataIntervalTimetable): a
// scheduled run's logical date is the start of its data interval, and it may be created once
// the interval has ended. Cron is evaluated in the DAG's time zone, across DST changes.
import { CronExpressionParser } from 'cron-parser';

export interface ScheduleSpec {
  readonly schedule: string | null;
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
  readonly logicalDate: Date;
  readonly dataInterval: DataInterval;
  /** When the run may be created: the end of its data interval. */
  readonly runAfter: Date;
}

export const SCHEDULE_PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** An error message for an unusable schedule or time zone, or null when both are fine. */
export function validateSchedule(schedule: string | null, timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return `timezone "${timezone}" is not an IANA time zone`;
  }
  if (schedule === null || schedule === '@once') return null;
  const expression = SCHEDULE_PRESETS[schedule] ?? schedule;
  if (expression.startsWith('@')) return `schedule "${schedule}" is not a known preset (${[...Object.keys(SCHEDULE_PRESETS), '@once'].join(' ')})`;
  if (expression.trim().split(/\s+/).length !== 5) return `schedule "${schedule}" must be a 5-field cron expression or a preset`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone, strict: false }).next();
    return null;
  } catch (error) {
    return `schedule "${schedule}" is not a valid cron expression: ${(error as Error).message}`;
  }
}

class Cron {
  private readonly expression: string;
  constructor(
    schedule: string,
    private readonly tz: string,
  ) {
    this.expression = SCHEDULE_PRESETS[schedule] ?? schedule;
  }
  /** First tick strictly after `t`. */
  next(t: Date): Date {
    return CronExpressionParser.parse(this.expression, { currentDate: t, tz: this.tz }).next().toDate();
  }
  /** Last tick strictly before `t`. */
  prev(t: Date): Date {
    return CronExpressionParser.parse(this.expression, { currentDate: t, tz: this.tz }).prev().toDate();
  }
  /** First tick at or after `t` (Airflow's _align_to_next). */
  alignNext(t: Date): Date {
    return this.next(new Date(t.getTime() - 1));
  }
  /** Last tick at or before `t` (Airflow's _align_to_prev). */
  alignPrev(t: Date): Date {
    return this.prev(new Date(t.getTime() + 1));
  }
}

const maxDate = (a: Date, b: Date) => (a > b ? a : b);

/**
 * The next scheduled run after `lastAutomatedInterval` (Airflow's next_dagrun_info). It may lie
 * in the future: the caller compares `runAfter` with now. Null when the schedule has no more.
 */
export function nextRunInfo(spec: ScheduleSpec, lastAutomatedInterval: DataInterval | null, now: Date): RunInfo | null {
  if (spec.schedule === null) return null;
  if (spec.schedule === '@once') {
    if (lastAutomatedInterval || !spec.startDate) return null;
    return { logicalDate: spec.startDate, dataInterval: { start: spec.startDate, end: spec.startDate }, runAfter: spec.startDate };
  }
  const cron = new Cron(spec.schedule, spec.timezone);
  let earliest: Date | null = spec.startDate;
  if (!spec.catchup) earliest = skipToLatest(cron, earliest, now);
  else if (earliest) earliest = cron.alignNext(earliest);
  let start: Date;
  if (!lastAutomatedInterval) {
    if (!earliest) return null;
    start = earliest;
  } else {
    start = cron.alignNext(earliest ? maxDate(lastAutomatedInterval.end, earliest) : lastAutomatedInterval.end);
  }
  if (spec.endDate && start > spec.endDate) return null;
  const end = cron.next(start);
  return { logicalDate: start, dataInterval: { start, end }, runAfter: end };
}

/** Without catchup, the earliest interval worth running is the latest complete one. */
function skipToLatest(cron: Cron, earliest: Date | null, now: Date): Date {
  const lastStart = cron.prev(now);
  const nextStart = cron.next(lastStart);
  const newStart = nextStart.getTime() === now.getTime() ? lastStart : cron.prev(lastStart);
  return earliest ? maxDate(newStart, cron.alignNext(earliest)) : newStart;
}

/** A manual run's data interval: the last complete interval ending at or before `at`. */
export function manualRunInterval(spec: ScheduleSpec, at: Date): DataInterval {
  if (spec.schedule === null || spec.schedule === '@once') return { start: at, end: at };
  const cron = new Cron(spec.schedule, spec.timezone);
  const end = cron.alignPrev(at);
  return { start: cron.prev(end), end };
}

/** Every interval whose start lies in [from, to], oldest first (for backfill). */
export function intervalsBetween(spec: ScheduleSpec, from: Date, to: Date): DataInterval[] {
  if (spec.schedule === null) return [];
  if (spec.schedule === '@once') return spec.startDate && spec.startDate >= from && spec.startDate <= to ? [{ start: spec.startDate, end: spec.startDate }] : [];
  const cron = new Cron(spec.schedule, spec.timezone);
  const intervals: DataInterval[] = [];
  for (let start = cron.alignNext(from); start <= to; start = cron.next(start)) {
    if (spec.endDate && start > spec.endDate) break;
    intervals.push({ start, end: cron.next(start) });
  }
  return intervals;
}
