// The data-quality checks against a real DuckDB warehouse with crafted rows whose answers are
// known by construction: volume against the same hour yesterday, null rates, p95 freshness, the
// dead-letter rate, and dbt's generic tests with dbt's severity / error_if / warn_if semantics.
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbtStatus, meetsCondition, runDbtTest } from './dbt-tests.ts';
import { DEFAULT_THRESHOLDS, runHourlyChecks } from './hourly-checks.ts';
import type { SqlValue, WarehouseReader } from './warehouse-reader.ts';

const HOUR = Date.UTC(2026, 11, 4, 10);
const ts = (ms: number) => new Date(ms).toISOString();

describe('data-quality checks on DuckDB', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let warehouse: WarehouseReader;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    warehouse = {
      async query(sql: string, params: readonly SqlValue[] = []) {
        const reader = await connection.runAndReadAll(sql, [...params] as never);
        return reader.getRowObjectsJS() as Record<string, unknown>[];
      },
    };
    await connection.run(`
      CREATE TABLE events (event_id VARCHAR, event_type VARCHAR, user_id VARCHAR, platform VARCHAR,
                           client_ts TIMESTAMPTZ, server_ts TIMESTAMPTZ, loaded_at TIMESTAMPTZ);
      CREATE TABLE dead_letters (received_at TIMESTAMPTZ, reason VARCHAR, event_id VARCHAR, payload VARCHAR);
      CREATE TABLE user_profiles (user_id VARCHAR, plan VARCHAR, signup_date DATE);`);
    // Yesterday's hour: 100 arrivals. This hour: 70 (a 30 % drop), 2 of them without user_id,
    // none without event_type; loaded 60 s after client_ts except 5 loaded 20 min late (so the
    // p95 is inside the late ones: 20 min); 3 dead letters (3 / 73 of arrivals).
    const rows: string[] = [];
    for (let i = 0; i < 100; i++)
      rows.push(
        `('y${i}', 'view', 'u${i % 7}', 'web', '${ts(HOUR - 86_400_000 + i * 1000)}', '${ts(HOUR - 86_400_000 + i * 1000)}', '${ts(HOUR - 86_400_000 + i * 1000 + 60_000)}')`,
      );
    for (let i = 0; i < 70; i++) {
      const at = HOUR + i * 10_000;
      const late = i >= 65 ? 1_200_000 : 60_000;
      rows.push(
        `('e${i}', 'click', ${i < 2 ? 'NULL' : `'u${i % 7}'`}, '${i === 3 ? 'desktop' : 'ios'}', '${ts(at)}', '${ts(at)}', '${ts(at + late)}')`,
      );
    }
    // One duplicate id, and one user that has no profile.
    rows.push(
      `('e5', 'click', 'ghost', NULL, '${ts(HOUR - 3 * 3_600_000)}', '${ts(HOUR - 3 * 3_600_000)}', '${ts(HOUR)}')`,
    );
    await connection.run(`INSERT INTO events VALUES ${rows.join(',')}`);
    await connection.run(`INSERT INTO dead_letters VALUES
      ('${ts(HOUR + 5_000)}', 'client_ts: must be an ISO 8601 timestamp', NULL, '{}'),
      ('${ts(HOUR + 6_000)}', 'event_type: must be a non-empty string', 'x', '{}'),
      ('${ts(HOUR + 3_599_999)}', 'not JSON', NULL, '{'),
      ('${ts(HOUR + 3_600_000)}', 'next hour', NULL, '{}')`);
    await connection.run(
      `INSERT INTO user_profiles SELECT 'u' || i, 'free', DATE '2026-01-01' FROM range(7) t(i)`,
    );
  });

  afterAll(() => {
    connection?.closeSync();
    instance?.closeSync();
  });

  it('measures the arrival hour against yesterday, nulls, freshness and dead letters', async () => {
    const results = await runHourlyChecks(warehouse, new Date(HOUR), new Date(HOUR + 2 * 3_600_000));
    const by = Object.fromEntries(results.map((r) => [r.check_name, r]));
    expect(Object.keys(by)).toEqual([
      'volume',
      'null_rate.user_id',
      'null_rate.event_type',
      'freshness_p95_seconds',
      'dead_letter_rate',
    ]);
    expect(by.volume).toMatchObject({ partition: 'dt=2026-12-04/hour=10', passed: false, threshold: 20 });
    expect(by.volume?.observed).toBeCloseTo(30, 6);
    expect(by['null_rate.user_id']).toMatchObject({ passed: false, threshold: 0.01 });
    expect(by['null_rate.user_id']?.observed).toBeCloseTo(2 / 70, 9);
    expect(by['null_rate.event_type']).toMatchObject({ passed: true, observed: 0 });
    // 65 at 60 s and 5 at 1,200 s: the 95th percentile (linear) falls among the late ones.
    expect(by.freshness_p95_seconds?.observed).toBeGreaterThan(600);
    expect(by.freshness_p95_seconds?.passed).toBe(false);
    expect(by.dead_letter_rate?.observed).toBeCloseTo(3 / 73, 9);
    expect(by.dead_letter_rate?.passed).toBe(false);
  });

  it('passes an hour with nothing to compare and no rows, observing nothing', async () => {
    const results = await runHourlyChecks(warehouse, new Date(HOUR + 48 * 3_600_000), new Date());
    expect(results.every((r) => r.passed && r.observed === null)).toBe(true);
  });

  it('uses looser thresholds when given', async () => {
    const results = await runHourlyChecks(warehouse, new Date(HOUR), new Date(), {
      ...DEFAULT_THRESHOLDS,
      volumeDropPercent: 35,
      deadLetterRate: 0.05,
    });
    expect(results.find((r) => r.check_name === 'volume')?.passed).toBe(true);
    expect(results.find((r) => r.check_name === 'dead_letter_rate')?.passed).toBe(true);
  });

  it("runs dbt's generic tests and counts the failing rows", async () => {
    expect(await runDbtTest(warehouse, { test: 'not_null', model: 'events', column: 'event_id' })).toEqual({
      name: 'not_null(events.event_id)',
      status: 'pass',
      failures: 0,
      condition: '!=0',
    });
    expect(
      await runDbtTest(warehouse, { test: 'unique', model: 'events', column: 'event_id' }),
    ).toMatchObject({
      status: 'error',
      failures: 1,
    });
    // Two rows have a null user_id (ignored); 'ghost' has no profile.
    expect(
      await runDbtTest(warehouse, {
        test: 'relationships',
        model: 'events',
        column: 'user_id',
        to: 'user_profiles',
        field: 'user_id',
      }),
    ).toMatchObject({
      name: 'relationships(events.user_id → user_profiles.user_id)',
      status: 'error',
      failures: 1,
    });
    // 'desktop' is not accepted; a null platform is not counted (not_null is its own test).
    expect(
      await runDbtTest(
        warehouse,
        { test: 'accepted_values', model: 'events', column: 'platform', values: ['ios', 'android', 'web'] },
        { severity: 'warn' },
      ),
    ).toMatchObject({ status: 'warn', failures: 1 });
  });

  it('refuses an identifier that is not plain, instead of building SQL from it', async () => {
    await expect(
      runDbtTest(warehouse, { test: 'not_null', model: 'events; DROP TABLE events', column: 'event_id' }),
    ).rejects.toThrow(/not a plain SQL identifier/);
  });
});

describe("dbt's severity, error_if and warn_if", () => {
  it.each([
    // [failures, config, status] as dbt documents them.
    [0, {}, 'pass'],
    [1, {}, 'error'],
    [1, { severity: 'warn' as const }, 'warn'],
    [5, { errorIf: '>10' }, 'warn'],
    [11, { errorIf: '>10' }, 'error'],
    [5, { errorIf: '>10', warnIf: '>5' }, 'pass'],
    [6, { errorIf: '>10', warnIf: '>5' }, 'warn'],
    [50, { severity: 'warn' as const, errorIf: '>10' }, 'warn'],
    [3, { severity: 'warn' as const, warnIf: '>=5' }, 'pass'],
  ])('%i failures with %o → %s', (failures, config, status) => {
    expect(dbtStatus(failures, config).status).toBe(status);
  });

  it('reads every comparison dbt allows and refuses others', () => {
    expect(meetsCondition(0, '=0')).toBe(true);
    expect(meetsCondition(3, '<>3')).toBe(false);
    expect(meetsCondition(3, '<= 3')).toBe(true);
    expect(meetsCondition(2, '<3')).toBe(true);
    expect(() => meetsCondition(1, 'lots')).toThrow(/not a dbt threshold/);
  });
});
