// DAG-level callbacks run in a worker after the run ends; one that throws changes nothing.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const DAGS = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export const good = dag({ id: 'cb_good', onSuccess: (ctx) => appendFileSync('${dir}/dag.log', 'success ' + ctx.dagId + ' ' + ctx.state + '\\n') },
  (d) => void d.task('ok', async () => 1));
export const bad = dag({ id: 'cb_bad', onFailure: (ctx) => { appendFileSync('${dir}/dag.log', 'failure ' + ctx.dagId + '\\n'); throw new Error('callback broke'); } },
  (d) => void d.task('boom', async () => { throw new Error('task broke'); }));
`;

describe('DAG callbacks', () => {
  const h = useHarness({
    dags: (dir) => ({ 'callbacks.ts': DAGS(dir) }),
    components: [['scheduler'], ['worker']],
  });

  it('runs onSuccess and onFailure in a worker once the run has ended', async () => {
    const good = await h.engine.trigger({ dagId: 'cb_good' });
    const bad = await h.engine.trigger({ dagId: 'cb_bad' });
    expect(await h.waitForRun(good.id)).toBe('success');
    expect(await h.waitForRun(bad.id)).toBe('failed');
    const lines = async () =>
      existsSync(`${h.dir}/dag.log`)
        ? readFileSync(`${h.dir}/dag.log`, 'utf8').trim().split('\n').sort()
        : [];
    for (let i = 0; i < 100 && (await lines()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await lines()).toEqual(['failure cb_bad', 'success cb_good success']);
    // The throwing callback is logged by the worker and leaves the run as it was.
    for (let i = 0; i < 50 && !h.output().includes('callback broke'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(h.output()).toContain('DAG cb_bad onFailure callback for run');
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: bad.id } })).state).toBe('failed');
  }, 60_000);
});
