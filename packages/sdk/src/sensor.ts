// Owns sensors as DAG authors write them (Airflow's BaseSensorOperator): a function poked until
// it returns a truthy value, which becomes the sensor's output. In `poke` mode the worker keeps
// its slot and sleeps between pokes; in `reschedule` mode each falsy poke ends the try as
// `up_for_reschedule` and frees the slot. The timeout counts from the first poke, across
// reschedules and retries.
import { type Duration, parseDuration } from './duration.ts';
import type { SensorMode, SerializedSensor } from './serialized.ts';

/** The options only a sensor has; `d.sensor` also takes every task option. */
export interface SensorSettings {
  /** 'poke' (default) holds a worker slot between pokes; 'reschedule' frees it. */
  readonly mode?: SensorMode;
  /** Wait between pokes. Default '60s'. */
  readonly pokeInterval?: Duration;
  /** Give up this long after the first poke (across reschedules and retries). Default '7d'. */
  readonly timeout?: Duration;
  /** On timeout, end as `skipped` instead of `failed`. Default false. */
  readonly softFail?: boolean;
  /** Grow the wait between pokes exponentially, with deterministic jitter. Default false. */
  readonly exponentialBackoff?: boolean;
  /** Upper bound on the wait between pokes. */
  readonly maxWait?: Duration;
}

/**
 * A sensor's output: what its function returns once done. `false`, `null`, `undefined` (and the
 * other falsy values, `0`, `''`, `NaN`) mean "not yet"; `true` is stored as `true`.
 */
export type SensorOutput<R> = Exclude<Awaited<R>, false | 0 | '' | null | undefined>;

export const SENSOR_DEFAULTS = {
  mode: 'poke',
  pokeIntervalMs: 60_000,
  timeoutMs: 7 * 86_400_000,
} as const;

const MODES: readonly SensorMode[] = ['poke', 'reschedule'];

/** Whether a poke's return value means the sensor is done. */
export function isPokeDone(value: unknown): boolean {
  return Boolean(value);
}

/** Throws a TypeError naming the task and the field for an invalid setting. */
export function serializeSensor(settings: SensorSettings, where: string): SerializedSensor {
  const mode = settings.mode ?? SENSOR_DEFAULTS.mode;
  if (!MODES.includes(mode))
    throw new TypeError(`${where}: mode must be 'poke' or 'reschedule', got "${mode}"`);
  const duration = (value: Duration | undefined, field: string, fallback: number) =>
    value === undefined ? fallback : parseDuration(value, `${where}: ${field}`);
  return {
    mode,
    pokeIntervalMs: duration(settings.pokeInterval, 'pokeInterval', SENSOR_DEFAULTS.pokeIntervalMs),
    timeoutMs: duration(settings.timeout, 'timeout', SENSOR_DEFAULTS.timeoutMs),
    softFail: settings.softFail ?? false,
    exponentialBackoff: settings.exponentialBackoff ?? false,
    maxWaitMs: settings.maxWait === undefined ? null : parseDuration(settings.maxWait, `${where}: maxWait`),
  };
}
