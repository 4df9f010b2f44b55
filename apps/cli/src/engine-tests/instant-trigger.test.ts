// A manual trigger starts its run and queues the first tasks in the same operation, with no
// scheduler running at all: only a worker. maxActiveRuns and pausing still hold back the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const chain = (id: string, extra = '', firstTaskMs = 0) => `
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', schedule: null${extra} }, (d) => {
  const a = d.task('a', async () => { await new Promise((r) => setTimeout(r, ${firstTaskMs})); return 1; });
  const b = d.task('b', { after: [a] }, async () => 2);
  d.task('c', { after: [b] }, async () => 3);
});
`;

describe('instant triggers', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('instant.ts', chain('instant'));
    h.writeDag('one_at_a_time.ts', chain('one_at_a_time', ', maxActiveRuns: 1', 1_500));
    h.writeDag('paused.ts', chain('paused_dag'));
    h.writeDag('many.ts', chain('many_at_once', ', maxActiveRuns: 100'));
    await h.processor.processOnce();
    await h.engine.setPaused('paused_dag', true);
    // No scheduler: nothing ticks. Whatever runs was started by the trigger itself.
    h.start('worker');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const stateOf = async (dagRunId: number) =>
    (await h.database.db.dagRun.findUniqueOrThrow({ where: { id: dagRunId } })).state;

  it('starts the run and queues its first task before trigger returns', async () => {
    const run = await h.engine.trigger({ dagId: 'instant' });
    const first = await h.database.db.taskInstance.findFirstOrThrow({
      where: { dagRunId: run.id, taskId: 'a' },
    });
    // Already handed to the worker (it may have started or even finished it by now).
    expect(['queued', 'running', 'success']).toContain(first.state);
    const created = await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(created.startedAt).not.toBeNull();
    expect(await h.waitForRun(run.id, 30_000)).toBe('success');
  }, 60_000);

  it('leaves a run queued while maxActiveRuns is full', async () => {
    const first = await h.engine.trigger({ dagId: 'one_at_a_time', runId: 'first' });
    const second = await h.engine.trigger({ dagId: 'one_at_a_time', runId: 'second' });
    expect(await stateOf(first.id)).toBe('running');
    expect(await stateOf(second.id)).toBe('queued');
    expect(await h.waitForRun(first.id, 30_000)).toBe('success');
    // With no scheduler here, the next trigger starts the oldest queued run first.
    const third = await h.engine.trigger({ dagId: 'one_at_a_time', runId: 'third' });
    expect(await stateOf(second.id)).toBe('running');
    expect(await stateOf(third.id)).toBe('queued');
    expect(await h.waitForRun(second.id, 30_000)).toBe('success');
  }, 60_000);

  // Each trigger's run insert holds KEY SHARE on the DAG row (its foreign key) while the same
  // transaction locks that row to start runs; with FOR UPDATE, concurrent triggers deadlocked.
  it('creates and starts every run when triggers of one DAG come at once', async () => {
    const runs = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        h.engine.trigger({ dagId: 'many_at_once', runId: `at-once-${i}` }),
      ),
    );
    expect(new Set(runs.map((r) => r.runId)).size).toBe(16);
    for (const run of runs) expect(await h.waitForRun(run.id, 30_000)).toBe('success');
  }, 90_000);

  it('does not start the run of a paused DAG', async () => {
    const run = await h.engine.trigger({ dagId: 'paused_dag' });
    expect(run.dagPaused).toBe(true);
    expect(await stateOf(run.id)).toBe('queued');
    const tasks = await h.tasks(run.id);
    expect(Object.values(tasks).map((t) => t.state)).toEqual(['none', 'none', 'none']);
  }, 30_000);
});
