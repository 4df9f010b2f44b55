// DAG warnings through the real dag processor, scheduler and CLI: a task naming a pool that does
// not exist still waits in `scheduled` (as in Airflow), but the sync records why, `weir dags list`
// shows it, the scheduler logs it once, and creating or deleting the pool re-evaluates it.
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const usesPool = (pool: string) => `
import { dag } from '@weir/sdk';
export default dag({ id: 'calls_api' }, (d) => {
  const fetch = d.task('fetch', { pool: '${pool}' }, async () => 1);
  d.task('fetch_more', { pool: '${pool}', after: [fetch] }, async () => 2);
  d.task('local', async () => 3);
});
`;

const MESSAGE =
  "tasks fetch, fetch_more use pool 'api', which does not exist; their instances wait in scheduled until it is created (weir pools set api <slots>)";

describe('DAG warnings', () => {
  const h = useHarness({
    dags: () => ({ 'calls_api.ts': usesPool('api') }),
    components: [['scheduler'], ['worker']],
  });
  const warnings = () =>
    h.database.db.dagWarning.findMany({ select: { dagId: true, kind: true, message: true } });

  it('records a warning at sync time and shows it in dags list', async () => {
    expect(await warnings()).toEqual([{ dagId: 'calls_api', kind: 'nonexistent_pool', message: MESSAGE }]);
    const table = await runWeir(['dags', 'list'], h.env);
    expect(table.stdout).toContain(`\nDAG warnings (1):\n  calls_api: ${MESSAGE}\n`);
    const json = JSON.parse((await runWeir(['dags', 'list', '--json'], h.env)).stdout);
    expect(json[0].warnings).toEqual([
      { kind: 'nonexistent_pool', message: MESSAGE, since: expect.any(String) },
    ]);
  });

  it('the scheduler logs each distinct warning once, at warn level', async () => {
    const lines = () =>
      h
        .output()
        .split('\n')
        .filter((line) => line.includes("pool 'api', which does not exist"));
    for (let i = 0; i < 100 && lines().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    // Many ticks later, and after the scheduler's own dag processor synced the file again: still one.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(lines()).toHaveLength(1);
    const line = lines()[0] as string;
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      name: 'scheduler',
      dagId: 'calls_api',
      kind: 'nonexistent_pool',
      msg: `DAG calls_api: ${MESSAGE}`,
    });
  });

  it('the task waits in scheduled; creating the pool clears the warning and the run goes on', async () => {
    const run = await h.engine.trigger({ dagId: 'calls_api' });
    for (let i = 0; i < 100 && (await h.tasks(run.id)).local?.state !== 'success'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await h.tasks(run.id)).fetch?.state).toBe('scheduled');
    const created = await runWeir(['pools', 'set', 'api', '2'], h.env);
    expect(created.code).toBe(0);
    expect(await warnings()).toEqual([]);
    expect(await h.waitForRun(run.id)).toBe('success');

    // Deleting it brings the warning back at once; so does the next sync.
    expect((await runWeir(['pools', 'delete', 'api'], h.env)).code).toBe(0);
    expect(await warnings()).toEqual([{ dagId: 'calls_api', kind: 'nonexistent_pool', message: MESSAGE }]);
  }, 90_000);

  it("each sync replaces the DAG's warnings", async () => {
    h.writeDag('calls_api.ts', usesPool('default'));
    await h.processor.processOnce();
    expect(await warnings()).toEqual([]);
    h.writeDag('calls_api.ts', usesPool('reporting'));
    await h.processor.processOnce();
    expect((await warnings()).map((w) => w.message)).toEqual([
      "tasks fetch, fetch_more use pool 'reporting', which does not exist; their instances wait in scheduled until it is created (weir pools set reporting <slots>)",
    ]);
  });
});
