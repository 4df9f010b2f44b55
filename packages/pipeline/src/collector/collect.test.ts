// The collector over real HTTP, real PostgreSQL (write keys) and real Redis (the bus): what is
// accepted lands on its partition's stream enriched, what is rejected lands in the dead-letter
// stream with its reason, and no answer says "accepted" for an event that was not stored.
import { randomUUID } from 'node:crypto';
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createRedis, type RedisConnection } from '@weir/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  type RedisServerHandle,
  startRedisServer,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { busEventSchema } from '../event/envelope.ts';
import { type CollectorServer, startCollectorServer } from './node-server.ts';
import { CachedSources } from './source-cache.ts';
import { EventSources } from './sources.ts';
import { createTestStreamsBus, type TestStreamsBus } from './test-bus.ts';
import { fixedSchemaValidator } from './test-validator.ts';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const APP_ORIGIN = 'https://app.example.com';

const validator = fixedSchemaValidator({
  purchase: {
    1: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
    2: {
      type: 'object',
      properties: { amount: { type: 'number' }, currency: { type: 'string' } },
      required: ['amount'],
      additionalProperties: false,
    },
  },
});

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    event_type: 'page_view',
    user_id: 'u1',
    properties: {},
    client_ts: '2026-12-04T10:00:00.000Z',
    ...overrides,
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: {
    accepted?: number;
    rejected?: number;
    errors?: { index: number; reason: string }[];
    error?: { code: string; message: string };
  };
}

describe('POST /api/v1/events', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let testRedis: TestRedis;
  let reader: RedisConnection;
  let bus: TestStreamsBus;
  let collector: CollectorServer;
  let sources: EventSources;
  let webKey: string;
  let mobileKey: string;
  // The key cache's clock: moved on by hand, so "after the cache expired" needs no waiting.
  let cacheNow = Date.now();
  const extraServers: CollectorServer[] = [];
  const extraBuses: TestStreamsBus[] = [];

  const post = async (
    body: string,
    options: {
      key?: string | null;
      headers?: Record<string, string>;
      query?: string;
      server?: CollectorServer;
    } = {},
  ): Promise<Answer> => {
    const key = options.key === undefined ? webKey : options.key;
    const response = await fetch(`${(options.server ?? collector).url}/api/v1/events${options.query ?? ''}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...options.headers,
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  };

  /** Every entry on every partition of `on`, parsed, with the partition it is on. */
  const busEntries = async (on: TestStreamsBus = bus, redis: RedisConnection = reader) => {
    const entries: { partition: number; event: Record<string, unknown> }[] = [];
    for (let p = 0; p < on.partitions; p++)
      for (const [, fields] of await redis.xrange(on.streamKey(p), '-', '+'))
        entries.push({ partition: p, event: JSON.parse(fields[1] as string) });
    return entries;
  };
  const deadLetters = async () =>
    (await reader.xrange(bus.deadLetterKey, '-', '+')).map(([, fields]) => JSON.parse(fields[1] as string));
  const clearBus = async () => {
    await reader.del(
      bus.deadLetterKey,
      ...Array.from({ length: bus.partitions }, (_, p) => bus.streamKey(p)),
    );
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    sources = new EventSources(sql);
    webKey = (await sources.create({ name: 'web', allowedOrigins: [APP_ORIGIN] })).writeKey;
    mobileKey = (await sources.create({ name: 'ios' })).writeKey;
    testRedis = createTestRedis();
    reader = createRedis(testRedis.url);
    bus = createTestStreamsBus(testRedis.url, { prefix: testRedis.prefix, partitions: 4 });
    collector = await startCollectorServer(
      { bus, sources: new CachedSources(sources, { now: () => cacheNow }), validator },
      { port: 0, host: '127.0.0.1' },
    );
  });
  afterEach(async () => {
    await clearBus();
  });
  afterAll(async () => {
    for (const s of extraServers) await s.close();
    for (const b of extraBuses) await b.close();
    await collector?.close();
    await bus?.close();
    reader?.disconnect();
    await testRedis?.cleanup();
    await sql?.end();
    await database?.drop();
  });

  it('accepts valid events and rejects invalid ones with a reason naming the field', async () => {
    const valid = [
      event({
        user_id: 'u1',
        client_ts: '2026-12-04T12:00:00.123456+02:00',
        event_type: 'purchase',
        properties: { amount: 3 },
      }),
      event({ user_id: null, session_id: 's9', platform: 'ios', app_version: '2.1.0' }),
    ];
    const invalid = [
      event({ event_type: 3, properties: [] }),
      (({ event_id: _, client_ts: __, ...rest }) => rest)(event()),
      event({ client_ts: 'yesterday' }),
      event({ event_type: 'purchase', properties: { amount: 'three' } }),
      event({ colour: 'blue' }),
      event({ client_ts: '2026-02-30T00:00:00Z' }),
      event({ event_type: 'purchase', properties: { amount: 1 }, schema_version: 7 }),
      'not an object',
    ];
    const answer = await post(JSON.stringify([valid[0], ...invalid, valid[1]]), {
      headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '81.2.69.142, 10.0.0.1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accepted: 2,
      rejected: 8,
      errors: [
        { index: 1, reason: 'event_type: must be a non-empty string; properties: must be a JSON object' },
        { index: 2, reason: 'event_id: is required; client_ts: is required' },
        { index: 3, reason: 'client_ts: must be an ISO 8601 timestamp with a zone (Z or ±hh:mm)' },
        { index: 4, reason: 'properties: /amount must be number (purchase v2)' },
        { index: 5, reason: 'colour: is not a field of the event envelope' },
        { index: 6, reason: 'client_ts: must be an ISO 8601 timestamp with a zone (Z or ±hh:mm)' },
        { index: 7, reason: 'properties: purchase has no schema version 7' },
        { index: 8, reason: 'an event must be a JSON object' },
      ],
    });

    const entries = await busEntries();
    expect(entries).toHaveLength(2);
    const first = entries.find((e) => e.event.event_id === valid[0]?.event_id);
    const second = entries.find((e) => e.event.event_id === valid[1]?.event_id);
    // Each is on the partition of its user (an anonymous event: of its own id).
    expect(first?.partition).toBe(bus.partitionFor('u1'));
    expect(second?.partition).toBe(bus.partitionFor(valid[1]?.event_id as string));
    for (const entry of entries) expect(busEventSchema.safeParse(entry.event).success).toBe(true);
    expect(first?.event).toMatchObject({
      event_type: 'purchase',
      user_id: 'u1',
      session_id: null,
      properties: { amount: 3 },
      client_ts: '2026-12-04T10:00:00.123Z',
      schema_version: 2,
      app_version: null,
      platform: null,
      device_type: 'mobile',
      geo_country: 'GB',
    });
    expect(second?.event).toMatchObject({
      session_id: 's9',
      platform: 'ios',
      app_version: '2.1.0',
      schema_version: null,
    });
    const serverTs = Date.parse(first?.event.server_ts as string);
    expect(Number.isNaN(serverTs)).toBe(false);
    expect(first?.event.server_ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(first?.event.ingested_at as string)).toBeGreaterThanOrEqual(serverTs);

    const dead = await deadLetters();
    expect(dead).toHaveLength(8);
    expect(dead[0]).toEqual({
      received_at: first?.event.server_ts,
      reason: 'event_type: must be a non-empty string; properties: must be a JSON object',
      event_id: (invalid[0] as Record<string, unknown>).event_id,
      payload: JSON.stringify(invalid[0]),
    });
    expect(dead[1].event_id).toBeNull();
    expect(dead.map((d) => d.reason)).toEqual(answer.body.errors?.map((e) => e.reason));
  });

  it('reads NDJSON line by line: a line that is not JSON is rejected, the others accepted', async () => {
    const lines = [JSON.stringify(event()), '{"event_id": "oops"', JSON.stringify(event({ user_id: 'u2' }))];
    const answer = await post(`${lines.join('\n')}\n`, {
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.errors).toEqual([{ index: 1, reason: expect.stringMatching(/^not valid JSON: /) }]);
    expect(await busEntries()).toHaveLength(2);
    expect((await deadLetters())[0]).toMatchObject({ payload: '{"event_id": "oops"', event_id: null });
  });

  it('answers 400 with the reason for a body that cannot be parsed, and writes nothing', async () => {
    for (const body of ['[{"event_id": 1', 'hello', '', '{"events": ', '\u0000\u0001']) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.error?.code).toBe('invalid_body');
      expect(answer.body.error?.message.length).toBeGreaterThan(10);
    }
    expect((await post('[{"event_id": 1')).body.error?.message).toMatch(/^the body is not valid JSON: /);
    expect((await post('')).body.error?.message).toMatch(/empty/);
    expect(await busEntries()).toHaveLength(0);
    expect(await deadLetters()).toHaveLength(0);
  });

  it('rejects an event over 32 KB alone, and answers 413 to a body over 1 MB or 1,000 events', async () => {
    const big = event({ properties: { blob: 'x'.repeat(33 * 1024) } });
    const answer = await post(JSON.stringify([event(), big]));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(answer.body.errors?.[0]).toEqual({
      index: 1,
      reason: expect.stringMatching(/^event is \d+ bytes, over the limit of 32768 \(32 KB\)$/),
    });
    expect((await deadLetters())[0]).toMatchObject({ event_id: big.event_id });
    await clearBus();

    // 40 events of 30 KB: each within its limit, together over 1 MB.
    const heavy = Array.from({ length: 40 }, () => event({ properties: { blob: 'y'.repeat(30 * 1024) } }));
    const tooBig = await post(JSON.stringify(heavy));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toEqual({
      code: 'body_too_large',
      message: 'the body is over 1048576 bytes (1 MB): send smaller batches',
    });
    // Sent in chunks without a length, it is cut off once it passes the limit all the same.
    const chunked = await fetch(`${collector.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${webKey}`, 'content-type': 'application/json' },
      body: new Blob([JSON.stringify(heavy)]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);

    const many = await post(JSON.stringify(Array.from({ length: 1001 }, () => event())));
    expect(many.status).toBe(413);
    expect(many.body.error).toEqual({
      code: 'too_many_events',
      message: 'a request holds at most 1000 events, this one 1001: send smaller batches',
    });
    expect((await post(JSON.stringify(Array.from({ length: 1000 }, () => event())))).body.accepted).toBe(
      1000,
    );
    expect(await busEntries()).toHaveLength(1000);
    expect(await deadLetters()).toHaveLength(0);
  });

  it('answers 401 to a missing, unknown or disabled write key', async () => {
    const body = JSON.stringify([event()]);
    const missing = await post(body, { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error?.code).toBe('unauthenticated');
    expect((await post(body, { key: 'wk_not-a-key' })).status).toBe(401);
    expect((await post(body, { key: `${webKey}x` })).status).toBe(401);

    const legacy = await sources.create({ name: 'legacy' });
    expect((await post(body, { key: legacy.writeKey })).status).toBe(200);
    await sources.disable('legacy');
    // The collector remembers keys briefly (20,000 events/s must not ask PostgreSQL each time) …
    expect((await post(body, { key: legacy.writeKey })).status).toBe(200);
    // … and once that has passed, the disabled key stops working.
    cacheNow += 60_000;
    const disabled = await post(body, { key: legacy.writeKey });
    expect(disabled.status).toBe(401);
    expect(disabled.body.error?.message).toBe('unknown or disabled write key (weir sources list)');
    expect(await busEntries()).toHaveLength(2);
  });

  it('takes the key as Authorization: Bearer, X-Weir-Write-Key, or ?writeKey= with a text/plain beacon', async () => {
    const bearer = await post(JSON.stringify([event()]), { key: mobileKey });
    const header = await post(JSON.stringify([event()]), {
      key: null,
      headers: { 'x-weir-write-key': mobileKey },
    });
    const beacon = await post(`${JSON.stringify(event())}\n${JSON.stringify(event())}`, {
      key: null,
      query: `?writeKey=${encodeURIComponent(mobileKey)}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect([bearer.status, header.status, beacon.status]).toEqual([200, 200, 200]);
    expect(beacon.body).toEqual({ accepted: 2, rejected: 0, errors: [] });
    expect(await busEntries()).toHaveLength(4);
  });

  it('answers CORS preflights for the origins a source allows, and only those', async () => {
    const preflight = (origin: string) =>
      fetch(`${collector.url}/api/v1/events`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, x-weir-write-key',
        },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-weir-write-key');
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    // The POST itself: the key's own source decides.
    const fromApp = await post(JSON.stringify([event()]), { headers: { origin: APP_ORIGIN } });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const mobileFromApp = await post(JSON.stringify([event()]), {
      key: mobileKey,
      headers: { origin: APP_ORIGIN },
    });
    expect(mobileFromApp.status).toBe(403);
    expect(mobileFromApp.body.error?.code).toBe('origin_not_allowed');
    expect(mobileFromApp.headers.get('access-control-allow-origin')).toBeNull();
    expect(await busEntries()).toHaveLength(1);
    const get = await fetch(`${collector.url}/api/v1/events`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers 503 when Redis is down or a write fails, and never counts an unstored event as accepted', async () => {
    // Nothing listens on this port.
    const deadBus = createTestStreamsBus(`redis://127.0.0.1:${await freePort()}`, {
      prefix: testRedis.prefix,
    });
    extraBuses.push(deadBus);
    const deadCollector = await startCollectorServer(
      { bus: deadBus, sources: new CachedSources(sources), validator },
      { port: 0, host: '127.0.0.1' },
    );
    extraServers.push(deadCollector);
    const down = await post(JSON.stringify([event()]), { server: deadCollector });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(down.body.error?.code).toBe('bus_unavailable');

    // The events' stream takes them, the dead-letter write fails: the answer is 503 all the same,
    // since the client was told nothing it could take as done (it sends the batch again).
    await reader.set(bus.deadLetterKey, 'not a stream');
    const partial = await post(JSON.stringify([event(), event({ event_id: 'nope' })]));
    expect(partial.status).toBe(503);
    await reader.del(bus.deadLetterKey);
    const retried = await post(JSON.stringify([event(), event({ event_id: 'nope' })]));
    expect(retried.body).toMatchObject({ accepted: 1, rejected: 1 });
  });

  describe('on a private redis-server', () => {
    let server: RedisServerHandle;
    let privateBus: TestStreamsBus;
    let privateCollector: CollectorServer;
    let privateReader: RedisConnection;
    let stopped = false;

    beforeAll(async () => {
      server = await startRedisServer();
      privateBus = createTestStreamsBus(server.url, { partitions: 2 });
      privateReader = createRedis(server.url, { maxRetriesPerRequest: 1 });
      privateReader.on('error', () => {});
      privateCollector = await startCollectorServer(
        { bus: privateBus, sources: new CachedSources(sources), validator },
        { port: 0, host: '127.0.0.1' },
      );
    });
    afterAll(async () => {
      await privateCollector?.close();
      await privateBus?.close();
      privateReader?.disconnect();
      if (!stopped) await server?.stop();
    });

    it('answers 429 while Redis is over its memory budget, writing nothing', async () => {
      await privateReader.config('SET', 'maxmemory', '1');
      const over = await post(JSON.stringify([event()]), { server: privateCollector });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('5');
      expect(over.body.error?.code).toBe('over_memory_budget');
      await privateReader.config('SET', 'maxmemory', '0');
      expect(await busEntries(privateBus, privateReader)).toHaveLength(0);
      expect((await post(JSON.stringify([event()]), { server: privateCollector })).status).toBe(200);
      expect(await busEntries(privateBus, privateReader)).toHaveLength(1);
    });

    it('answers 503 once the server is gone', async () => {
      expect((await post(JSON.stringify([event()]), { server: privateCollector })).status).toBe(200);
      await server.stop();
      stopped = true;
      const answer = await post(JSON.stringify([event(), event()]), { server: privateCollector });
      expect(answer.status).toBe(503);
      expect(answer.body.error?.message).toBe(
        'the event bus is unavailable: nothing was accepted, send the batch again',
      );
    });
  });
});
