// How a mapped task's instances finishing move a run on, with no scheduler running: only the
// scheduling that workers do as tries end. An instance that is not the last of its task skips
// the scheduling pass, unless a downstream rule can decide on it or the run has instances
// waiting for a slot; the last one finishes the run. Arguments are read element by element.
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const BACKLOG = `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'backlog', maxActiveTasks: 3, params: z.object({ n: z.number().default(30) }) }, (d) => {
  const items = d.task('items', async (ctx) => Array.from({ length: ctx.params.n }, (_, i) => i));
  d.map('work', { expand: { item: items } }, async (_ctx, { item }) => item);
});
`;

const WIDE = `
import { dag } from '@weir/sdk';
export default dag({ id: 'wide' }, (d) => {
  const items = d.task('items', async () => Array.from({ length: 60 }, (_, i) => ({ i, label: 'n' + i })));
  const work = d.map('work', { expand: { item: items } }, async (_ctx, { item }) => item.label);
  d.task('collect', { inputs: [work] }, async (_ctx, labels) => labels.length);
});
`;

const EARLY = `
import { dag } from '@weir/sdk';
export default dag({ id: 'early' }, (d) => {
  const items = d.task('items', async () => [0, 1, 2, 3]);
  const work = d.map('work', { expand: { item: items } }, async (_ctx, { item }) => {
    if (item > 0) await new Promise((r) => setTimeout(r, 1500));
    return item;
  });
  d.task('first', { after: [work], triggerRule: 'one_success' }, async () => 'ran');
});
`;

const CROSS_UPSTREAM = `
import { dag } from '@weir/sdk';
export default dag({ id: 'cross_upstream' }, (d) => {
  const letters = d.task('letters', async () => ['x', 'y']);
  const numbers = d.task('numbers', async () => [1, 2, 3]);
  const pairs = d.map('pair', { expand: { a: letters, b: numbers, c: ['!', '?'] } }, async (_c, { a, b, c }) => a + b + c);
  d.task('collect', { inputs: [pairs] }, async (_c, all) => all);
});
`;

const RERUN = `
import { dag } from '@weir/sdk';
export default dag({ id: 'rerun' }, (d) => {
  const items = d.task('items', async (ctx) => [1, 2, 3].map((i) => i * 10 ** ctx.tryNumber));
  const work = d.map('work', { expand: { item: items } }, async (_ctx, { item }) => item);
  d.task('collect', { inputs: [work] }, async (_ctx, all) => all);
});
`;

describe('mapped instances finishing, with no scheduler', () => {
  const h = useHarness({
    dags: () => ({
      'backlog.ts': BACKLOG,
      'wide.ts': WIDE,
      'early.ts': EARLY,
      'cross-upstream.ts': CROSS_UPSTREAM,
      'rerun.ts': RERUN,
    }),
    components: [['worker', '--concurrency', '8']],
  });

  const states = async (dagRunId: number, taskId: string) =>
    (
      await h.database.db.taskInstance.findMany({
        where: { dagRunId, taskId },
        select: { state: true },
      })
    ).map((t) => t.state);

  it('the last instance to finish ends the run, and the downstream task gets every output', async () => {
    const run = await h.engine.trigger({ dagId: 'wide' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    expect(await states(run.id, 'work')).toEqual(Array(60).fill('success'));
    const collected = await h.database.db.xCom.findFirst({ where: { runId: run.runId, taskId: 'collect' } });
    expect(collected?.value).toBe(60);
  }, 60_000);

  it('instances waiting for maxActiveTasks room are queued as others finish', async () => {
    const run = await h.engine.trigger({ dagId: 'backlog', conf: { n: 30 } });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    expect(await states(run.id, 'work')).toEqual(Array(30).fill('success'));
  }, 60_000);

  it('a one_success downstream task starts on the first instance to succeed, before the rest end', async () => {
    const run = await h.engine.trigger({ dagId: 'early' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    const rows = await h.database.db.taskInstance.findMany({
      where: { dagRunId: run.id, taskId: { in: ['work', 'first'] } },
      select: { taskId: true, mapIndex: true, startedAt: true, endedAt: true },
    });
    const first = rows.find((r) => r.taskId === 'first');
    const slowEnds = rows.filter((r) => r.taskId === 'work' && r.mapIndex > 0).map((r) => r.endedAt as Date);
    const firstStart = first?.startedAt;
    expect(firstStart).toBeInstanceOf(Date);
    for (const end of slowEnds) expect(firstStart?.getTime()).toBeLessThan(end.getTime());
  }, 60_000);

  it('reads each instance its own elements of several upstream lists and a literal list', async () => {
    const run = await h.engine.trigger({ dagId: 'cross_upstream' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    const collected = await h.database.db.xCom.findFirst({ where: { runId: run.runId, taskId: 'collect' } });
    expect(collected?.value).toEqual([
      'x1!',
      'x1?',
      'x2!',
      'x2?',
      'x3!',
      'x3?',
      'y1!',
      'y1?',
      'y2!',
      'y2?',
      'y3!',
      'y3?',
    ]);
  }, 60_000);

  it('a cleared upstream that returns a new list is expanded anew, never from the old list', async () => {
    const run = await h.engine.trigger({ dagId: 'rerun' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    const collected = () => h.database.db.xCom.findFirst({ where: { runId: run.runId, taskId: 'collect' } });
    expect((await collected())?.value).toEqual([10, 20, 30]);
    await h.engine.clear({ dagId: 'rerun', runId: run.runId, taskIds: ['items'], downstream: true });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    expect((await collected())?.value).toEqual([100, 200, 300]);
  }, 60_000);
});
