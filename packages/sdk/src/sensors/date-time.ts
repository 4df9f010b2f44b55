// Owns the time sensors: `sensors.dateTime` (Airflow's DateTimeSensor) waits until a moment,
// `sensors.timeDelta` (Airflow's TimeDeltaSensor) until a duration after the run's data interval
// ends. Use reschedule mode for long waits, so the worker slot is free meanwhile.
import type { TaskContext } from '../context.ts';
import { type Duration, parseDuration } from '../duration.ts';
import { type FromContext, fromContext, type SensorPoke } from './from-context.ts';
import { SensorError } from './sensor-error.ts';

interface ClockOption {
  /** The current time; default the system clock. For tests. */
  readonly now?: () => Date;
}

export interface DateTimeSensorOptions<P = Record<string, unknown>> extends ClockOption {
  /**
   * The moment to wait for: a Date, an ISO 8601 string (with an offset, or read as UTC), or a
   * function of ctx, e.g. `(ctx) => new Date(ctx.dataIntervalEnd.getTime() + 3_600_000)`.
   */
  readonly at: FromContext<Date | string, P>;
}

export interface TimeDeltaSensorOptions extends ClockOption {
  /** How long after the run's data interval ends (its logical date when it has none). */
  readonly after: Duration;
}

/** Done (output `true`) once the clock reaches `at`. */
export function dateTime<P = Record<string, unknown>>(
  options: DateTimeSensorOptions<P>,
): SensorPoke<true, P> {
  const { at } = options;
  // A literal moment is checked at import, so a typo is the DAG file's import error.
  if (typeof at !== 'function' && parseMoment(at) === null) throw new TypeError(badMoment(at));
  const now = options.now ?? (() => new Date());
  return async (ctx) => {
    const value = await fromContext(at, ctx);
    const moment = parseMoment(value);
    if (moment === null) throw new SensorError('SENSOR_MISCONFIGURED', badMoment(value));
    return reached(now(), moment, ctx);
  };
}

/** Done (output `true`) once the clock reaches the run's data interval end plus `after`. */
export function timeDelta<P = Record<string, unknown>>(options: TimeDeltaSensorOptions): SensorPoke<true, P> {
  const afterMs = parseDuration(options.after, 'sensors.timeDelta: after');
  const now = options.now ?? (() => new Date());
  return async (ctx) => {
    const from = ctx.dataIntervalEnd ?? ctx.logicalDate;
    return reached(now(), new Date(from.getTime() + afterMs), ctx);
  };
}

function reached<P>(now: Date, moment: Date, ctx: TaskContext<P>): true | false {
  if (now.getTime() >= moment.getTime()) return true;
  ctx.log.debug(`waiting until ${moment.toISOString()}`);
  return false;
}

/** A Date from a Date or an ISO 8601 string (one without an offset is read as UTC), else null. */
function parseMoment(value: unknown): Date | null {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
    const text = value.trim();
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T');
    date = new Date(hasOffset ? text : `${text}Z`);
  }
  return date === null || Number.isNaN(date.getTime()) ? null : date;
}

function badMoment(value: unknown): string {
  const shown = value instanceof Date ? 'an invalid Date' : JSON.stringify(value);
  return `sensors.dateTime: at must be a Date or an ISO 8601 date-time, got ${shown}`;
}
