// The `weir dags …` and `weir tasks test` commands as users run them, against a real database.
import { createEmptyDatabase, runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const PARAMS_DAG = `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'with_params', schedule: '@daily', startDate: '2026-01-01',
  params: z.object({ limit: z.number().int().positive().default(10), region: z.enum(['eu', 'us']).default('eu') }) }, (d) => {
  const numbers = d.task('numbers', async (ctx) => Array.from({ length: ctx.params.limit }, (_, i) => i));
  d.task('sum', { inputs: [numbers] }, async (ctx, xs) => ({ sum: xs.reduce((a, b) => a + b, 0), region: ctx.params.region }));
});
`;

const BIG_OUTPUT_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'big_output' }, (d) => {
  d.task('huge', { retries: 2, retryDelay: 0.1 }, async () => 'x'.repeat(2048));
});
`;

describe('weir dags and tasks commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WEIR_XCOM_MAX_BYTES: '1024' });
    h.writeDag('with_params.ts', PARAMS_DAG);
    h.writeDag('big_output.ts', BIG_OUTPUT_DAG);
    h.writeDag(
      'broken.ts',
      "import { dag } from '@weir/sdk'; export default dag({ id: 'broken', schedule: 'every day' }, () => {});",
    );
    await h.processor.processOnce();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('dags list --json prints dagId, schedule, paused, fileloc and warnings', async () => {
    const result = await runWeir(['dags', 'list', '--json'], h.env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { dagId: 'big_output', schedule: null, paused: false, fileloc: `${h.dir}/big_output.ts`, warnings: [] },
      {
        dagId: 'with_params',
        schedule: '@daily',
        paused: false,
        fileloc: `${h.dir}/with_params.ts`,
        warnings: [],
      },
    ]);
    const table = await runWeir(['dags', 'list'], h.env);
    expect(table.stdout).toMatch(/with_params \| @daily/);
    expect(table.stdout).toMatch(
      /import errors \(1\):\n {2}DAG file .*broken\.ts failed to import: DAG "broken": schedule "every day"/,
    );
  });

  it('pause and unpause', async () => {
    expect((await runWeir(['dags', 'pause', 'with_params'], h.env)).stdout).toBe(
      'DAG with_params is paused\n',
    );
    expect((await h.database.db.dag.findUnique({ where: { dagId: 'with_params' } }))?.isPaused).toBe(true);
    expect((await runWeir(['dags', 'unpause', 'with_params'], h.env)).stdout).toBe(
      'DAG with_params is unpaused\n',
    );
    const missing = await runWeir(['dags', 'pause', 'nope'], h.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('weir: DAG "nope" not found\n');
  });

  it('refuses an invalid conf with the reason and creates no run', async () => {
    const result = await runWeir(
      ['dags', 'trigger', 'with_params', '--conf', '{"limit": -3, "region": "mars"}'],
      h.env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^weir: conf for DAG "with_params" does not match its params: limit: .*; region: /,
    );
    expect(await h.database.db.dagRun.count({ where: { dagId: 'with_params' } })).toBe(0);
    const notJson = await runWeir(['dags', 'trigger', 'with_params', '--conf', '{limit'], h.env);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^weir: --conf is not valid JSON/);
  });

  it('triggers a run whose params merge conf over defaults', async () => {
    const result = await runWeir(['dags', 'trigger', 'with_params', '--conf', '{"limit": 4}'], h.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created run manual__\S+ of DAG with_params\n$/);
    const run = await h.database.db.dagRun.findFirstOrThrow({ where: { dagId: 'with_params' } });
    expect(run.conf).toEqual({ limit: 4, region: 'eu' });
    h.start('worker');
    h.start('scheduler');
    expect(await h.waitForRun(run.id)).toBe('success');
    const sum = await h.database.db.xCom.findFirst({ where: { runId: run.runId, taskId: 'sum' } });
    expect(sum?.value).toEqual({ sum: 6, region: 'eu' });
  }, 60_000);

  it('fails a task whose output is over the XCom limit, without retrying it', async () => {
    const run = await h.engine.trigger({ dagId: 'big_output' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const ti = await h.database.db.taskInstance.findFirstOrThrow({
      where: { dagRunId: run.id },
      include: { attempts: true },
    });
    expect(ti.tryNumber).toBe(1);
    expect(ti.attempts[0]?.error).toBe(
      'task output is 2050 bytes, over the XCom limit of 1024 bytes (WEIR_XCOM_MAX_BYTES); write large data to the lake and return its location',
    );
  }, 60_000);

  it('tasks test runs one task function alone and prints its output', async () => {
    const result = await runWeir(
      ['tasks', 'test', 'with_params', 'sum', '--inputs', '[[1,2,3]]', '--conf', '{"region":"us"}'],
      h.env,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('{"sum":6,"region":"us"}\n');
  });
});

describe('weir errors', () => {
  it('says in one line, without a stack, that a database has not been migrated, and keeps other errors to one line', async () => {
    const empty = await createEmptyDatabase();
    try {
      const env = { DATABASE_URL: empty.url };
      const plain = await runWeir(['dags', 'list'], env);
      expect(plain.code).toBe(1);
      expect(plain.stderr.trim()).toBe(
        'weir: the database has not been migrated to this version of Weir: run `weir db migrate` (DATABASE_URL names the database)',
      );
      const unexpected = await runWeir(['dags', 'trigger', 'nothing', '--conf', '{"a":1}'], env);
      expect(unexpected.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await empty.drop();
    }
  });
});
