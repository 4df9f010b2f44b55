// The DuckDB warehouse loader against a real DuckDB file and a folder lake: after each
// transform run, loading the pending partitions makes every warehouse table equal the curated
// tables (which the transform's tests check against an independent reference); a load touches
// only the partitions the run rewrote; an event whose winning copy moved to another hour leaves
// its old hour (the primary key would refuse it twice); loading again changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseConfig } from '@weir/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../event/envelope.ts';
import { folderLakeStore } from '../lake/file-store.ts';
import { writeProfileSnapshot } from '../lake/profiles.ts';
import { groupByHour, writeDeadLetterPart, writeRawPart } from '../lake/raw.ts';
import type { LakeStore } from '../lake/store.ts';
import { readCuratedTable } from '../transform/read-curated.ts';
import { runTransform } from '../transform/run-transform.ts';
import { CURATED_TABLES, TABLE_COLUMNS } from '../transform/tables.ts';
import { loadDeadLetters } from './dead-letters.ts';
import { loadPartitions, pendingPartitions } from './duckdb-loader.ts';
import { warehousePath } from './location.ts';

const T0 = Date.parse('2026-03-04T10:00:00.000Z');
const MIN = 60_000;
let n = 0;
function event(user: string, clientMs: number, serverMs = clientMs + 1_000, id?: string): BusEvent {
  const server = new Date(serverMs).toISOString();
  return {
    event_id: id ?? `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    event_type: 'view',
    user_id: user,
    session_id: null,
    properties: { n },
    client_ts: new Date(clientMs).toISOString(),
    server_ts: server,
    ingested_at: server,
    app_version: null,
    platform: 'ios',
    schema_version: 2,
    device_type: null,
    geo_country: 'NL',
  };
}

async function land(store: LakeStore, events: BusEvent[]) {
  for (const [hour, batch] of groupByHour(events, (e) => e.server_ts))
    await writeRawPart(store, new Date(hour), batch);
}

async function warehouseRows(path: string, table: (typeof CURATED_TABLES)[number]) {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const select = TABLE_COLUMNS[table]
      .map(([name, type]) =>
        type === 'TIMESTAMPTZ'
          ? `strftime(${name}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${name}`
          : type === 'DATE'
            ? `strftime(${name}, '%Y-%m-%d') AS ${name}`
            : type === 'JSON'
              ? `${name}::VARCHAR AS ${name}`
              : name,
      )
      .join(', ');
    return (await connection.runAndReadAll(`SELECT ${select} FROM ${table}`)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

async function expectWarehouseEqualsCurated(store: LakeStore, path: string) {
  for (const table of CURATED_TABLES)
    expect({ table, rows: sortRows(await warehouseRows(path, table)) }).toEqual({
      table,
      rows: sortRows(await readCuratedTable(store, table)),
    });
}

describe('the DuckDB warehouse loader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-warehouse-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces exactly the touched partitions and is idempotent', async () => {
    const store = folderLakeStore(join(dir, 'lake'));
    const path = warehousePath(parseConfig({ WEIR_HOME: dir }));
    expect(path).toBe(join(dir, 'warehouse.duckdb'));

    const moved = event('b', T0 + 5 * MIN);
    await land(store, [event('a', T0), event('a', T0 + 50 * MIN), moved, event('b', T0 + 200 * MIN)]);
    await writeProfileSnapshot(store, [{ user_id: 'a', plan: 'free', signup_date: '2026-01-01' }]);
    const first = await runTransform(store);
    expect(await pendingPartitions(store, path)).toEqual(first.touched);
    const load1 = await loadPartitions(store, path);
    expect(load1.loaded).toEqual(first.touched);
    await expectWarehouseEqualsCurated(store, path);
    expect(await pendingPartitions(store, path)).toEqual([]);
    expect((await warehouseRows(path, 'sessions')).filter((s) => s.user_id === 'a')).toHaveLength(2);

    // A late event joins a's sessions; an earlier copy moves b's first event to hour 12.
    await land(store, [
      event('a', T0 + 25 * MIN, T0 + 300 * MIN),
      event('b', T0 + 130 * MIN, T0 + 2_000, moved.event_id),
    ]);
    const second = await runTransform(store);
    expect(await pendingPartitions(store, path)).toEqual(second.touched);
    expect(second.touched).not.toContain('events/dt=2026-03-04/hour=13'); // b's 13:20 event is untouched
    const load2 = await loadPartitions(store, path);
    expect(load2.loaded).toEqual(second.touched);
    await expectWarehouseEqualsCurated(store, path);
    expect((await warehouseRows(path, 'sessions')).filter((s) => s.user_id === 'a')).toHaveLength(1);
    expect((await warehouseRows(path, 'events')).find((e) => e.event_id === moved.event_id)).toMatchObject({
      client_ts: new Date(T0 + 130 * MIN).toISOString(),
    });

    // Loading again, or a partition again by name, leaves the same rows.
    expect(await loadPartitions(store, path)).toEqual({ loaded: [], skipped: [], rows: 0 });
    expect((await loadPartitions(store, path, second.touched.slice(0, 3))).skipped).toHaveLength(3);
    await expectWarehouseEqualsCurated(store, path);
  });

  it('loads each dead-letter part once', async () => {
    const store = folderLakeStore(join(dir, 'dl-lake'));
    const path = join(dir, 'dl.duckdb');
    const hour = new Date('2026-03-04T10:00:00.000Z');
    const letter = (reason: string) => ({
      received_at: '2026-03-04T10:15:00.000Z',
      reason,
      event_id: null,
      payload: '{"bad": true}',
    });
    await writeDeadLetterPart(store, hour, [
      letter('event_type: must be a non-empty string'),
      letter('not JSON'),
    ]);
    expect(await loadDeadLetters(store, path)).toEqual({ parts: 1 });
    await writeDeadLetterPart(store, hour, [letter('client_ts: must be an ISO 8601 timestamp')]);
    expect(await loadDeadLetters(store, path)).toEqual({ parts: 1 });
    expect(await loadDeadLetters(store, path)).toEqual({ parts: 0 });
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const rows = (
      await connection.runAndReadAll('SELECT reason FROM dead_letters ORDER BY reason')
    ).getRowObjectsJson();
    connection.closeSync();
    instance.closeSync();
    expect(rows.map((r) => r.reason)).toEqual([
      'client_ts: must be an ISO 8601 timestamp',
      'event_type: must be a non-empty string',
      'not JSON',
    ]);
  });

  it('refuses a PostgreSQL warehouse URL with a message, for now', () => {
    expect(() => warehousePath(parseConfig({ WEIR_WAREHOUSE_URL: 'postgresql://127.0.0.1/wh' }))).toThrow(
      /cannot load yet/,
    );
  });
});
