// Setup and teardown (Airflow 2.7's), through real dag processor, scheduler and worker
// processes: a teardown runs once its setup has run and the work is done, whatever the work's
// outcome; a failing teardown does not fail the run unless failRun; clearing a task between them
// clears the setup and the teardown too. The setup creates a real file and the teardown deletes
// it, so the test sees the teardown's effect, not only its state.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const resources = mkdtempSync(join(tmpdir(), 'weir-resources-'));

const lifecycle = (id: string, work: string, teardown: string, failRun = false) => `
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', defaults: { retryDelay: 0 } }, (d) => {
  const create = d.setup('create', async (ctx) => {
    const path = ${JSON.stringify(resources)} + '/' + ctx.dagId + '-' + ctx.runId.replace(/[^a-z0-9]/gi, '_');
    writeFileSync(path, 'in use');
    return path;
  });
  const work = d.task('work', { inputs: [create] }, async (_ctx, path) => { ${work} });
  const report = d.task('report', { inputs: [work] }, async (_ctx, n) => n);
  d.teardown('delete', { setups: [create], inputs: [create], after: [report], failRun: ${failRun} }, async (_ctx, path) => {
    if (!existsSync(path)) throw new Error('no resource at ' + path);
    rmSync(path);
    ${teardown}
  });
});
`;

describe('setup and teardown', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('work_fails.ts', lifecycle('work_fails', "throw new Error('work broke');", ''));
    h.writeDag(
      'teardown_fails.ts',
      lifecycle('teardown_fails', 'return 1;', "throw new Error('teardown broke');"),
    );
    h.writeDag(
      'teardown_fails_run.ts',
      lifecycle('teardown_fails_run', 'return 1;', "throw new Error('teardown broke');", true),
    );
    h.writeDag('all_good.ts', lifecycle('all_good', 'return 1;', ''));
    h.writeDag(
      'setup_fails.ts',
      `
import { dag } from '@weir/sdk';
export default dag({ id: 'setup_fails' }, (d) => {
  const create = d.setup('create', async () => { throw new Error('no capacity'); });
  const work = d.task('work', { after: [create] }, async () => 1);
  d.teardown('delete', { setups: [create], after: [work] }, async () => 'never');
});`,
    );
    const report = await h.processor.processOnce();
    expect(report.parsed.map((p) => p.importError)).toEqual([null, null, null, null, null]);
    h.start('worker', '--concurrency', '4');
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const run = async (dagId: string) => {
    const created = await h.engine.trigger({ dagId });
    const state = await h.waitForRun(created.id, 60_000);
    return { ...created, state, tasks: await h.tasks(created.id) };
  };
  const statesOf = (tasks: Record<string, { state: string }>) =>
    Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, t.state]));
  const resourceOf = (dagId: string, runId: string) =>
    join(resources, `${dagId}-${runId.replace(/[^a-z0-9]/gi, '_')}`);

  it('runs the teardown after the work fails, and the run fails for the work', async () => {
    const r = await run('work_fails');
    expect(statesOf(r.tasks)).toEqual({
      create: 'success',
      work: 'failed',
      report: 'upstream_failed',
      delete: 'success',
    });
    expect(existsSync(resourceOf('work_fails', r.runId))).toBe(false);
    expect(r.state).toBe('failed');
  }, 90_000);

  it('does not fail the run for a failing teardown unless failRun', async () => {
    const tolerant = await run('teardown_fails');
    expect(statesOf(tolerant.tasks)).toMatchObject({ work: 'success', report: 'success', delete: 'failed' });
    expect(tolerant.state).toBe('success');
    const strict = await run('teardown_fails_run');
    expect(statesOf(strict.tasks)).toMatchObject({ work: 'success', report: 'success', delete: 'failed' });
    expect(strict.state).toBe('failed');
  }, 90_000);

  it('marks the teardown upstream_failed when its setup failed', async () => {
    const r = await run('setup_fails');
    expect(statesOf(r.tasks)).toEqual({
      create: 'failed',
      work: 'upstream_failed',
      delete: 'upstream_failed',
    });
    expect(r.state).toBe('failed');
  }, 90_000);

  it('clearing a task between them clears the setup and the teardown too', async () => {
    const first = await run('all_good');
    expect(first.state).toBe('success');
    expect(existsSync(resourceOf('all_good', first.runId))).toBe(false);
    const cleared = await h.engine.clear({ dagId: 'all_good', runId: first.runId, taskIds: ['work'] });
    expect(cleared.cleared.map((c) => c.taskId).sort()).toEqual(['create', 'delete', 'work']);
    expect(await h.waitForRun(first.id, 60_000)).toBe('success');
    const again = await h.tasks(first.id);
    // report is downstream of work but was not asked for: only the setup and teardown join work.
    expect(Object.fromEntries(Object.entries(again).map(([id, t]) => [id, t.tryNumber]))).toEqual({
      create: 2,
      work: 2,
      report: 1,
      delete: 2,
    });
    expect(existsSync(resourceOf('all_good', first.runId))).toBe(false);
  }, 90_000);
});
