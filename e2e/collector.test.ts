// The event collector as the web app serves it (POST/OPTIONS /api/v1/events, production build):
// authenticated by a source's write key, not a session, so the proxy lets it through; CORS
// preflights answered for allowed origins; accepted events on the bus; GET stays the SSE stream
// behind a session.
import { randomUUID } from 'node:crypto';
import { EventSources, registerSchema } from '@weir/pipeline';
import { createRedis, type RedisConnection } from '@weir/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeirStack, type WeirStack } from './stack.ts';

const ORIGIN = 'https://shop.example.com';

describe('the collector in the web app', () => {
  let stack: WeirStack;
  let writeKey = '';
  let reader: RedisConnection;

  beforeAll(async () => {
    stack = await startWeirStack({}, async (sql) => {
      writeKey = (await new EventSources(sql).create({ name: 'shop', allowedOrigins: [ORIGIN] })).writeKey;
      // A schema for checkout's properties: the web app's collector loads the registry at its start.
      await registerSchema(
        sql,
        'checkout',
        { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
        { by: 'e2e' },
      );
    });
    reader = createRedis(stack.env.REDIS_URL as string);
  });
  afterAll(async () => {
    reader?.disconnect();
    await stack?.close();
  });

  const send = (headers: Record<string, string>, body: string, query = '') =>
    fetch(`${stack.url}/api/v1/events${query}`, { method: 'POST', headers, body });
  const event = () => ({
    event_id: randomUUID(),
    event_type: 'add_to_cart',
    user_id: 'u7',
    properties: { sku: 'A-1' },
    client_ts: '2026-12-04T10:00:00+01:00',
  });

  it('accepts events with the write key in any of its three places, and refuses without one', async () => {
    const sent = [event(), event(), event()];
    const bearer = await send(
      { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      JSON.stringify([sent[0]]),
    );
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    const header = await send(
      { 'x-weir-write-key': writeKey, 'content-type': 'application/x-ndjson' },
      `${JSON.stringify(sent[1])}\n`,
    );
    expect(header.status).toBe(200);
    const beacon = await send(
      { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN },
      JSON.stringify(sent[2]),
      `?writeKey=${writeKey}`,
    );
    expect(beacon.status).toBe(200);
    expect(beacon.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const none = await send({ 'content-type': 'application/json' }, JSON.stringify([event()]));
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('unauthenticated');

    const prefix = stack.env.WEIR_QUEUE_PREFIX as string;
    const keys = await reader.keys(`${prefix}:events:{p*`);
    const onBus = [];
    for (const key of keys)
      for (const [, fields] of await reader.xrange(key, '-', '+'))
        onBus.push(JSON.parse(fields[1] as string));
    expect(onBus.map((e) => e.event_id).sort()).toEqual(sent.map((e) => e.event_id).sort());
    expect(onBus[0]).toMatchObject({ client_ts: '2026-12-04T09:00:00.000Z', server_ts: expect.any(String) });
  });

  it('checks properties against the schema registry, naming what is wrong', async () => {
    const answer = await send(
      { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      JSON.stringify([
        { ...event(), event_type: 'checkout', properties: { amount: 12.5 } },
        { ...event(), event_type: 'checkout', properties: { amount: 'twelve' } },
        { ...event(), event_type: 'checkout', properties: {}, schema_version: 9 },
      ]),
    );
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2]);
    expect(body.errors[0].reason).toMatch(/amount/);
    expect(body.errors[1].reason).toMatch(/schema_version 9 is unknown/);
  });

  it('answers CORS preflights for the origins a source allows', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.url}/api/v1/events`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(
      (await preflight('https://elsewhere.example.org')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('keeps GET /api/v1/events (the UI’s change stream) behind a session: a write key does not open it', async () => {
    expect((await fetch(`${stack.url}/api/v1/events`)).status).toBe(401);
    expect(
      (await fetch(`${stack.url}/api/v1/events`, { headers: { 'x-weir-write-key': writeKey } })).status,
    ).toBe(401);
  });
});
