// `weir demo events` as a user runs it: a real `weir` process sending to a real collector
// (startCollectorServer over a real test database and a real Redis under a test prefix). What
// the summary says arrived is what is on the bus: valid events on the partitions (retries
// included, each re-sent event_id twice), malformed ones in the dead-letter stream; a profile
// snapshot is in the lake; an absent collector is one line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '@weir/config';
import { createRawSql, type RawSqlPool } from '@weir/db';
import {
  CachedSources,
  type CollectorServer,
  EventSources,
  folderLakeStore,
  listProfileSnapshots,
  openEventBus,
  RegistryPropertiesValidator,
  startCollectorServer,
} from '@weir/pipeline';
import { createRedis, type EventBus, type RedisConnection } from '@weir/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  runWeir,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Summary {
  source: string;
  sent: number;
  events: number;
  duplicates: number;
  malformed: number;
  accepted: number;
  rejected: number;
  failed: number;
  profiles: number;
  profileSnapshot: string;
  next: string;
}

const PARTITIONS = 2;

describe('weir demo events', { timeout: 300_000 }, () => {
  let database: TestDatabase;
  let testRedis: TestRedis;
  let reader: RedisConnection;
  let sql: RawSqlPool;
  let bus: EventBus;
  let validator: RegistryPropertiesValidator;
  let collector: CollectorServer;
  let lakeDir: string;
  const env = () => ({
    DATABASE_URL: database.url,
    REDIS_URL: testRedis.url,
    WEIR_QUEUE_PREFIX: testRedis.prefix,
    WEIR_LAKE_URL: pathToFileURL(`${lakeDir}/`).toString(),
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    testRedis = createTestRedis();
    reader = createRedis(testRedis.url);
    lakeDir = await mkdtemp(join(tmpdir(), 'weir-demo-lake-'));
    sql = createRawSql(database.url);
    const config = parseConfig({ ...env(), WEIR_EVENT_PARTITIONS: String(PARTITIONS) });
    bus = openEventBus(config, testRedis.url);
    validator = new RegistryPropertiesValidator(sql, { refreshMs: 60_000 });
    await validator.start();
    collector = await startCollectorServer(
      { bus, sources: new CachedSources(new EventSources(sql)), validator },
      { port: 0, host: '127.0.0.1' },
    );
  });
  afterAll(async () => {
    await collector?.close();
    validator?.stop();
    await bus?.close();
    await sql?.end();
    reader?.disconnect();
    await testRedis?.cleanup();
    await database?.drop();
    if (lakeDir) await rm(lakeDir, { recursive: true, force: true });
  });

  const stream = async (key: string) =>
    (await reader.xrange(key, '-', '+')).map(([, fields]) => JSON.parse(fields[1] as string));

  it('sends events, retries and malformed events through the collector, and profiles to the lake', async () => {
    const run = await runWeir(
      ['demo', 'events', '--url', collector.url, '--users', '5', '--hours', '2', '--json'],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary).toMatchObject({ source: 'demo', failed: 0, profiles: 5, next: 'npx weir pipeline run' });
    expect(summary.sent).toBe(summary.events + summary.duplicates + summary.malformed);

    const onBus = [];
    for (let p = 0; p < PARTITIONS; p++) onBus.push(...(await stream(`${testRedis.prefix}:events:{p${p}}`)));
    const deadLetters = await stream(`${testRedis.prefix}:events:{dlq}`);
    expect(onBus.length).toBe(summary.accepted);
    expect(summary.accepted).toBe(summary.events + summary.duplicates);
    expect(new Set(onBus.map((e) => e.event_id)).size).toBe(summary.events);
    expect(summary.duplicates).toBeGreaterThan(0);
    const copies = new Map<string, number>();
    for (const e of onBus) copies.set(e.event_id, (copies.get(e.event_id) ?? 0) + 1);
    expect([...copies.values()].filter((n) => n === 2)).toHaveLength(summary.duplicates);
    expect(deadLetters.length).toBe(summary.malformed);
    expect(summary.rejected).toBe(summary.malformed);
    expect(deadLetters.map((d) => d.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^client_ts/), expect.stringMatching(/^user_id/)]),
    );
    // Late relative to the collector: every client_ts is before its server_ts, some by over an hour.
    expect(onBus.every((e) => e.client_ts <= e.server_ts)).toBe(true);
    expect(onBus.some((e) => Date.parse(e.server_ts) - Date.parse(e.client_ts) > 3_600_000)).toBe(true);
    expect(new Set(onBus.map((e) => e.user_id)).size).toBe(5);

    const lake = folderLakeStore(lakeDir, 'test lake');
    expect(await listProfileSnapshots(lake)).toEqual([summary.profileSnapshot]);
  });

  it('creates a fresh demo source on the next run (a key is shown only once) and prints a summary', async () => {
    // Whether or not the test above ran first, a source named demo exists now.
    await runWeir(['sources', 'create', 'demo'], env());
    const run = await runWeir(
      ['demo', 'events', '--url', collector.url, '--users', '2', '--hours', '1', '--rate', '5'],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^demo traffic from source "demo-\d{8}T\d{6}Z"/);
    expect(run.stdout).toMatch(/\n {2}rejected {2}\d+ /);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('next: npx weir pipeline run');
  });

  it('says in one line to start Weir when no collector answers', async () => {
    const port = await freePort();
    const run = await runWeir(['demo', 'events', '--url', `http://127.0.0.1:${port}`], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `weir: no collector answers at http://127.0.0.1:${port}/api/v1/events: start Weir with \`npm start\` (or \`weir collector\`), or pass --url\n`,
    );
  });
});
