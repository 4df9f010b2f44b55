// ingest_to_lake's run against a real Redis Streams bus and a real lake folder: every accepted
// event lands in the raw part of its server_ts hour, dead letters in theirs, the bus is left with
// nothing pending, closed hours get their marker (an hour without events too), a second run adds
// nothing, and entries a dead try read but never acknowledged are landed by the next run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestRedis, type TestRedis } from '@weir/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStreamsBus, type TestStreamsBus } from '../collector/test-bus.ts';
import type { BusEvent } from '../event/envelope.ts';
import { folderLakeStore } from '../lake/file-store.ts';
import {
  isHourClosed,
  listDeadLetterParts,
  listRawParts,
  readDeadLetterPart,
  readRawPart,
} from '../lake/raw.ts';
import type { LakeStore } from '../lake/store.ts';
import { INGEST_GROUP, ingestToLake } from './ingest-to-lake.ts';

const H = Date.UTC(2026, 11, 4, 7);
const HOUR = 3_600_000;

function event(serverMs: number, user = 'u1'): BusEvent {
  const at = new Date(serverMs).toISOString();
  return {
    event_id: randomUUID(),
    event_type: 'view',
    user_id: user,
    session_id: null,
    properties: {},
    client_ts: at,
    server_ts: at,
    ingested_at: at,
    app_version: null,
    platform: 'web',
    schema_version: null,
    device_type: null,
    geo_country: null,
  };
}

describe('ingestToLake', () => {
  const redis: TestRedis = createTestRedis();
  let bus: TestStreamsBus;
  let dir: string;
  let store: LakeStore;

  beforeEach(() => {
    bus = createTestStreamsBus(redis.url, { prefix: `${redis.prefix}:${randomUUID()}`, partitions: 4 });
    dir = mkdtempSync(join(tmpdir(), 'weir-ingest-'));
    store = folderLakeStore(dir);
  });
  afterEach(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await redis.cleanup();
  });

  const append = async (events: readonly BusEvent[]) => {
    for (const e of events) await bus.append(bus.partitionFor(e.user_id ?? e.event_id), [JSON.stringify(e)]);
  };
  const landed = async () => {
    const events: BusEvent[] = [];
    for (const key of await listRawParts(store)) events.push(...(await readRawPart(store, key)));
    return events;
  };

  it('lands every event in its server_ts hour, dead letters in theirs, and marks the closed hours', async () => {
    // Hours H and H+2 have events; H+1 has none; H+3 is still open when the run starts.
    const sent = [
      ...Array.from({ length: 30 }, (_, i) => event(H + i * 60_000, `u${i % 5}`)),
      ...Array.from({ length: 20 }, (_, i) => event(H + 2 * HOUR + i * 1000, `u${i % 3}`)),
      event(H + 3 * HOUR + 5_000),
    ];
    await append(sent);
    await bus.appendDeadLetters([
      JSON.stringify({
        received_at: new Date(H + 10_000).toISOString(),
        reason: 'client_ts: is required',
        event_id: 'x',
        payload: '{"event_id":"x"}',
      }),
    ]);
    // Something that is not an event on the events' stream is kept, not lost.
    await bus.append(0, ['not json']);

    const report = await ingestToLake({ bus, store, now: () => new Date(H + 3 * HOUR + 30 * 60_000) });
    expect(report).toMatchObject({ events: 51, deadLetters: 1 });
    expect(report.closedHours).toEqual([0, 1, 2].map((h) => new Date(H + h * HOUR).toISOString()));
    const events = await landed();
    expect(events.map((e) => e.event_id).sort()).toEqual(sent.map((e) => e.event_id).sort());
    // Each part holds one hour, the hour of its events' server_ts.
    for (const key of await listRawParts(store)) {
      const hours = new Set((await readRawPart(store, key)).map((e) => e.server_ts.slice(0, 13)));
      expect(hours.size).toBe(1);
      expect(key).toContain(`dt=${[...hours][0]?.slice(0, 10)}/hour=${[...hours][0]?.slice(11, 13)}/`);
    }
    const letters = [];
    for (const key of await listDeadLetterParts(store))
      letters.push(...(await readDeadLetterPart(store, key)));
    expect(letters.map((l) => l.reason).sort()).toEqual(['bus entry is not JSON', 'client_ts: is required']);
    expect(letters.find((l) => l.reason === 'bus entry is not JSON')?.payload).toBe('not json');
    expect(await isHourClosed(store, new Date(H + HOUR))).toBe(true);
    expect(await isHourClosed(store, new Date(H + 3 * HOUR))).toBe(false);
    // Nothing pending or unread on the bus; acknowledged entries are trimmed.
    for (const p of await bus.lag(INGEST_GROUP)) expect(p).toMatchObject({ lag: 0, pending: 0, length: 0 });

    const again = await ingestToLake({ bus, store, now: () => new Date(H + 3 * HOUR + 40 * 60_000) });
    expect(again).toEqual({ events: 0, deadLetters: 0, parts: 0, closedHours: [] });
    // Once H+3 is over, its marker comes (and only its).
    const later = await ingestToLake({ bus, store, now: () => new Date(H + 4 * HOUR + 2 * 60_000) });
    expect(later.closedHours).toEqual([new Date(H + 3 * HOUR).toISOString()]);
  });

  it('lands what a dead try read and never acknowledged, exactly once', async () => {
    const sent = Array.from({ length: 12 }, (_, i) => event(H + i * 1000, `u${i}`));
    await append(sent);
    // A try read the entries and died before writing its part.
    const read = await bus.read({ group: INGEST_GROUP, consumer: INGEST_GROUP, count: 100 });
    expect(read).toHaveLength(12);
    const more = [event(H + 50_000, 'u99')];
    await append(more);
    const report = await ingestToLake({ bus, store, now: () => new Date(H + 30 * 60_000) });
    expect(report.events).toBe(13);
    const events = await landed();
    expect(events).toHaveLength(13);
    expect(new Set(events.map((e) => e.event_id))).toEqual(
      new Set([...sent, ...more].map((e) => e.event_id)),
    );
    for (const p of await bus.lag(INGEST_GROUP)) expect(p.pending).toBe(0);
  });

  it('closes nothing in an empty lake, and from `closeFrom` when asked', async () => {
    expect((await ingestToLake({ bus, store, now: () => new Date(H) })).closedHours).toEqual([]);
    const report = await ingestToLake({
      bus,
      store,
      now: () => new Date(H + 2 * 60_000),
      closeFrom: new Date(H - 2 * HOUR),
    });
    expect(report.closedHours).toEqual([
      new Date(H - 2 * HOUR).toISOString(),
      new Date(H - HOUR).toISOString(),
    ]);
  });
});
