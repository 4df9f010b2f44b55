// SIGTERM on a worker: running tasks get a grace period to finish; any still running after it
// are handed back for another try (recorded as lost), never lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'shutdown' }, (d) => {
  d.task('quick', async () => { await new Promise((r) => setTimeout(r, 1_000)); return 'finished in the grace period'; });
  d.task('stuck', async (ctx) => {
    if (ctx.tryNumber === 1) await new Promise(() => {}); // ignores its signal; never ends
    return 'second try';
  });
});
`;

describe('worker shutdown', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WEIR_WORKER_SHUTDOWN_GRACE_MS: '8000', WEIR_LOG_LEVEL: 'info' });
    h.writeDag('shutdown.ts', DAG);
    await h.processor.processOnce();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lets running tasks finish within the grace period and hands back the rest', async () => {
    const worker = h.start('worker');
    h.start('scheduler');
    const run = await h.engine.trigger({ dagId: 'shutdown' });
    for (;;) {
      const running = await h.database.db.taskInstance.count({
        where: { dagRunId: run.id, state: 'running' },
      });
      if (running === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);

    const tasks = await h.tasks(run.id);
    expect(tasks.quick).toEqual({ state: 'success', tryNumber: 1 });
    // Handed back: up for retry, or already queued again for its second try.
    expect(['up_for_retry', 'queued']).toContain(tasks.stuck?.state);
    const lost = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'stuck' } },
    });
    expect(lost.outcome).toBe('lost');
    expect(lost.error).toMatch(/worker shut down before the task finished/);

    h.start('worker');
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await h.tasks(run.id)).stuck).toEqual({ state: 'success', tryNumber: 2 });
  }, 90_000);
});
