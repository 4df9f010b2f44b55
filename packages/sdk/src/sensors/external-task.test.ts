// The external task sensor against a real, migrated Weir database: it is done only when the
// other DAG's task (every mapped instance) or run, in the run with the same logical date, is in
// an allowed state; it fails at once on a failedState; it reads DATABASE_URL at each poke.
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../context.ts';
import { testContext } from '../test-context.ts';
import { externalTask } from './external-task.ts';

const DAY = new Date('2026-03-04T00:00:00Z');
const PREVIOUS_DAY = new Date('2026-03-03T00:00:00Z');

function context(logicalDate = DAY): TaskContext & { lines: string[] } {
  const lines: string[] = [];
  const line = (message: string) => lines.push(message);
  return {
    ...testContext({
      dagId: 'consumer',
      runId: 'manual__test',
      taskId: 'wait',
      logicalDate,
      dataIntervalStart: logicalDate,
      dataIntervalEnd: logicalDate,
      log: { debug: line, info: line, warn: line, error: line },
    }),
    lines,
  };
}

describe('externalTask', () => {
  let database: TestDatabase;
  let sql: pg.Client;
  let savedUrl: string | undefined;
  let dagCount = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });
  beforeEach(() => {
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
  });
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });

  /** A DAG of its own per test, with helpers to add runs and task instances as the engine would. */
  async function producer() {
    const dagId = `producer_${++dagCount}`;
    await sql.query(
      `INSERT INTO dag (dag_id, fileloc, serialized, serialized_hash, updated_at)
       VALUES ($1, '/dags/producer.ts', '{}', 'hash', now())`,
      [dagId],
    );
    const run = async (logicalDate: Date, state: string, runType = 'manual') => {
      const runId = `${runType}__${logicalDate.toISOString()}`;
      const { rows } = await sql.query<{ id: number }>(
        `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, state, updated_at)
         VALUES ($1, $2, $3::"RunType", ($4::timestamptz AT TIME ZONE 'UTC'), $5::"DagRunState", now()) RETURNING id`,
        [dagId, runId, runType, logicalDate.toISOString(), state],
      );
      const id = rows[0]?.id as number;
      const task = (taskId: string, state: string, mapIndex = -1) =>
        sql.query(
          `INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, map_index, state, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6::"TaskInstanceState", now())
           ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET state = EXCLUDED.state`,
          [id, dagId, runId, taskId, mapIndex, state],
        );
      const setState = (state: string) =>
        sql.query(`UPDATE dag_run SET state = $2::"DagRunState" WHERE id = $1`, [id, state]);
      return { task, setState };
    };
    return { dagId, run };
  }

  it("waits for the task in the run with the same logical date, not another day's", async () => {
    const p = await producer();
    const poke = externalTask({ dagId: p.dagId, taskId: 'build' });
    const ctx = context();
    await (await p.run(PREVIOUS_DAY, 'success')).task('build', 'success');
    expect(await poke(ctx)).toBe(false);
    expect(ctx.lines.at(-1)).toBe(
      `task "${p.dagId}.build" has no run with logical date 2026-03-04T00:00:00.000Z yet`,
    );
    const today = await p.run(DAY, 'running');
    await today.task('build', 'running');
    await today.task('other', 'success');
    expect(await poke(ctx)).toBe(false);
    expect(ctx.lines.at(-1)).toContain('is not success yet (manual__2026-03-04T00:00:00.000Z: running)');
    await today.task('build', 'success');
    expect(await poke(ctx)).toBe(true);
  });

  it('is not done for a run without that task', async () => {
    const p = await producer();
    await (await p.run(DAY, 'running')).task('other', 'success');
    const ctx = context();
    expect(await externalTask({ dagId: p.dagId, taskId: 'build' })(ctx)).toBe(false);
    expect(ctx.lines.at(-1)).toContain(': no such task)');
  });

  it('needs every instance of a mapped task in an allowed state; removed instances do not count', async () => {
    const p = await producer();
    const run = await p.run(DAY, 'running');
    for (const i of [0, 1, 2]) await run.task('load', 'success', i);
    await run.task('load', 'running', 3);
    const poke = externalTask({ dagId: p.dagId, taskId: 'load' });
    expect(await poke(context())).toBe(false);
    await run.task('load', 'removed', 3);
    expect(await poke(context())).toBe(true);
  });

  it('without taskId waits for the whole run', async () => {
    const p = await producer();
    const run = await p.run(DAY, 'running');
    await run.task('build', 'success');
    const poke = externalTask({ dagId: p.dagId });
    expect(await poke(context())).toBe(false);
    await run.setState('success');
    expect(await poke(context())).toBe(true);
  });

  it('accepts any of allowedStates, and any run with that logical date', async () => {
    const p = await producer();
    await (await p.run(DAY, 'failed', 'scheduled')).task('build', 'failed');
    await (await p.run(DAY, 'success', 'manual')).task('build', 'skipped');
    expect(await externalTask({ dagId: p.dagId, taskId: 'build' })(context())).toBe(false);
    expect(
      await externalTask({ dagId: p.dagId, taskId: 'build', allowedStates: ['success', 'skipped'] })(
        context(),
      ),
    ).toBe(true);
  });

  it('fails at once, without retries, when the task is in one of failedStates', async () => {
    const p = await producer();
    const run = await p.run(DAY, 'running');
    await run.task('build', 'up_for_retry');
    const poke = externalTask({
      dagId: p.dagId,
      taskId: 'build',
      failedStates: ['failed', 'upstream_failed'],
    });
    expect(await poke(context())).toBe(false);
    await run.task('build', 'failed');
    await expect(poke(context())).rejects.toMatchObject({
      code: 'EXTERNAL_TASK_FAILED',
      weirOutcome: 'fail',
      message: `sensors.externalTask(task "${p.dagId}.build"): task "${p.dagId}.build" is failed in run manual__2026-03-04T00:00:00.000Z (logical date 2026-03-04T00:00:00.000Z), one of failedStates`,
    });
  });

  it('waits for another logical date when given logicalDate(ctx)', async () => {
    const p = await producer();
    await (await p.run(PREVIOUS_DAY, 'success')).task('build', 'success');
    const poke = externalTask({
      dagId: p.dagId,
      taskId: 'build',
      logicalDate: (ctx) => new Date(ctx.logicalDate.getTime() - 86_400_000),
    });
    expect(await poke(context())).toBe(true);
    expect(await externalTask({ dagId: p.dagId, taskId: 'build' })(context())).toBe(false);
  });

  it('matches logical dates whatever the time zone of the worker process', async () => {
    const p = await producer();
    await (await p.run(DAY, 'success')).task('build', 'success');
    const savedTz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      expect(new Date(2026, 2, 4).getTimezoneOffset()).toBe(-330);
      expect(await externalTask({ dagId: p.dagId, taskId: 'build' })(context())).toBe(true);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });

  it('says which variable is missing when DATABASE_URL is unset', async () => {
    delete process.env.DATABASE_URL;
    await expect(externalTask({ dagId: 'producer' })(context())).rejects.toMatchObject({
      code: 'SENSOR_MISCONFIGURED',
      message: expect.stringContaining("needs DATABASE_URL (Weir's PostgreSQL) in the worker's environment"),
    });
  });

  it('refuses unknown or contradictory states when the DAG file is imported', () => {
    expect(() => externalTask({ dagId: 'p', taskId: 't', allowedStates: ['sucess' as never] })).toThrow(
      /allowedStates: "sucess" is not one of none, scheduled/,
    );
    expect(() => externalTask({ dagId: 'p', allowedStates: ['skipped'] })).toThrow(
      /allowedStates: "skipped" is not one of queued, running, success, failed/,
    );
    expect(() => externalTask({ dagId: 'p', allowedStates: [] })).toThrow(/allowedStates must not be empty/);
    expect(() => externalTask({ dagId: 'p', failedStates: ['success'] })).toThrow(
      /success is in both allowedStates and failedStates/,
    );
  });
});
