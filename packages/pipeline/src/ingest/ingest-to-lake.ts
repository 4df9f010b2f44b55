// Owns one run of ingest_to_lake: drain the event bus into the lake's raw zone. Entries are read
// through the `ingest_to_lake` consumer group, landed as immutable parts by server_ts hour (dead
// letters by received_at hour), and acknowledged only once their part is written, so a try that
// dies mid-write leaves its entries pending and the next try lands them (a part written twice is
// absorbed by the transform's dedup by event_id). Hours that can receive nothing more get their
// `_SUCCESS` marker, which transform_events' sensor waits for.
//
// One run at a time (the DAG has maxActiveRuns 1), so every entry pending in the group when a run
// starts belongs to a try that died: the run takes them over at once, before new entries.
import type { BusEntry, EventBus } from '@weir/queue';
import { type BusEvent, busEventSchema } from '../event/envelope.ts';
import { hourOf, RAW_EVENTS_PREFIX, SUCCESS_MARKER } from '../lake/layout.ts';
import {
  type DeadLetter,
  groupByHour,
  markHourClosed,
  writeDeadLetterPart,
  writeRawPart,
} from '../lake/raw.ts';
import type { LakeStore } from '../lake/store.ts';

export const INGEST_GROUP = 'ingest_to_lake';
const HOUR_MS = 3_600_000;

export interface IngestOptions {
  readonly bus: EventBus;
  readonly store: LakeStore;
  /** Entries per read (and so at most per part). */
  readonly batchSize?: number;
  /**
   * How long after an hour ends its marker waits: the collector stamps server_ts just before it
   * appends, so an entry stamped in an hour is on the bus well within this after the hour ends.
   */
  readonly closeGraceMs?: number;
  /** The oldest hour to close when the lake has no marker yet; default the oldest landed part's. */
  readonly closeFrom?: Date;
  readonly now?: () => Date;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface IngestReport {
  readonly events: number;
  readonly deadLetters: number;
  readonly parts: number;
  /** Hours whose `_SUCCESS` marker this run wrote, oldest first (ISO). */
  readonly closedHours: string[];
}

export async function ingestToLake(options: IngestOptions): Promise<IngestReport> {
  const { bus, store } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 5_000;
  const log = options.log ?? (() => {});
  const startedAt = now();
  let events = 0;
  let deadLetters = 0;
  let parts = 0;

  // Events: first what a dead try left pending, then everything new, until the bus is drained.
  for (let reclaiming = true; ; ) {
    const entries = reclaiming
      ? await bus.reclaim({ group: INGEST_GROUP, consumer: INGEST_GROUP, minIdleMs: 0, count: batchSize })
      : await bus.read({ group: INGEST_GROUP, consumer: INGEST_GROUP, count: batchSize, blockMs: 0 });
    if (entries.length === 0) {
      if (!reclaiming) break;
      reclaiming = false;
      continue;
    }
    const { valid, unreadable } = parseEntries(entries);
    for (const [hour, group] of groupByHour(valid, (e) => e.event.server_ts)) {
      await writeRawPart(
        store,
        new Date(hour),
        group.map((e) => e.event),
      );
      parts++;
    }
    if (unreadable.length > 0) {
      // An entry the collector wrote cannot be malformed unless something else wrote the stream:
      // keep it as a dead letter rather than block the pipeline on it.
      const at = now().toISOString();
      for (const [hour, group] of groupByHour(unreadable, () => at)) {
        await writeDeadLetterPart(
          store,
          new Date(hour),
          group.map((u) => ({ received_at: at, reason: u.reason, event_id: null, payload: u.entry.payload })),
        );
        parts++;
      }
    }
    await bus.ack(INGEST_GROUP, entries);
    events += valid.length;
    log('landed events', { entries: entries.length, valid: valid.length, unreadable: unreadable.length });
  }

  // Dead letters, the same way.
  for (let reclaiming = true; ; ) {
    const entries = reclaiming
      ? await bus.reclaimDeadLetters({
          group: INGEST_GROUP,
          consumer: INGEST_GROUP,
          minIdleMs: 0,
          count: batchSize,
        })
      : await bus.readDeadLetters({
          group: INGEST_GROUP,
          consumer: INGEST_GROUP,
          count: batchSize,
          blockMs: 0,
        });
    if (entries.length === 0) {
      if (!reclaiming) break;
      reclaiming = false;
      continue;
    }
    const letters = entries.map(deadLetterOf);
    for (const [hour, group] of groupByHour(letters, (l) => l.received_at)) {
      await writeDeadLetterPart(store, new Date(hour), group);
      parts++;
    }
    await bus.ackDeadLetters(
      INGEST_GROUP,
      entries.map((e) => e.id),
    );
    deadLetters += entries.length;
  }

  const closedHours = await closeHours(store, startedAt, options.closeGraceMs ?? 60_000, options.closeFrom);
  // What every group has acknowledged is no longer needed on the bus.
  await bus.trim();
  return { events, deadLetters, parts, closedHours };
}

interface ParsedEntry {
  readonly entry: BusEntry;
  readonly event: BusEvent;
}

function parseEntries(entries: readonly BusEntry[]): {
  valid: ParsedEntry[];
  unreadable: { entry: BusEntry; reason: string }[];
} {
  const valid: ParsedEntry[] = [];
  const unreadable: { entry: BusEntry; reason: string }[] = [];
  for (const entry of entries) {
    let json: unknown;
    try {
      json = JSON.parse(entry.payload);
    } catch {
      unreadable.push({ entry, reason: 'bus entry is not JSON' });
      continue;
    }
    const parsed = busEventSchema.safeParse(json);
    if (parsed.success) valid.push({ entry, event: parsed.data });
    else
      unreadable.push({
        entry,
        reason: `bus entry is not an event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
  }
  return { valid, unreadable };
}

/** A dead-letter entry as the collector wrote it; anything else is kept whole with a reason. */
function deadLetterOf(entry: BusEntry): DeadLetter {
  try {
    const value = JSON.parse(entry.payload) as Partial<DeadLetter>;
    if (typeof value.received_at === 'string' && !Number.isNaN(Date.parse(value.received_at)))
      return {
        received_at: new Date(value.received_at).toISOString(),
        reason: typeof value.reason === 'string' ? value.reason : 'unknown',
        event_id: typeof value.event_id === 'string' ? value.event_id : null,
        payload: typeof value.payload === 'string' ? value.payload : JSON.stringify(value.payload ?? null),
      };
  } catch {}
  return {
    received_at: new Date().toISOString(),
    reason: 'dead-letter entry is not what the collector writes',
    event_id: null,
    payload: entry.payload,
  };
}

/**
 * Writes the marker of every hour that ended at least `graceMs` before the run started and has
 * none yet, from the hour after the newest marker (or the oldest landed part, or `closeFrom`) on;
 * an hour without events gets one too, so the transform's sensor never waits for an hour in which
 * nothing happened. One listing of the raw zone, then one write per new marker.
 */
async function closeHours(
  store: LakeStore,
  startedAt: Date,
  graceMs: number,
  closeFrom?: Date,
): Promise<string[]> {
  const lastClosable = Math.floor((startedAt.getTime() - graceMs) / HOUR_MS) * HOUR_MS - HOUR_MS;
  const keys = await store.list(RAW_EVENTS_PREFIX);
  let newestMarker: number | undefined;
  let oldestPart: number | undefined;
  for (const key of keys) {
    const hour = hourOfKey(key);
    if (hour === null) continue;
    if (key.endsWith(`/${SUCCESS_MARKER}`)) newestMarker = Math.max(newestMarker ?? hour, hour);
    else oldestPart = Math.min(oldestPart ?? hour, hour);
  }
  const first =
    newestMarker !== undefined
      ? newestMarker + HOUR_MS
      : closeFrom
        ? hourOf(closeFrom).getTime()
        : oldestPart;
  if (first === undefined) return [];
  const closed: string[] = [];
  // At most 31 days per run: a lake left alone for longer catches up over a few runs.
  for (let hour = first; hour <= lastClosable && closed.length < 24 * 31; hour += HOUR_MS) {
    await markHourClosed(store, new Date(hour));
    closed.push(new Date(hour).toISOString());
  }
  return closed;
}

const PART_HOUR = /dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;

function hourOfKey(key: string): number | null {
  const m = PART_HOUR.exec(key);
  return m ? Date.parse(`${m[1]}T${m[2]}:00:00.000Z`) : null;
}
