// Eager dispatch: the worker whose try unblocks the next one runs it in the same slot, claimed in
// the scheduling pass's transaction. It only takes tries of queues it serves.
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const CHAIN = `
import { dag } from '@weir/sdk';
export default dag({ id: 'hop_chain' }, (d) => {
  let previous = d.task('t0', async () => 0);
  for (let i = 1; i < 6; i++) previous = d.task('t' + i, { after: [previous] }, async () => i);
});
`;

const SPLIT = `
import { dag } from '@weir/sdk';
export default dag({ id: 'split_queues' }, (d) => {
  const a = d.task('a', async () => 'a');
  const b = d.task('b', { after: [a], queue: 'other' }, async () => 'b');
  d.task('c', { after: [b] }, async () => 'c');
});
`;

describe('eager dispatch', () => {
  const h = useHarness({
    dags: () => ({ 'chain.ts': CHAIN, 'split.ts': SPLIT }),
    // No scheduler: runs advance only through the workers.
    components: [
      ['worker', '--concurrency', '2', '--queues', 'default'],
      ['worker', '--concurrency', '2', '--queues', 'other'],
    ],
  });

  const ranOn = async (dagRunId: number) =>
    Object.fromEntries(
      (
        await h.database.db.taskInstance.findMany({
          where: { dagRunId },
          select: { taskId: true, pid: true, state: true, tryNumber: true },
        })
      ).map((t) => [t.taskId, t]),
    );

  it('runs a chain in one slot: only its first task goes through Redis, each task runs once', async () => {
    const before = (await h.addedJobs('default')).length;
    const run = await h.engine.trigger({ dagId: 'hop_chain' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    const tasks = await ranOn(run.id);
    expect(Object.values(tasks).map((t) => [t.state, t.tryNumber])).toEqual(Array(6).fill(['success', 1]));
    const attempts = await h.database.db.taskAttempt.count({ where: { taskInstance: { dagRunId: run.id } } });
    expect(attempts).toBe(6);
    // t1..t5 were claimed by the pass that ended their upstream: no job of theirs was added.
    expect((await h.addedJobs('default')).length - before).toBe(1);
  }, 60_000);

  it('never takes a try of a queue the worker does not serve', async () => {
    const run = await h.engine.trigger({ dagId: 'split_queues' });
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
    const tasks = await ranOn(run.id);
    expect(tasks.a?.pid).toBeTypeOf('number');
    expect(tasks.b?.pid).not.toBe(tasks.a?.pid);
    expect(tasks.c?.pid).toBe(tasks.a?.pid);
  }, 60_000);
});
