// The incremental transform against a crafted dataset, on a real folder lake and a real S3
// server, with real DuckDB. Expected tables come from test-reference.ts (plain TypeScript over
// the event set), never from the transform's SQL. Covers: duplicates (earliest server_ts kept,
// even when the earlier copy arrives later, even when it moves the event to another hour),
// sessions split at exactly 30:00 and joined at 29:59.999, across an hour and a day, a late
// event joining two sessions, a moved copy splitting one, window counts at minute and hour
// edges, re-enrichment by a new profile snapshot (also alone), halves vs all at once, re-runs,
// shuffled/duplicated batching, index compaction, a run dying before its commit, and which
// partitions a late event rewrites.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type S3ServerHandle, startS3Server } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../event/envelope.ts';
import { folderLakeStore } from '../lake/file-store.ts';
import { hourOf } from '../lake/layout.ts';
import { type UserProfile, writeProfileSnapshot } from '../lake/profiles.ts';
import { groupByHour, writeRawPart } from '../lake/raw.ts';
import { s3LakeStore } from '../lake/s3-store.ts';
import type { LakeStore } from '../lake/store.ts';
import { MANIFEST_KEY, readManifest } from './manifest.ts';
import { readCuratedTable } from './read-curated.ts';
import { runTransform } from './run-transform.ts';
import { referenceTables } from './test-reference.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-04T10:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

let nextId = 1;
const newId = () => `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`;

function event(
  user: string | null,
  clientMs: number,
  opts: { type?: string; id?: string; serverMs?: number } = {},
): BusEvent {
  const server = at(opts.serverMs ?? clientMs + 2_000);
  return {
    event_id: opts.id ?? newId(),
    event_type: opts.type ?? 'view',
    user_id: user,
    session_id: null,
    properties: { at: clientMs },
    client_ts: at(clientMs),
    server_ts: server,
    ingested_at: server,
    app_version: '1.0.0',
    platform: 'web',
    schema_version: null,
    device_type: 'desktop',
    geo_country: null,
  };
}

/** A later copy of `e` (a client retry): same event, later server_ts. */
const retry = (e: BusEvent, delayMs: number): BusEvent => {
  const server = at(Date.parse(e.server_ts) + delayMs);
  return { ...e, server_ts: server, ingested_at: server };
};

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** Two halves of copies (what reaches the lake before and after a run) and the snapshots. */
function dataset() {
  const first: BusEvent[] = [];
  const second: BusEvent[] = [];
  // Sessions split at exactly 30:00, joined at 29:59.999.
  first.push(event('split', T0), event('split', T0 + 30 * MIN));
  first.push(event('join', T0), event('join', T0 + 30 * MIN - 1));
  // A session across an hour (10:50 → 11:10 → 11:35) and one across a day (23:45 → 00:10).
  first.push(event('hour', T0 + 50 * MIN), event('hour', T0 + 70 * MIN), event('hour', T0 + 95 * MIN));
  first.push(
    event('day', Date.parse('2026-03-04T23:45:00.000Z')),
    event('day', Date.parse('2026-03-05T00:10:00.000Z')),
  );
  // Two sessions (12:00, 12:50), then a late event at 12:25 joins them.
  first.push(event('bridge', T0 + 120 * MIN), event('bridge', T0 + 170 * MIN));
  second.push(event('bridge', T0 + 145 * MIN, { serverMs: T0 + 300 * MIN }));
  // Minute edges: 12:00:59.999 and 12:01:00.000 are in different tumble windows.
  first.push(
    event('edge', T0 + 121 * MIN - 1, { type: 'tap' }),
    event('edge', T0 + 121 * MIN, { type: 'tap' }),
  );
  // Hop windows across an hour: 12:58:30 now, 13:01 late (windows starting 12:57–12:59 change).
  first.push(event('hop1', T0 + 178.5 * MIN));
  second.push(event('hop2', T0 + 181 * MIN, { serverMs: T0 + 400 * MIN }));
  // Anonymous events count in windows but have no session.
  first.push(event(null, T0 + 10 * MIN), event(null, T0 + 11 * MIN, { type: 'tap' }));
  // Duplicates: a retry in the same half; a later copy first and the earlier one in the second
  // half; an earlier copy with another client_ts (another hour) arriving late: it wins and moves.
  const d1 = event('dup', T0 + 5 * MIN);
  first.push(d1, retry(d1, 500), retry(d1, 500));
  const d2 = event('dup', T0 + 6 * MIN);
  first.push(retry(d2, 9_000));
  second.push(d2);
  const d3 = event('mover', T0 + 15 * MIN, { serverMs: T0 + 20 * MIN });
  first.push(d3, event('mover', T0 + 20 * MIN));
  second.push({ ...event('mover', T0 + 75 * MIN, { id: d3.event_id, serverMs: T0 + 19 * MIN }) });
  // A moved event splits a session: 10:40, 10:59, 11:20 is one session until 10:59's event has
  // an earlier copy at 15:00; then 11:20 starts a session of its own (its hour must be rewritten).
  const d4 = event('splitter', T0 + 59 * MIN, { serverMs: T0 + 62 * MIN });
  first.push(event('splitter', T0 + 40 * MIN), d4, event('splitter', T0 + 80 * MIN));
  second.push(event('splitter', T0 + 300 * MIN, { id: d4.event_id, serverMs: T0 + 61 * MIN }));
  // Bulk: 30 users over 6 hours, 5 % retried, some late.
  const random = seeded(7);
  for (let i = 0; i < 1500; i++) {
    const user = `user-${Math.floor(random() * 30)}`;
    const client = T0 + Math.floor(random() * 6 * 60 * MIN);
    const e = event(user, client, { type: ['view', 'click', 'tap'][i % 3] as string });
    const half = random() < 0.75 ? first : second;
    half.push(e);
    if (random() < 0.05)
      (random() < 0.5 ? first : second).push(retry(e, 1_000 + Math.floor(random() * 60_000)));
  }
  const snap1: UserProfile[] = [
    { user_id: 'split', plan: 'free', signup_date: '2026-01-01' },
    { user_id: 'bridge', plan: 'free', signup_date: null },
    ...Array.from({ length: 30 }, (_, i) => ({
      user_id: `user-${i}`,
      plan: i % 2 ? 'pro' : 'free',
      signup_date: null,
    })),
  ];
  const snap2: UserProfile[] = [
    { user_id: 'bridge', plan: 'enterprise', signup_date: null },
    { user_id: 'user-3', plan: 'free', signup_date: null },
  ];
  return { first, second, snap1, snap2 };
}

async function land(store: LakeStore, copies: readonly BusEvent[], parts = 1): Promise<void> {
  for (const [hour, events] of groupByHour(copies, (e) => e.server_ts)) {
    const size = Math.ceil(events.length / parts);
    for (let i = 0; i < events.length; i += size)
      await writeRawPart(store, new Date(hour), events.slice(i, i + size));
  }
}

async function tables(store: LakeStore) {
  type Row = Record<string, unknown>;
  const sorted = (rows: Row[], key: (r: Row) => string): Row[] =>
    rows.map((r): Row => ({ ...r, loaded_at: undefined })).sort((a, b) => key(a).localeCompare(key(b)));
  return {
    events: sorted(await readCuratedTable(store, 'events'), (r) => String(r.event_id)),
    sessions: sorted(await readCuratedTable(store, 'sessions'), (r) => `${r.user_id}|${r.session_start}`),
    counts: sorted(
      await readCuratedTable(store, 'event_counts_1m'),
      (r) => `${r.window_start}|${r.event_type}`,
    ),
    active: sorted(await readCuratedTable(store, 'active_users_5m'), (r) => String(r.window_start)),
    profiles: sorted(await readCuratedTable(store, 'user_profiles'), (r) => String(r.user_id)),
  };
}

/** Table by table, so a difference shows which rows differ. */
function expectSameTables(got: Awaited<ReturnType<typeof tables>>, want: Awaited<ReturnType<typeof tables>>) {
  for (const name of Object.keys(want) as (keyof typeof want)[]) {
    const wanted = new Set(want[name].map((r) => JSON.stringify(r)));
    const extra = got[name].filter((r) => !wanted.has(JSON.stringify(r)));
    const present = new Set(got[name].map((r) => JSON.stringify(r)));
    const missing = want[name].filter((r) => !present.has(JSON.stringify(r)));
    expect({ table: name, extra, missing }).toEqual({ table: name, extra: [], missing: [] });
    expect(got[name]).toEqual(want[name]);
  }
}

function expectMatchesReference(
  got: Awaited<ReturnType<typeof tables>>,
  copies: BusEvent[],
  snaps: UserProfile[][],
) {
  const ref = referenceTables(copies, snaps);
  // events: one row per event_id, the earliest copy's fields, the latest plan.
  expect(got.events.map((e) => e.event_id)).toEqual([...ref.events.keys()].sort());
  for (const row of got.events) {
    const want = ref.events.get(String(row.event_id));
    expect(row).toMatchObject({
      client_ts: want?.client_ts,
      server_ts: want?.server_ts,
      user_id: want?.user_id,
      event_type: want?.event_type,
      plan: want?.plan,
      properties: JSON.stringify(want?.properties),
    });
  }
  // sessions: the same intervals and counts; every event carries its session's id.
  const strip = (s: Partial<Record<string, unknown>>) =>
    `${s.user_id}|${s.session_start}|${s.session_end}|${Number(s.event_count)}|${Number(s.duration_seconds)}`;
  expect(got.sessions.map(strip).sort()).toEqual(ref.sessions.map((r) => strip({ ...r })).sort());
  const idOf = new Map(got.sessions.map((s) => [`${s.user_id}|${s.session_start}`, s.weir_session_id]));
  expect(new Set(idOf.values()).size).toBe(got.sessions.length);
  const eventSession = new Map(got.events.map((e) => [String(e.event_id), e.weir_session_id]));
  for (const s of ref.sessions)
    for (const id of s.event_ids)
      expect(eventSession.get(id)).toBe(idOf.get(`${s.user_id}|${s.session_start}`));
  for (const e of got.events) if (e.user_id === null) expect(e.weir_session_id).toBeNull();
  // windows.
  const num = (rows: Record<string, unknown>[], field: string) =>
    rows.map((r) => ({ ...r, [field]: Number(r[field]) }));
  expect(num(got.counts, 'event_count').map(({ loaded_at, ...r }) => r)).toEqual(
    [...ref.counts].sort((a, b) =>
      `${a.window_start}|${a.event_type}`.localeCompare(`${b.window_start}|${b.event_type}`),
    ),
  );
  expect(num(got.active, 'active_users').map(({ loaded_at, ...r }) => r)).toEqual(
    [...ref.active].sort((a, b) => a.window_start.localeCompare(b.window_start)),
  );
}

function suite(name: string, makeStore: () => Promise<LakeStore>) {
  describe(`the incremental transform on a ${name} lake`, () => {
    const data = dataset();
    const all = [...data.first, ...data.second];
    let allAtOnce: Awaited<ReturnType<typeof tables>>;

    it('computes the reference tables from all events at once, and a re-run changes nothing', async () => {
      const store = await makeStore();
      await land(store, all);
      await writeProfileSnapshot(store, data.snap1, new Date('2026-03-01T00:00:00Z'));
      await writeProfileSnapshot(store, data.snap2, new Date('2026-03-02T00:00:00Z'));
      const run = await runTransform(store);
      expect(run.newEvents).toBeGreaterThan(1500);
      allAtOnce = await tables(store);
      expectMatchesReference(allAtOnce, all, [data.snap1, data.snap2]);

      // The crafted cases, spelled out (the reference agrees; these say what it means).
      const sessionsOf = (user: string) => allAtOnce.sessions.filter((s) => s.user_id === user);
      expect(sessionsOf('split')).toHaveLength(2);
      expect(sessionsOf('join')).toHaveLength(1);
      expect(sessionsOf('hour')).toMatchObject([{ event_count: '3', duration_seconds: 45 * 60 }]);
      expect(sessionsOf('day')).toHaveLength(1);
      expect(sessionsOf('bridge')).toMatchObject([{ event_count: '3' }]);
      expect(sessionsOf('splitter')).toHaveLength(3);
      const mover = allAtOnce.events.find((e) => e.user_id === 'mover' && e.client_ts === at(T0 + 75 * MIN));
      expect(mover).toBeDefined();
      expect(allAtOnce.events.filter((e) => e.user_id === 'bridge').map((e) => e.plan)).toEqual([
        'enterprise',
        'enterprise',
        'enterprise',
      ]);

      const again = await runTransform(store);
      expect(again).toMatchObject({ seq: run.seq, touched: [], newEvents: 0 });
      expectSameTables(await tables(store), allAtOnce);
    });

    it('gives the same tables when the events come in two halves with a run between', async () => {
      const store = await makeStore();
      await land(store, data.first);
      await writeProfileSnapshot(store, data.snap1, new Date('2026-03-01T00:00:00Z'));
      await runTransform(store);
      const half = await tables(store);
      expectMatchesReference(half, data.first, [data.snap1]);
      expect(half.sessions.filter((s) => s.user_id === 'bridge')).toHaveLength(2);

      await land(store, data.second);
      await writeProfileSnapshot(store, data.snap2, new Date('2026-03-02T00:00:00Z'));
      const second = await runTransform(store);
      // A late event touches its hours, not the whole history.
      expect(second.touched.filter((id) => id.startsWith('events/')).length).toBeLessThan(
        allAtOnce.events.length,
      );
      expectSameTables(await tables(store), allAtOnce);
    });

    it('does not depend on order, batching or extra copies', async () => {
      const store = await makeStore();
      const random = seeded(99);
      const shuffled = [...all, ...all.filter(() => random() < 0.1)].sort(() => random() - 0.5);
      await writeProfileSnapshot(store, data.snap1, new Date('2026-03-01T00:00:00Z'));
      for (let i = 0; i < 4; i++) {
        const slice = shuffled.slice((i * shuffled.length) / 4, ((i + 1) * shuffled.length) / 4);
        await land(store, slice, 3);
        if (i === 2) await writeProfileSnapshot(store, data.snap2, new Date('2026-03-02T00:00:00Z'));
        await runTransform(store);
      }
      expectSameTables(await tables(store), allAtOnce);
    });
  });
}

let folder: string;
let s3: S3ServerHandle;
let lakes = 0;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'weir-transform-test-'));
  s3 = await startS3Server({ buckets: ['lake'] });
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await s3?.stop();
});

suite('folder', async () => folderLakeStore(join(folder, `lake-${++lakes}`)));
suite('S3', async () =>
  s3LakeStore(
    {
      bucket: 'lake',
      base: `lake-${++lakes}/`,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    },
    s3.client(),
  ));

describe('a run that dies', () => {
  it('before its manifest is written leaves the curated tables as they were, and the next run completes', async () => {
    const store = folderLakeStore(join(folder, 'crash'));
    const copies = [event('x', T0), event('x', T0 + 10 * MIN), event('y', T0 + 70 * MIN)];
    await land(store, copies.slice(0, 1));
    await runTransform(store);
    const before = await tables(store);
    await land(store, copies.slice(1));
    let failing = true;
    const flaky: LakeStore = {
      ...store,
      put: async (key, body) => {
        if (failing && key === MANIFEST_KEY) throw new Error('disk full');
        return store.put(key, body);
      },
    };
    await expect(runTransform(flaky)).rejects.toThrow('disk full');
    expect(await tables(store)).toEqual(before);
    failing = false;
    await runTransform(flaky);
    expectMatchesReference(await tables(store), copies, []);
  });
});

describe('two runs at once', () => {
  it('commit one; the other fails with LAKE_CONFLICT and leaves no objects', async () => {
    const store = folderLakeStore(join(folder, 'overlap'));
    const copies = [event('o', T0), event('o', T0 + 10 * MIN), event('q', T0 + 70 * MIN)];
    await land(store, copies);
    const results = await Promise.allSettled([runTransform(store), runTransform(store)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'LAKE_CONFLICT' } });
    expectMatchesReference(await tables(store), copies, []);
    const manifest = await readManifest(store);
    const referenced = new Set([
      MANIFEST_KEY,
      ...manifest.indexParts,
      ...Object.values(manifest.partitions).flatMap((p) => p.key ?? []),
    ]);
    expect((await store.list('curated/')).filter((key) => !referenced.has(key))).toEqual([]);
  });
});

describe('a new profile snapshot alone', () => {
  it("re-enriches only its users' events", async () => {
    const store = folderLakeStore(join(folder, 'profiles-only'));
    const copies = [event('p1', T0), event('p1', T0 + 90 * MIN), event('p2', T0 + 180 * MIN)];
    await land(store, copies);
    await writeProfileSnapshot(
      store,
      [{ user_id: 'p1', plan: 'free', signup_date: null }],
      new Date('2026-03-01T00:00:00Z'),
    );
    await runTransform(store);
    const snap2 = [{ user_id: 'p1', plan: 'pro', signup_date: null }];
    await writeProfileSnapshot(store, snap2, new Date('2026-03-02T00:00:00Z'));
    const run = await runTransform(store);
    expect(run).toMatchObject({ newRawParts: 0, newSnapshots: 1, newEvents: 0 });
    // p1's events are in hours 10 and 11; p2's hour 13 is not rewritten.
    expect(run.touched).toEqual([
      'events/dt=2026-03-04/hour=10',
      'events/dt=2026-03-04/hour=11',
      'user_profiles',
    ]);
    const got = await tables(store);
    expectMatchesReference(got, copies, [[{ user_id: 'p1', plan: 'free', signup_date: null }], snap2]);
    expect(got.profiles).toEqual([{ user_id: 'p1', plan: 'pro', signup_date: null, loaded_at: undefined }]);
  });
});

describe('what a run rewrites', () => {
  it('rewrites only the hours whose events change', async () => {
    const store = folderLakeStore(join(folder, 'incremental'));
    // One long session from 10:00 to 15:50 (an event every 10 minutes), and another user's.
    const long = Array.from({ length: 36 }, (_, i) => event('long', T0 + i * 10 * MIN));
    await land(store, [...long, event('other', T0 + 30 * MIN)]);
    await runTransform(store);
    // Growing the session forward keeps its id: only the new event's hour is rewritten.
    await land(store, [event('long', T0 + 365 * MIN)]);
    const forward = await runTransform(store);
    expect(forward.touched.filter((id) => id.startsWith('events/'))).toEqual([
      'events/dt=2026-03-04/hour=16',
    ]);
    // An earlier event renames the session: every hour it spans (09 … 16) is rewritten.
    await land(store, [event('long', T0 - 20 * MIN)]);
    const backward = await runTransform(store);
    expect(backward.touched.filter((id) => id.startsWith('events/'))).toHaveLength(8);
    expect((await tables(store)).sessions.filter((s) => s.user_id === 'long')).toMatchObject([
      { session_start: at(T0 - 20 * MIN), session_end: at(T0 + 365 * MIN), event_count: '38' },
    ]);
  });
});

describe('the dedup index', () => {
  it('still knows every event_id after it is compacted', async () => {
    const store = folderLakeStore(join(folder, 'compaction'));
    const copies: BusEvent[] = [];
    for (let run = 0; run < 18; run++) {
      const batch = [event(`c${run % 3}`, T0 + run * 7 * MIN)];
      // A late, earlier copy of the first run's event: it must replace that one, not add a row.
      if (run === 17)
        batch.push({ ...(copies[0] as BusEvent), server_ts: at(T0 - MIN), ingested_at: at(T0 - MIN) });
      copies.push(...batch, retry(batch[0] as BusEvent, 1_000));
      await land(store, batch.concat(retry(batch[0] as BusEvent, 1_000)));
      await runTransform(store);
    }
    const got = await tables(store);
    expectMatchesReference(got, copies, []);
    expect(got.events).toHaveLength(18);
    expect((await readManifest(store)).indexParts.length).toBeLessThan(18); // it was compacted
    expect(got.events.find((e) => e.event_id === copies[0]?.event_id)).toMatchObject({
      server_ts: at(T0 - MIN),
    });
  });
});

describe('weir_session_id', () => {
  it('is md5 of user_id and session start, so the same events give the same id', async () => {
    const store = folderLakeStore(join(folder, 'ids'));
    await land(store, [event('u', T0), event('u', T0 + MIN)]);
    await runTransform(store);
    const [session] = await readCuratedTable(store, 'sessions');
    const want = createHash('md5')
      .update(`u|${at(T0)}`)
      .digest('hex');
    expect(session).toMatchObject({ weir_session_id: want, event_count: '2' });
    expect(hourOf(at(T0)).toISOString()).toBe(at(T0));
  });
});
