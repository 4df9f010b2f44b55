// `weir tasks mark` and `weir dags mark` on instances whose try is under way, with a real
// scheduler and worker: the try's task_attempt ends with outcome marked_<state> at once, and
// downstream tasks react as they would to a try that ended so.
import { existsSync } from 'node:fs';
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

// `slow` runs until the test writes its marker (or 60 s), so the mark always lands mid-try.
const marks = (dir: string) => `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from '@weir/sdk';
const hold = async (name) => {
  for (let i = 0; i < 600 && !existsSync('${dir}/' + name); i++) await sleep(100);
};
export default dag({ id: 'marks' }, (d) => {
  const slow = d.task('slow', async () => { await hold('release'); return 1; });
  d.task('after_slow', { after: [slow] }, async () => 'ran');
  // No worker serves this queue: its try stays queued.
  const stuck = d.task('stuck', { queue: 'nobody' }, async () => 2);
  d.task('after_stuck', { after: [stuck] }, async () => 'ran');
});
`;

describe('marking instances whose try is under way', () => {
  const h = useHarness({
    dags: (dir) => ({ 'marks.ts': marks(dir) }),
    components: [['scheduler'], ['worker']],
  });

  const instance = (dagRunId: number, taskId: string) =>
    h.database.db.taskInstance.findFirstOrThrow({
      where: { dagRunId, taskId },
      include: { attempts: { orderBy: { tryNumber: 'asc' } } },
    });
  const waitFor = async (dagRunId: number, taskId: string, state: string) => {
    for (let i = 0; i < 600; i++) {
      const ti = await instance(dagRunId, taskId);
      if (ti.state === state) return ti;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${taskId} never reached ${state}\n${h.output()}`);
  };

  it('marking a running try failed ends its attempt; downstream becomes upstream_failed', async () => {
    const run = await h.engine.trigger({ dagId: 'marks', runId: 'fail_running' });
    const running = await waitFor(run.id, 'slow', 'running');
    expect(running.attempts).toHaveLength(1);
    expect(running.attempts[0]?.endedAt).toBeNull();

    const marked = await runWeir(['tasks', 'mark', 'marks', run.runId, 'slow', '--state', 'failed'], h.env);
    expect(marked.stderr).toBe('');
    expect(marked.stdout).toBe('marked 1 task instance(s) failed\n');
    const ti = await instance(run.id, 'slow');
    expect(ti.state).toBe('failed');
    expect(ti.attempts).toHaveLength(1);
    expect(ti.attempts[0]).toMatchObject({
      tryNumber: 1,
      outcome: 'marked_failed',
      error: 'marked failed by an operator while running',
    });
    expect(ti.attempts[0]?.endedAt).toBeInstanceOf(Date);
    expect((await waitFor(run.id, 'after_slow', 'upstream_failed')).tryNumber).toBe(0);

    // The queued try (no worker serves its queue) gets its attempt row, ended.
    await waitFor(run.id, 'stuck', 'queued');
    await runWeir(['tasks', 'mark', 'marks', run.runId, 'stuck', '--state', 'success'], h.env);
    const stuck = await instance(run.id, 'stuck');
    expect(stuck.attempts.map((a) => [a.tryNumber, a.outcome, a.error])).toEqual([
      [1, 'marked_success', 'marked success by an operator while queued'],
    ]);
    expect((await waitFor(run.id, 'after_stuck', 'success')).tryNumber).toBe(1);
    expect(await h.waitForRun(run.id)).toBe('failed');

    // The worker's own end of the marked try, when it comes, changes nothing.
    h.writeDag('release', '');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await instance(run.id, 'slow')).attempts[0]?.outcome).toBe('marked_failed');
    expect((await instance(run.id, 'slow')).state).toBe('failed');
  }, 90_000);

  it('marking skipped: downstream reacts as to a skipped upstream', async () => {
    const run = await h.engine.trigger({ dagId: 'marks', runId: 'skip_running' });
    expect(existsSync(`${h.dir}/release`)).toBe(true);
    await waitFor(run.id, 'stuck', 'queued');
    const marked = await runWeir(['tasks', 'mark', 'marks', run.runId, 'stuck', '--state', 'skipped'], h.env);
    expect(marked.stdout).toBe('marked 1 task instance(s) skipped\n');
    expect((await instance(run.id, 'stuck')).attempts[0]?.outcome).toBe('marked_skipped');
    // all_success downstream of a skipped task is skipped, as in Airflow.
    expect((await waitFor(run.id, 'after_stuck', 'skipped')).tryNumber).toBe(0);
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await h.tasks(run.id)).after_slow?.state).toBe('success');

    const bad = await runWeir(['tasks', 'mark', 'marks', run.runId, 'stuck', '--state', 'removed'], h.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('weir: --state must be success, failed or skipped, got "removed"\n');
    const badRun = await runWeir(['dags', 'mark', 'marks', run.runId, '--state', 'skipped'], h.env);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toBe('weir: --state must be success or failed, got "skipped"\n');
  }, 90_000);

  it('marking a whole run ends the tries under way', async () => {
    const run = await h.engine.trigger({ dagId: 'marks', runId: 'mark_run' });
    await waitFor(run.id, 'stuck', 'queued');
    expect((await runWeir(['dags', 'mark', 'marks', run.runId, '--state', 'failed'], h.env)).code).toBe(0);
    const stuck = await instance(run.id, 'stuck');
    expect(stuck.state).toBe('failed');
    expect(stuck.attempts.map((a) => a.outcome)).toEqual(['marked_failed']);
    expect((await h.database.db.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('failed');
  }, 60_000);
});
