// Dynamic task mapping through the engine: expansion sizes 0, 1, many and over the limit;
// reduce order; one failed instance retried alone; cross product with partial arguments.
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const MAPPING = `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'mapping', params: z.object({ n: z.number().default(3), failAt: z.number().default(-1) }) }, (d) => {
  const numbers = d.task('numbers', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i));
  const doubled = d.map('double', { expand: { x: numbers }, partial: { factor: 2 }, retries: 1, retryDelay: 0.1 },
    async (ctx, { x, factor }) => {
      if (x === ctx.params.failAt && ctx.tryNumber === 1) throw new Error('flaky ' + x);
      // Later instances finish first, so the reduce below proves it orders by map index.
      await new Promise((r) => setTimeout(r, Math.max(0, 5 - x) * 30));
      return x * factor;
    });
  d.task('total', { inputs: [doubled] }, async (_ctx, xs) => xs);
  d.task('after_all', { after: [doubled], triggerRule: 'all_done' }, async () => 'ran');
});
`;

const CROSS = `
import { dag } from '@weir/sdk';
export default dag({ id: 'cross' }, (d) => {
  const pairs = d.map('pair', { expand: { a: ['x', 'y'], b: [1, 2, 3] }, partial: { sep: '-' } }, async (_c, { a, b, sep }) => a + sep + b);
  d.task('collect', { inputs: [pairs] }, async (_c, all) => all);
});
`;

describe('dynamic task mapping', () => {
  const h = useHarness({
    dags: (_dir) => ({ 'mapping.ts': MAPPING, 'cross.ts': CROSS }),
    components: [['scheduler'], ['worker', '--concurrency', '16']],
  });

  const instances = (dagRunId: number, taskId: string) =>
    h.database.db.taskInstance.findMany({
      where: { dagRunId, taskId },
      orderBy: { mapIndex: 'asc' },
      select: { mapIndex: true, state: true, tryNumber: true },
    });
  const output = async (runId: string, taskId: string) =>
    (await h.database.db.xCom.findFirst({ where: { runId, taskId } }))?.value;

  it('expands to one instance per element and reduces in map index order; a failed instance retries alone', async () => {
    const run = await h.engine.trigger({ dagId: 'mapping', conf: { n: 5, failAt: 2 } });
    expect(await h.waitForRun(run.id)).toBe('success');
    const doubled = await instances(run.id, 'double');
    expect(doubled.map((t) => [t.mapIndex, t.state, t.tryNumber])).toEqual([
      [0, 'success', 1],
      [1, 'success', 1],
      [2, 'success', 2],
      [3, 'success', 1],
      [4, 'success', 1],
    ]);
    expect(await output(run.runId, 'total')).toEqual([0, 2, 4, 6, 8]);
  }, 60_000);

  it('with one element makes one instance', async () => {
    const run = await h.engine.trigger({ dagId: 'mapping', conf: { n: 1 } });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await instances(run.id, 'double')).map((t) => t.mapIndex)).toEqual([0]);
    expect(await output(run.runId, 'total')).toEqual([0]);
  }, 60_000);

  it('with no elements skips the mapped task, and the skip cascades', async () => {
    const run = await h.engine.trigger({ dagId: 'mapping', conf: { n: 0 } });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect(await instances(run.id, 'double')).toEqual([{ mapIndex: -1, state: 'skipped', tryNumber: 0 }]);
    expect((await h.tasks(run.id)).total?.state).toBe('skipped');
    expect((await h.tasks(run.id)).after_all?.state).toBe('success');
  }, 60_000);

  it('over maxMapLength fails the task that returned the list', async () => {
    const run = await h.engine.trigger({ dagId: 'mapping', conf: { n: 1025 } });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const tasks = await h.tasks(run.id);
    expect(tasks.numbers?.state).toBe('failed');
    expect(tasks.double?.state).toBe('upstream_failed');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'numbers' } },
    });
    expect(attempt.error).toBe(
      'returned 1025 items for mapped task "double" to expand over; the limit is 1024 (WEIR_MAX_MAP_LENGTH)',
    );
  }, 60_000);

  it('expands several arguments to their cross product, with partial arguments', async () => {
    const run = await h.engine.trigger({ dagId: 'cross' });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect(await output(run.runId, 'collect')).toEqual(['x-1', 'x-2', 'x-3', 'y-1', 'y-2', 'y-3']);
  }, 60_000);
});
