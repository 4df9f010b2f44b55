// Owns the lake's key layout, the one place that spells it:
//   raw/events/dt=YYYY-MM-DD/hour=HH/part-<uuid>.jsonl.gz   immutable, by server_ts hour
//   raw/events/dt=YYYY-MM-DD/hour=HH/_SUCCESS                the hour is closed
//   deadletter/dt=YYYY-MM-DD/hour=HH/part-<uuid>.jsonl.gz    by received_at hour
//   dim/user_profiles/snapshot=<YYYYMMDDTHHmmssSSSZ>-<id>.jsonl.gz   later key = later snapshot
//   curated/…                                                written by the transform
// Hours are UTC. The SDK's lake sensor waits on the same `_SUCCESS` keys.
import { LakeError } from './store.ts';

export const RAW_EVENTS_PREFIX = 'raw/events/';
export const DEAD_LETTER_PREFIX = 'deadletter/';
export const PROFILES_PREFIX = 'dim/user_profiles/';
export const CURATED_PREFIX = 'curated/';
export const SUCCESS_MARKER = '_SUCCESS';

const HOUR_MS = 3_600_000;

/** The start of the UTC hour holding `ts`. */
export function hourOf(ts: string | Date): Date {
  const ms = (typeof ts === 'string' ? new Date(ts) : ts).getTime();
  if (Number.isNaN(ms)) throw new LakeError('LAKE_BAD_KEY', `lake: "${String(ts)}" is not a timestamp`);
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}

/** `dt=2026-03-04/hour=05` for any instant in that UTC hour. */
export function hourPath(hour: Date): string {
  const iso = hourOf(hour).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** The hour a key's `dt=…/hour=…` names, or undefined when it names none. */
export function hourInKey(key: string): Date | undefined {
  const match = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})(?:\/|$)/.exec(key);
  if (!match) return undefined;
  const date = new Date(`${match[1]}T${match[2]}:00:00.000Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const rawHourPrefix = (hour: Date) => `${RAW_EVENTS_PREFIX}${hourPath(hour)}/`;
export const deadLetterHourPrefix = (hour: Date) => `${DEAD_LETTER_PREFIX}${hourPath(hour)}/`;
export const successKey = (hour: Date) => `${rawHourPrefix(hour)}${SUCCESS_MARKER}`;

export const isPartKey = (key: string) => /\/part-[^/]+\.jsonl\.gz$/.test(key);

/** `20260304T051500123Z`: sorts like the instant, and is safe in a key. */
export function compactInstant(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}
