// The grid read model against a real, migrated database: tasks in topological order with their
// groups, a mapped task as one cell with its count per state (its instances only when expanded),
// group summaries, and keyset pages of runs that neither skip nor repeat a run, even when two
// runs share a logical date across a page boundary.
import { createRawSql, type RawSqlPool } from '@weir/db';
import { dag, serializeDag } from '@weir/sdk';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.ts';
import { dagGrid, type GridView } from './grid.ts';
import { summaryState } from './state-summary.ts';

const definition = dag({ id: 'grid_dag' }, (d) => {
  const extract = d.task('extract', async () => [1, 2, 3, 4]);
  d.group('etl', (g) => {
    const clean = g.task('clean', { after: [extract] }, async () => 1);
    g.group('inner', (h) => void h.task('check', { after: [clean] }, async () => 1));
  });
  const load = d.map('load', { expand: { item: extract } }, async (_ctx, { item }) => item);
  d.task('report', { after: [load] }, async () => 'ok');
});

/** The cell of a task in the grid's nth run (cells follow the order of the task list). */
const cellOf = (grid: GridView, run: number, taskId: string) =>
  grid.runs[run]?.cells[grid.tasks.findIndex((t) => t.taskId === taskId)];

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 0, 1);
const now = new Date(BASE + 100 * HOUR);

describe('dagGrid', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  /** Run ids newest first, as the grid orders them. */
  const expectedOrder: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    const serialized = serializeDag(definition);
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at)
      VALUES ('grid_dag', 'grid.ts', ${JSON.stringify(serialized)}::jsonb, 'h', now())`;
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at)
      VALUES ('other', 'other.ts', ${JSON.stringify({ ...serialized, dagId: 'other' })}::jsonb, 'h', now())`;
    // 30 hourly runs; runs 6 and 6b share a logical date, so the page boundary falls between them
    // (the newest 25 are runs 30..7 and 6b; 6 is the first of the next page).
    const runs: { runId: string; at: number }[] = [];
    for (let i = 1; i <= 30; i++) {
      runs.push({ runId: `r${String(i).padStart(2, '0')}`, at: BASE + i * HOUR });
      if (i === 6) runs.push({ runId: 'r06b', at: BASE + i * HOUR });
    }
    for (const r of runs) {
      const start = new Date(r.at + 60_000);
      const end = r.runId === 'r30' ? null : new Date(r.at + 60_000 + 90_000);
      await sql.$executeRaw`INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, started_at, ended_at, updated_at)
        VALUES ('grid_dag', ${r.runId}, 'scheduled', ${new Date(r.at)}, ${end ? 'success' : 'running'}::"DagRunState", ${start}, ${end}, now())`;
    }
    // A run of another DAG with the same logical date: never in this grid.
    await sql.$executeRaw`INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, updated_at)
      VALUES ('other', 'r30', 'manual', ${new Date(BASE + 30 * HOUR)}, 'running', now())`;
    // Same logical date: the higher id (inserted later, r06b) comes first.
    expectedOrder.push(
      ...runs
        .map((r, i) => ({ ...r, i }))
        .sort((a, b) => b.at - a.at || b.i - a.i)
        .map((r) => r.runId),
    );
    // Every finished run: everything succeeded, load mapped over 2 items.
    await sql.$executeRaw`
      INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
      SELECT r.id, r.dag_id, r.run_id, t.task_id, t.map_index, 'success', 1, now()
      FROM dag_run r,
           (VALUES ('extract', -1), ('etl.clean', -1), ('etl.inner.check', -1), ('load', 0), ('load', 1), ('report', -1))
             AS t(task_id, map_index)
      WHERE r.dag_id = 'grid_dag' AND r.run_id <> 'r30'`;
    // The running run: load has 4 instances in 3 states; the inner group's check is retrying.
    const tis: [string, number, string, number][] = [
      ['extract', -1, 'success', 1],
      ['etl.clean', -1, 'success', 1],
      ['etl.inner.check', -1, 'up_for_retry', 1],
      ['load', 0, 'success', 1],
      ['load', 1, 'running', 1],
      ['load', 2, 'failed', 3],
      ['load', 3, 'success', 2],
      ['report', -1, 'none', 0],
    ];
    for (const [taskId, mapIndex, state, tryNumber] of tis)
      await sql.$executeRaw`
        INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
        SELECT id, dag_id, run_id, ${taskId}, ${mapIndex}, ${state}::"TaskInstanceState", ${tryNumber}, now()
        FROM dag_run WHERE dag_id = 'grid_dag' AND run_id = 'r30'`;
    await sql.$executeRaw`
      INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, try_number, updated_at)
      SELECT id, dag_id, run_id, 'extract', -1, 'failed', 1, now() FROM dag_run WHERE dag_id = 'other'`;
  });

  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  it('lists the tasks in topological order with their groups, and the groups outer first', async () => {
    const grid = await dagGrid(sql, 'grid_dag', { now });
    expect(grid.tasks).toEqual([
      { taskId: 'extract', kind: 'task', groupId: null, mapped: false },
      { taskId: 'etl.clean', kind: 'task', groupId: 'etl', mapped: false },
      { taskId: 'etl.inner.check', kind: 'task', groupId: 'etl.inner', mapped: false },
      { taskId: 'load', kind: 'task', groupId: null, mapped: true },
      { taskId: 'report', kind: 'task', groupId: null, mapped: false },
    ]);
    expect(grid.groups).toEqual([
      { groupId: 'etl', parentGroupId: null, tooltip: null },
      { groupId: 'etl.inner', parentGroupId: 'etl', tooltip: null },
    ]);
  });

  it('shows a mapped task as one cell with its count per state, opening the instance in the summary state', async () => {
    const grid = await dagGrid(sql, 'grid_dag', { now });
    const latest = grid.runs[0];
    expect(latest?.runId).toBe('r30');
    expect(cellOf(grid, 0, 'load')).toEqual({
      state: 'failed',
      tryNumber: 3,
      mapIndex: 2,
      mapped: { count: 4, states: { success: 2, running: 1, failed: 1 } },
    });
    expect(cellOf(grid, 0, 'extract')).toEqual({ state: 'success', tryNumber: 1, mapIndex: -1 });
    expect(cellOf(grid, 0, 'report')).toEqual({ state: 'none', tryNumber: 0, mapIndex: -1 });
    // Instances are listed only when asked for.
    expect(latest?.instances).toEqual({});
    // An older run: both instances succeeded.
    expect(cellOf(grid, 1, 'load')).toEqual({
      state: 'success',
      tryNumber: 1,
      mapIndex: 0,
      mapped: { count: 2, states: { success: 2 } },
    });
  });

  it('lists the instances of an expanded mapped task, by map index', async () => {
    const grid = await dagGrid(sql, 'grid_dag', { now, expand: ['load', 'extract', 'nope'] });
    expect(grid.runs[0]?.instances).toEqual({
      load: [
        { mapIndex: 0, state: 'success', tryNumber: 1 },
        { mapIndex: 1, state: 'running', tryNumber: 1 },
        { mapIndex: 2, state: 'failed', tryNumber: 3 },
        { mapIndex: 3, state: 'success', tryNumber: 2 },
      ],
    });
    expect(grid.runs[1]?.instances.load?.map((i) => i.mapIndex)).toEqual([0, 1]);
  });

  it('summarizes each group over every task nested in it', async () => {
    const grid = await dagGrid(sql, 'grid_dag', { now });
    expect(grid.runs[0]?.groups).toEqual({
      etl: { state: 'up_for_retry', states: { success: 1, up_for_retry: 1 } },
      'etl.inner': { state: 'up_for_retry', states: { up_for_retry: 1 } },
    });
    expect(grid.runs[1]?.groups.etl).toEqual({ state: 'success', states: { success: 2 } });
  });

  it('pages runs newest first, 25 by default, with a cursor to older pages that skips and repeats none', async () => {
    const first = await dagGrid(sql, 'grid_dag', { now });
    expect(first.totalRuns).toBe(31);
    expect(first.runs.map((r) => r.runId)).toEqual(expectedOrder.slice(0, 25));
    expect(first.runs.at(-1)?.runId).toBe('r06b');
    expect(first.older).toEqual({ logicalDate: first.runs.at(-1)?.logicalDate, id: first.runs.at(-1)?.id });
    const older = first.older;
    if (!older) throw new Error('expected an older page');
    const second = await dagGrid(sql, 'grid_dag', {
      now,
      before: { logicalDate: new Date(older.logicalDate), id: older.id },
    });
    expect(second.runs.map((r) => r.runId)).toEqual(expectedOrder.slice(25));
    expect(second.runs[0]?.runId).toBe('r06');
    expect(second.older).toBeNull();
    // Each page carries its own runs' cells.
    expect(second.runs.map((_, i) => cellOf(second, i, 'load')?.mapped?.count)).toEqual(
      second.runs.map(() => 2),
    );

    const small = await dagGrid(sql, 'grid_dag', { now, limit: 10 });
    expect(small.runs.map((r) => r.runId)).toEqual(expectedOrder.slice(0, 10));
    const exact = await dagGrid(sql, 'grid_dag', { now, limit: 31 });
    expect(exact.runs).toHaveLength(31);
    expect(exact.older).toBeNull();
  });

  it('gives each run its times and duration, to now while it runs', async () => {
    const grid = await dagGrid(sql, 'grid_dag', { now });
    const [running, done] = grid.runs;
    expect(running?.state).toBe('running');
    expect(running?.endedAt).toBeNull();
    expect(running?.durationMs).toBe(now.getTime() - Date.parse(running?.startedAt ?? ''));
    expect(done?.durationMs).toBe(90_000);
    expect(done?.logicalDate).toBe(new Date(BASE + 29 * HOUR).toISOString());
    expect(done?.runType).toBe('scheduled');
  });

  it('refuses a DAG that was never stored, and shows a DAG without runs as empty', async () => {
    const missing = await dagGrid(sql, 'no_such_dag', { now }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngineError);
    expect((missing as EngineError).code).toBe('DAG_NOT_FOUND');
    await sql.$executeRaw`INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at)
      VALUES ('empty', 'empty.ts', ${JSON.stringify({ dagId: 'empty', tasks: [] })}::jsonb, 'h', now())`;
    const empty = await dagGrid(sql, 'empty', { now });
    expect(empty).toEqual({ dagId: 'empty', tasks: [], groups: [], runs: [], totalRuns: 0, older: null });
  });

  it('summarizes states as Airflow does: failures and retries before progress, progress before success', () => {
    expect(summaryState(['success', 'failed', 'running'])).toBe('failed');
    expect(summaryState(['success', 'running'])).toBe('running');
    expect(summaryState(['success', 'skipped'])).toBe('success');
    expect(summaryState(['up_for_retry', 'upstream_failed'])).toBe('upstream_failed');
    expect(summaryState([])).toBeNull();
  });
});
