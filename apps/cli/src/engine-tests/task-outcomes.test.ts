// Retries, backoff, timeouts, SkipTask, NonRetryableError and trigger-rule propagation, through
// the real engine: dag processor, scheduler and worker processes, PostgreSQL and Redis.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAG = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag, NonRetryableError, RetryAfterError, SkipTask } from '@weir/sdk';
const note = (line: string) => appendFileSync('${dir}/callbacks.log', line + '\\n');

export default dag({ id: 'outcomes', defaults: { retryDelay: 0.1 } }, (d) => {
  // Fails on tries 1 and 2, succeeds on try 3.
  const flaky = d.task('flaky', {
    retries: 2,
    onRetry: (ctx) => { note('retry ' + ctx.tryNumber + ' ' + ctx.error?.message); throw new Error('callback bug'); },
    onSuccess: (ctx) => note('success ' + ctx.tryNumber),
  }, async (ctx) => {
    if (ctx.tryNumber < 3) throw new Error('boom on try ' + ctx.tryNumber);
    return ctx.tryNumber;
  });
  d.task('after_flaky', { inputs: [flaky] }, async (_ctx, n) => n * 10);

  const slow = d.task('slow', { retries: 1, executionTimeout: 0.3 }, async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
  });
  d.task('after_slow', { after: [slow] }, async () => 'never');
  d.task('after_slow_all_done', { after: [slow], triggerRule: 'all_done' }, async () => 'ran');

  const skipper = d.task('skipper', async () => { throw new SkipTask('nothing to do'); });
  const skipped_child = d.task('skipped_child', { after: [skipper] }, async () => 'never');
  d.task('skipped_grandchild', { after: [skipped_child] }, async () => 'never');
  d.task('none_failed_after_skip', { after: [skipper], triggerRule: 'none_failed' }, async () => 'ran');

  const fatal = d.task('fatal', { retries: 3, onFailure: (ctx) => note('failure ' + ctx.taskId + ' ' + ctx.error?.message) },
    async () => { throw new NonRetryableError('bad input'); });
  d.task('skipper_cb', { onSkipped: (ctx) => note('skipped ' + ctx.taskId) }, async () => { throw new SkipTask(); });
  const blocked = d.task('blocked', { after: [fatal] }, async () => 'never');
  d.task('blocked_child', { after: [blocked] }, async () => 'never');
  d.task('on_failure', { after: [fatal], triggerRule: 'one_failed' }, async () => 'cleanup');

  d.task('retry_after', { retries: 1 }, async (ctx) => {
    if (ctx.tryNumber === 1) throw new RetryAfterError(0.2, 'rate limited');
    return 'ok';
  });
});
`;

describe('task outcomes through the engine', () => {
  let h: Harness;
  let runId: number;
  let tasks: Record<string, { state: string; tryNumber: number }>;

  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('outcomes.ts', DAG(h.dir));
    const report = await h.processor.processOnce();
    expect(report.parsed[0]?.importError).toBeNull();
    h.start('worker', '--concurrency', '8');
    h.start('scheduler');
    runId = (await h.engine.trigger({ dagId: 'outcomes' })).id;
    expect(await h.waitForRun(runId)).toBe('failed');
    tasks = await h.tasks(runId);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('retries a failing task until it succeeds, and passes its output downstream', async () => {
    expect(tasks.flaky).toEqual({ state: 'success', tryNumber: 3 });
    expect(tasks.after_flaky?.state).toBe('success');
    const xcom = await h.database.db.xCom.findFirst({ where: { taskId: 'after_flaky' } });
    expect(xcom?.value).toBe(30);
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: runId, taskId: 'flaky' } },
      orderBy: { tryNumber: 'asc' },
    });
    expect(attempts.map((a) => [a.tryNumber, a.outcome, a.error])).toEqual([
      [1, 'up_for_retry', 'boom on try 1'],
      [2, 'up_for_retry', 'boom on try 2'],
      [3, 'success', null],
    ]);
    expect(attempts[0]?.errorStack).toContain('boom on try 1');
  });

  it('times out a try, retries it, then fails; downstream all_success is upstream_failed, all_done runs', async () => {
    expect(tasks.slow).toEqual({ state: 'failed', tryNumber: 2 });
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: runId, taskId: 'slow' } },
      orderBy: { tryNumber: 'asc' },
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['timed_out', 'timed_out']);
    expect(attempts[0]?.error).toMatch(/timed out after 300 ms/);
    expect(tasks.after_slow?.state).toBe('upstream_failed');
    expect(tasks.after_slow_all_done?.state).toBe('success');
  });

  it('SkipTask skips, and the skip cascades through all_success; none_failed still runs', async () => {
    expect(tasks.skipper?.state).toBe('skipped');
    expect(tasks.skipped_child?.state).toBe('skipped');
    expect(tasks.skipped_grandchild?.state).toBe('skipped');
    expect(tasks.none_failed_after_skip?.state).toBe('success');
  });

  it('NonRetryableError fails at once despite retries; upstream_failed propagates; one_failed runs', async () => {
    expect(tasks.fatal).toEqual({ state: 'failed', tryNumber: 1 });
    expect(tasks.blocked?.state).toBe('upstream_failed');
    expect(tasks.blocked_child?.state).toBe('upstream_failed');
    expect(tasks.on_failure?.state).toBe('success');
  });

  it('runs task callbacks in the worker; a callback that throws is logged and changes nothing', async () => {
    // Callbacks run after the state is recorded, so the last may still be writing.
    const read = () => readFileSync(`${h.dir}/callbacks.log`, 'utf8').trim().split('\n').sort();
    for (let i = 0; i < 50 && read().length < 5; i++) await new Promise((r) => setTimeout(r, 100));
    expect(read()).toEqual([
      'failure fatal bad input',
      'retry 1 boom on try 1',
      'retry 2 boom on try 2',
      'skipped skipper_cb',
      'success 3',
    ]);
    const ti = await h.database.db.taskInstance.findFirstOrThrow({
      where: { dagRunId: runId, taskId: 'flaky' },
    });
    const logs = await h.database.db.taskLog.findMany({ where: { taskInstanceId: ti.id, tryNumber: 1 } });
    expect(logs.map((l) => l.message).join('\n')).toContain('onRetry callback failed: Error: callback bug');
  });

  it('RetryAfterError retries on its own delay', async () => {
    expect(tasks.retry_after).toEqual({ state: 'success', tryNumber: 2 });
    const first = await h.database.db.taskAttempt.findFirst({
      where: { taskInstance: { dagRunId: runId, taskId: 'retry_after' }, tryNumber: 1 },
    });
    expect(first?.error).toBe('rate limited');
  });

  it('keeps the log lines of each try', async () => {
    const ti = await h.database.db.taskInstance.findFirst({ where: { dagRunId: runId, taskId: 'flaky' } });
    const logs = await h.database.db.taskLog.findMany({
      where: { taskInstanceId: ti?.id },
      orderBy: { id: 'asc' },
    });
    expect(
      logs
        .filter((l) => l.tryNumber === 1)
        .map((l) => l.message)
        .join('\n'),
    ).toContain('boom on try 1');
  });
});
