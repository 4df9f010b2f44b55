// `weir sources …` and `weir collector` as users run them: real `weir` processes against a real
// database and Redis. The write key is printed once; lists never show it; a disabled source's
// key is refused; the standalone collector accepts events onto the bus with the same handler.
import { randomUUID } from 'node:crypto';
import { createRedis, type RedisConnection } from '@weir/queue';
import {
  createTestDatabase,
  createTestRedis,
  runWeir,
  startWeir,
  stopWeir,
  type TestDatabase,
  type TestRedis,
  type WeirProcess,
} from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('weir sources and weir collector', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let testRedis: TestRedis;
  let reader: RedisConnection;
  const started: WeirProcess[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    WEIR_QUEUE_PREFIX: testRedis.prefix,
  });
  const weir = (args: string[]) => runWeir(args, env(), 120_000);

  beforeAll(async () => {
    database = await createTestDatabase();
    testRedis = createTestRedis();
    reader = createRedis(testRedis.url);
  });
  afterAll(async () => {
    await stopWeir(started);
    reader?.disconnect();
    await testRedis?.cleanup();
    await database?.drop();
  });

  let webKey = '';

  it('creates a source: the write key alone on stdout, once, and a note on stderr', async () => {
    const created = await weir(['sources', 'create', 'web', '--allowed-origin', 'https://app.example.com']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^wk_[A-Za-z0-9_-]{32}\n$/);
    webKey = created.stdout.trim();
    expect(created.stderr).toBe(
      'source 1 "web", pages of https://app.example.com: this write key will not be shown again, store it now\n',
    );
    const json = await weir(['sources', 'create', 'ios', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: 2,
      name: 'ios',
      allowedOrigins: [],
      writeKey: expect.stringMatching(/^wk_/),
    });
    const taken = await weir(['sources', 'create', 'web']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('weir: a source named "web" exists already (weir sources list)\n');
    const badOrigin = await weir(['sources', 'create', 'x', '--allowed-origin', 'app.example.com']);
    expect(badOrigin.code).toBe(2);
  });

  it('lists sources without their keys, and disables one', async () => {
    const list = await weir(['sources', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${webKey.slice(0, 10)}…`);
    expect(list.stdout).not.toContain(webKey);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^id \| name \| key +\| allowed origins +\| created +\| disabled$/,
    );
    const disabled = await weir(['sources', 'disable', 'ios']);
    expect(disabled.stdout).toBe('source "ios" disabled: its write key no longer works\n');
    const json = JSON.parse((await weir(['sources', 'list', '--json'])).stdout) as {
      name: string;
      disabledAt: string | null;
    }[];
    expect(json.map((s) => [s.name, s.disabledAt !== null])).toEqual([
      ['web', false],
      ['ios', true],
    ]);
    expect((await weir(['sources', 'disable', 'ios'])).stderr).toBe(
      'weir: source "ios" is disabled already\n',
    );
  });

  it('runs the collector alone: events with the key land on the bus', async () => {
    const collector = startWeir(['collector', '--port', '0', '--host', '127.0.0.1'], {
      ...env(),
      WEIR_EVENT_PARTITIONS: '2',
    });
    started.push(collector);
    let url: string | undefined;
    for (let i = 0; i < 600 && !url; i++) {
      url = /collector listening on (\S+)/.exec(collector.output())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    expect(url, collector.output()).toBeDefined();
    const events = [
      {
        event_id: randomUUID(),
        event_type: 'signup',
        user_id: 'u1',
        properties: {},
        client_ts: '2026-12-04T10:00:00Z',
      },
      {
        event_id: randomUUID(),
        event_type: '',
        user_id: 'u1',
        properties: {},
        client_ts: '2026-12-04T10:00:00Z',
      },
    ];
    const response = await fetch(url as string, {
      method: 'POST',
      headers: { authorization: `Bearer ${webKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 1,
      rejected: 1,
      errors: [{ index: 1, reason: 'event_type: must be a non-empty string' }],
    });
    const entries = [
      ...(await reader.xrange(`${testRedis.prefix}:events:{p0}`, '-', '+')),
      ...(await reader.xrange(`${testRedis.prefix}:events:{p1}`, '-', '+')),
    ].map(([, fields]) => JSON.parse(fields[1] as string));
    expect(entries.filter((e) => e.event_id === events[0]?.event_id)).toHaveLength(1);
    const unauthorized = await fetch(url as string, { method: 'POST', body: JSON.stringify(events) });
    expect(unauthorized.status).toBe(401);
    // Its log lines are the other components' JSON lines.
    expect(collector.output()).toMatch(/"name":"collector".*"msg":"collector listening"/);
  });
});
