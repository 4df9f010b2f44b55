// Owns the raw zone: immutable gzip JSONL parts of bus events by server_ts hour, the `_SUCCESS`
// marker of a closed hour, and dead letters by received_at hour. A part is written once under a
// fresh uuid and never changed, so re-landing a batch after a crash adds a part (the transform's
// dedup by event_id absorbs the copies) and never corrupts one.
import { randomUUID } from 'node:crypto';
import type { BusEvent } from '../event/envelope.ts';
import { decodeJsonlGz, encodeJsonlGz } from './jsonl.ts';
import {
  DEAD_LETTER_PREFIX,
  deadLetterHourPrefix,
  hourOf,
  isPartKey,
  RAW_EVENTS_PREFIX,
  rawHourPrefix,
  successKey,
} from './layout.ts';
import { LakeError, type LakeStore } from './store.ts';

/** An event the collector refused (or could not read), as the dead-letter zone keeps it. */
export interface DeadLetter {
  readonly received_at: string;
  readonly reason: string;
  /** The event's id when it could be read. */
  readonly event_id: string | null;
  /** The event as sent (its JSON text, or the unparsable text). */
  readonly payload: string;
}

function checkHour(hour: Date, at: readonly string[], what: string): void {
  const start = hourOf(hour).getTime();
  for (const ts of at) {
    if (hourOf(ts).getTime() !== start) {
      throw new LakeError(
        'LAKE_BAD_KEY',
        `lake: a ${what} at ${ts} does not belong to hour ${hourOf(hour).toISOString()}; group by hour first (groupByHour)`,
      );
    }
  }
}

async function writePart(store: LakeStore, prefix: string, rows: readonly unknown[]): Promise<string> {
  const key = `${prefix}part-${randomUUID()}.jsonl.gz`;
  await store.put(key, encodeJsonlGz(rows));
  return key;
}

/** Lands `events` (all with a server_ts in `hour`) as a new raw part; returns its key. */
export async function writeRawPart(
  store: LakeStore,
  hour: Date,
  events: readonly BusEvent[],
): Promise<string> {
  checkHour(
    hour,
    events.map((e) => e.server_ts),
    'server_ts',
  );
  return writePart(store, rawHourPrefix(hour), events);
}

/** Groups rows by the UTC hour of `ts(row)`, in hour order. */
export function groupByHour<T>(rows: readonly T[], ts: (row: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const hour = hourOf(ts(row)).getTime();
    const group = groups.get(hour);
    if (group) group.push(row);
    else groups.set(hour, [row]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a - b));
}

/** Writes the hour's `_SUCCESS` marker: no more raw parts will be landed for it. */
export async function markHourClosed(store: LakeStore, hour: Date): Promise<void> {
  await store.put(successKey(hour), new Uint8Array());
}

export function isHourClosed(store: LakeStore, hour: Date): Promise<boolean> {
  return store.exists(successKey(hour));
}

/** The raw part keys of `hour`, or of every hour when it is omitted. */
export async function listRawParts(store: LakeStore, hour?: Date): Promise<string[]> {
  const keys = await store.list(hour ? rawHourPrefix(hour) : RAW_EVENTS_PREFIX);
  return keys.filter(isPartKey);
}

export async function readRawPart(store: LakeStore, key: string): Promise<BusEvent[]> {
  const body = await store.get(key);
  if (body === null)
    throw new LakeError('LAKE_UNAVAILABLE', `lake: raw part ${store.describe(key)} is missing`);
  return decodeJsonlGz(body, store.describe(key)) as BusEvent[];
}

/** Lands dead letters (all received in `hour`) as a new part; returns its key. */
export async function writeDeadLetterPart(
  store: LakeStore,
  hour: Date,
  letters: readonly DeadLetter[],
): Promise<string> {
  checkHour(
    hour,
    letters.map((l) => l.received_at),
    'dead letter received',
  );
  return writePart(store, deadLetterHourPrefix(hour), letters);
}

export async function listDeadLetterParts(store: LakeStore, hour?: Date): Promise<string[]> {
  const keys = await store.list(hour ? deadLetterHourPrefix(hour) : DEAD_LETTER_PREFIX);
  return keys.filter(isPartKey);
}

export async function readDeadLetterPart(store: LakeStore, key: string): Promise<DeadLetter[]> {
  const body = await store.get(key);
  if (body === null)
    throw new LakeError('LAKE_UNAVAILABLE', `lake: dead-letter part ${store.describe(key)} is missing`);
  return decodeJsonlGz(body, store.describe(key)) as DeadLetter[];
}
