// The bundled pipeline DAGs through the real engine (`weir dags test`, real PostgreSQL, Redis, a
// lake folder and a DuckDB warehouse file): events on the bus → ingest_to_lake lands them in the
// raw zone → transform_events curates them → load_warehouse loads every curated partition, one
// mapped task each. The tables' contents against an independent computation are the transform's
// own tests (packages/pipeline/src/transform); here: each DAG does its step, a re-run of each
// changes nothing, and the warehouse holds each distinct event once.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BusEvent,
  eventBusKeyPrefix,
  folderLakeStore,
  listRawParts,
  queryWarehouse,
} from '@weir/pipeline';
import { createRedisStreamsBus, type EventBus } from '@weir/queue';
import {
  createTestDatabase,
  createTestRedis,
  runWeir,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
// Two hours ago and three hours ago: closed hours, so ingest marks them.
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;

function event(at: number, user: string): BusEvent {
  const ts = new Date(at).toISOString();
  return {
    event_id: randomUUID(),
    event_type: at % 2 === 0 ? 'view' : 'click',
    user_id: user,
    session_id: null,
    properties: { n: at % 7 },
    client_ts: ts,
    server_ts: ts,
    ingested_at: ts,
    app_version: '1.0.0',
    platform: 'web',
    schema_version: null,
    device_type: 'desktop',
    geo_country: null,
  };
}

describe('the pipeline DAGs', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dir: string;
  let env: Record<string, string>;
  let bus: EventBus;
  const sent: BusEvent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    dir = mkdtempSync(join(tmpdir(), 'weir-pipeline-dags-'));
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      WEIR_QUEUE_PREFIX: redis.prefix,
      WEIR_DAGS_FOLDER: new URL('.', import.meta.url).pathname,
      WEIR_LAKE_URL: `file://${dir}/lake/`,
      WEIR_WAREHOUSE_URL: `duckdb://${dir}/warehouse.duckdb`,
    };
    bus = createRedisStreamsBus({
      url: redis.url,
      partitions: 8,
      keyPrefix: eventBusKeyPrefix(redis.prefix),
    });
    // 40 events over two hours for 4 users, and 5 duplicates (a client's retry).
    for (let i = 0; i < 40; i++) sent.push(event(BASE + i * 3 * 60_000 + (i % 2), `u${i % 4}`));
    const copies = sent
      .slice(0, 5)
      .map((e) => ({ ...e, server_ts: new Date(Date.parse(e.server_ts) + 1000).toISOString() }));
    for (const e of [...sent, ...copies])
      await bus.append(bus.partitionFor(e.user_id ?? e.event_id), [JSON.stringify(e)]);
    await bus.appendDeadLetters([
      JSON.stringify({
        received_at: new Date(BASE + 60_000).toISOString(),
        reason: 'user_id: is required',
        event_id: null,
        payload: '{}',
      }),
    ]);
  });
  afterAll(async () => {
    await bus?.close();
    await database?.drop();
    await redis?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const dagsTest = async (dagId: string) => {
    const result = await runWeir(['dags', 'test', dagId, '--json'], env, 240_000);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { state: string; tasks: { taskId: string; state: string }[] };
    expect(report.state, JSON.stringify(report)).toBe('success');
    return report;
  };
  const lake = () => folderLakeStore(join(dir, 'lake'));
  const warehouse = (sql: string) => queryWarehouse(join(dir, 'warehouse.duckdb'), sql);

  it('ingest_to_lake lands every event of the bus in the raw zone, and a re-run lands nothing', async () => {
    await dagsTest('ingest_to_lake');
    const parts = await listRawParts(lake());
    expect(parts.length).toBeGreaterThanOrEqual(2);
    await dagsTest('ingest_to_lake');
    expect(await listRawParts(lake())).toEqual(parts);
  });

  it('transform_events then load_warehouse fill the warehouse with each distinct event once', async () => {
    await dagsTest('transform_events');
    const loaded = await dagsTest('load_warehouse');
    expect(loaded.tasks.filter((t) => t.taskId === 'load_partition').length).toBeGreaterThan(2);
    const [counts] = await warehouse('SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM events');
    expect({ n: Number(counts?.n), ids: Number(counts?.ids) }).toEqual({ n: sent.length, ids: sent.length });
    const windows = await warehouse('SELECT SUM(event_count) AS n FROM event_counts_1m');
    expect(Number(windows[0]?.n)).toBe(sent.length);
    // Every user's events are in sessions, each event once.
    const sessions = await warehouse(
      'SELECT SUM(event_count) AS n, COUNT(DISTINCT user_id) AS users FROM sessions',
    );
    expect({ n: Number(sessions[0]?.n), users: Number(sessions[0]?.users) }).toEqual({
      n: sent.length,
      users: 4,
    });
  });

  it('load_warehouse loads the dead letters; data_quality records every check in dq_results', async () => {
    const [letters] = await warehouse('SELECT COUNT(*) AS n FROM dead_letters');
    expect(Number(letters?.n)).toBe(1);
    await dagsTest('data_quality');
    const rows = await warehouse('SELECT check_name, passed, severity FROM dq_results');
    const byName = Object.fromEntries(rows.map((r) => [String(r.check_name), r]));
    expect(Object.keys(byName).sort()).toEqual([
      'accepted_values(events.platform)',
      'dead_letter_rate',
      'freshness_p95_seconds',
      'not_null(events.event_id)',
      'null_rate.event_type',
      'null_rate.user_id',
      'relationships(events.user_id → user_profiles.user_id)',
      'unique(events.event_id)',
      'volume',
    ]);
    // No profiles were loaded: every event's user is missing from user_profiles (a warning).
    expect(byName['relationships(events.user_id → user_profiles.user_id)']).toMatchObject({
      passed: false,
      severity: 'warn',
    });
    expect(rows.filter((r) => !r.passed)).toHaveLength(1);
  });

  it('a re-run of each changes nothing', async () => {
    const before = await warehouse('SELECT event_id, weir_session_id FROM events ORDER BY event_id');
    await dagsTest('ingest_to_lake');
    await dagsTest('transform_events');
    const again = await dagsTest('load_warehouse');
    expect(again.tasks.filter((t) => t.taskId === 'load_partition' && t.state === 'success')).toHaveLength(0);
    expect(await warehouse('SELECT event_id, weir_session_id FROM events ORDER BY event_id')).toEqual(before);
  });
});
