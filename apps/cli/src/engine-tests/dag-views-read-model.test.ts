// The read model behind the web's DAG views and cross-DAG lists, on a real database: runs paged
// by cursor across DAGs with type and logical-date filters (every run once, in order, ties on
// the logical date included), runs per day in the DAG's time zone for the calendar, and deadline
// misses newest first with the state of their run.
import { createRawSql, type RawSqlPool } from '@weir/db';
import { type DagRunView, pageDagRuns, pageDeadlineMisses, runCalendar } from '@weir/engine';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the DAG views read model', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    await sql.$executeRaw`
      INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, timezone, updated_at)
      VALUES ('a', 'a.ts', '{}', 'h', 'Europe/Amsterdam', now()), ('b', 'b.ts', '{}', 'h', 'UTC', now())`;
    // 30 runs an hour apart, a's and b's alternating: each of a's shares its logical date with the
    // b run after it (the id breaks the tie). Every third is a backfill's, every fifth failed.
    await sql.$executeRaw`
      INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, updated_at)
      SELECT CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, 'run_' || i,
             (CASE WHEN i % 3 = 0 THEN 'backfill' ELSE 'scheduled' END)::"RunType",
             timestamp '2026-03-01 23:30' + ((i / 2) || ' hours')::interval,
             (CASE WHEN i % 5 = 0 THEN 'failed' ELSE 'success' END)::"DagRunState", now()
      FROM generate_series(1, 30) i`;
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const allPages = async (query: Omit<Parameters<typeof pageDagRuns>[1], 'limit' | 'after'>) => {
    const seen: DagRunView[] = [];
    let after: DagRunView | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const page = await pageDagRuns(database.db, { ...query, limit: 4, ...(after ? { after } : {}) });
      seen.push(...page.items);
      if (!page.next) return { seen, total: page.totalEntries };
      after = page.next;
    }
    throw new Error('paging did not end');
  };

  it('pages every run across DAGs once, newest logical date first, the id breaking ties', async () => {
    const { seen, total } = await allPages({});
    expect(total).toBe(30);
    expect(seen.map((r) => r.runId).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `run_${i + 1}`).sort(),
    );
    for (let i = 1; i < seen.length; i++) {
      const [prev, cur] = [seen[i - 1] as DagRunView, seen[i] as DagRunView];
      const order = prev.logicalDate.getTime() - cur.logicalDate.getTime() || prev.id - cur.id;
      expect(order, `${prev.runId} before ${cur.runId}`).toBeGreaterThan(0);
    }
  });

  it('filters by run type, state and a logical-date range', async () => {
    const backfills = await allPages({ runType: 'backfill', state: 'success' });
    expect(backfills.seen.map((r) => r.runId).sort()).toEqual(
      ['run_3', 'run_6', 'run_9', 'run_12', 'run_18', 'run_21', 'run_24', 'run_27'].sort(),
    );
    expect(backfills.total).toBe(8);
    const ranged = await allPages({
      dagId: 'b',
      logicalDateFrom: new Date('2026-03-02T01:30:00Z'),
      logicalDateTo: new Date('2026-03-02T03:30:00Z'),
    });
    // b's runs are the odd ones: i / 2 = 2 for run_5, 3 for run_7; 03:30 itself is left out.
    expect(ranged.seen.map((r) => r.runId)).toEqual(['run_7', 'run_5']);
  });

  it('counts runs per day in the DAG’s time zone', async () => {
    const days = await runCalendar(sql, 'a', 'Europe/Amsterdam', new Date('2026-01-01T00:00:00Z'));
    // a's runs are at 00:30 to 14:30 UTC on the 2nd: 01:30 to 15:30 in Amsterdam.
    expect(days.map((d) => d.day)).toEqual(['2026-03-02']);
    expect(days[0]).toMatchObject({ total: 15, byState: { success: 12, failed: 3, queued: 0, running: 0 } });
    const utc = await runCalendar(sql, 'a', 'UTC', new Date('2026-01-01T00:00:00Z'));
    expect(utc.map((d) => [d.day, d.total])).toEqual([['2026-03-02', 15]]);
    const b = await runCalendar(sql, 'b', 'UTC', new Date('2026-01-01T00:00:00Z'));
    expect(b.map((d) => [d.day, d.total])).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 14],
    ]);
  });

  it('lists deadline misses newest first, with their run’s state, by keyset page', async () => {
    await sql.$executeRaw`
      INSERT INTO deadline_miss (dag_run_id, dag_id, run_id, logical_date, task_id, deadline_id, deadline_at)
      SELECT r.id, r.dag_id, r.run_id, r.logical_date, CASE WHEN r.run_id = 'run_2' THEN 'load' ELSE '' END,
             'quick', r.logical_date
      FROM dag_run r WHERE r.run_id IN ('run_2', 'run_5', 'run_10') ORDER BY r.id`;
    await sql.$executeRaw`
      INSERT INTO deadline_miss (dag_id, run_id, logical_date, deadline_id, deadline_at)
      VALUES ('a', 'scheduled__never', '2026-03-05', 'quick', '2026-03-05')`;
    const first = await pageDeadlineMisses(database.db, { limit: 3 });
    expect(first.totalEntries).toBe(4);
    expect(first.items.map((m) => [m.runId, m.runState, m.taskId])).toEqual([
      ['scheduled__never', null, null],
      ['run_10', 'failed', null],
      ['run_5', 'failed', null],
    ]);
    const second = await pageDeadlineMisses(database.db, { limit: 3, afterId: first.next?.id as number });
    expect(second.items.map((m) => [m.runId, m.runState, m.taskId])).toEqual([['run_2', 'success', 'load']]);
    expect(second.next).toBeNull();
    const ofB = await pageDeadlineMisses(database.db, { dagId: 'b', limit: 10 });
    expect(ofB.items.map((m) => m.runId)).toEqual(['run_5']);
  });
});
