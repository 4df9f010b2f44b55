// A clear's dry run (the web UI's confirmation preview) lists exactly what the real clear then
// clears, for each option (downstream, upstream, only failed), and changes nothing itself.
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

// extract → transform (fails) → load; report hangs off extract alone.
const chain = `
import { dag } from '@weir/sdk';
export default dag({ id: 'chain', defaults: { retryDelay: 0 } }, (d) => {
  const extract = d.task('extract', async () => 1);
  const transform = d.task('transform', { after: [extract] }, async () => { throw new Error('bad row'); });
  d.task('load', { after: [transform] }, async () => 3);
  d.task('report', { after: [extract] }, async () => 4);
});
`;

describe('clearing with a dry run first', () => {
  const h = useHarness({ dags: () => ({ 'chain.ts': chain }) });

  it('previews each option as the real clear then does it', async () => {
    const run = await h.engine.trigger({ dagId: 'chain', runId: 'preview' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const before = await h.tasks(run.id);
    expect(before).toMatchObject({
      extract: { state: 'success' },
      transform: { state: 'failed' },
      load: { state: 'upstream_failed' },
      report: { state: 'success' },
    });
    const preview = async (options: { downstream?: boolean; upstream?: boolean; onlyFailed?: boolean }) =>
      (
        await h.engine.clear({
          dagId: 'chain',
          runId: 'preview',
          taskIds: ['transform'],
          dryRun: true,
          ...options,
        })
      ).cleared.map((c) => `${c.taskId}:${c.state}`);
    expect(await preview({})).toEqual(['transform:failed']);
    expect(await preview({ downstream: true })).toEqual(['transform:failed', 'load:upstream_failed']);
    expect(await preview({ upstream: true })).toEqual(['extract:success', 'transform:failed']);
    expect(await preview({ upstream: true, downstream: true, onlyFailed: true })).toEqual([
      'transform:failed',
      'load:upstream_failed',
    ]);
    // The dry runs changed nothing.
    expect(await h.tasks(run.id)).toEqual(before);
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('failed');

    const real = await h.engine.clear({
      dagId: 'chain',
      runId: 'preview',
      taskIds: ['transform'],
      downstream: true,
    });
    expect(real.cleared.map((c) => `${c.taskId}:${c.state}`)).toEqual([
      'transform:failed',
      'load:upstream_failed',
    ]);
    expect(await h.waitForRun(run.id)).toBe('failed');
    expect((await h.tasks(run.id)).transform?.tryNumber).toBe(2);
  }, 90_000);

  it('names each param that a trigger conf gets wrong', async () => {
    h.writeDag(
      'typed.ts',
      `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'typed', params: z.object({ rows: z.number().int().min(1).default(10), region: z.enum(['eu', 'us']).default('eu') }) }, (d) => {
  d.task('t', async () => 1);
});`,
    );
    await h.processor.processOnce();
    const refusal = await h.engine.trigger({ dagId: 'typed', conf: { rows: 0, region: 'mars' } }).then(
      () => null,
      (error: unknown) => error as { code: string; message: string; fields: Record<string, string> },
    );
    expect(refusal?.code).toBe('INVALID_CONF');
    expect(Object.keys(refusal?.fields ?? {}).sort()).toEqual(['region', 'rows']);
    expect(refusal?.message).toContain(`rows: ${refusal?.fields.rows}`);
    const typo = await h.engine.trigger({ dagId: 'typed', conf: { rowz: 1 } }).catch((e: unknown) => e);
    expect((typo as { fields: Record<string, string> }).fields).toEqual({ rowz: 'not a param of this DAG' });
  }, 60_000);
});
