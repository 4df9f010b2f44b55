// Task isolation, through real scheduler and worker processes: user code runs in executor
// processes, so a CPU-bound task cannot stop its worker's heartbeats, a timeout or a mark really
// stops the code, an executor that exits fails only its try, a worker resumed after a freeze
// stops the try it lost instead of finishing it, and what a task prints lands in its log.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dags = (dir: string): Record<string, string> => {
  const at = (name: string) => JSON.stringify(join(dir, name));
  return {
    'busy.ts': `
import { writeFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'busy' }, (d) => {
  d.task('spin', { retries: 1, retryDelay: 0 }, async (ctx) => {
    const until = Date.now() + 12_000;   // 4 x the zombie threshold, without yielding once
    let n = 0;
    while (Date.now() < until) n++;
    writeFileSync(${at('spin-done')}, String(ctx.tryNumber));
    return n > 0;
  });
});`,
    'quick.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'quick' }, (d) => {
  let prev = d.task('q0', async () => 0);
  for (let i = 1; i < 5; i++) prev = d.task('q' + i, { inputs: [prev] }, async (_c, x) => x + 1);
});`,
    'timeout.ts': `
import { writeFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'timeout' }, (d) => {
  d.task('slow', { executionTimeout: '1s' }, async () => {
    const until = Date.now() + 3_000;
    while (Date.now() < until) {}
    writeFileSync(${at('after-timeout')}, 'written after the timeout');
  });
});`,
    'exits.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'exits' }, (d) => {
  const bye = d.task('bye', { queue: 'solo' }, async () => { process.exit(3); });
  d.task('next', { queue: 'solo', after: [bye], triggerRule: 'all_done' }, async () => 'still here');
});`,
    'ticks.ts': `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'ticks' }, (d) => {
  d.task('tick', { queue: 'ticks' }, async (ctx) => {
    const file = ${at('ticks-')} + ctx.runId.replace(/[^a-z0-9]/gi, '_');
    for (let i = 0; i < 300; i++) {
      appendFileSync(file, 'tick\\n');
      await new Promise((r) => setTimeout(r, 100));
    }
    appendFileSync(file, 'done\\n');
  });
});`,
    'outputs.ts': `
import { Socket } from 'node:net';
import { dag } from '@weir/sdk';
export default dag({ id: 'outputs' }, (d) => {
  const make = d.task('make', async () => ({
    at: new Date('2026-01-02T03:04:05.000Z'),
    counts: new Map([['a', 1], ['b', 2]]),
    tags: new Set(['x']),
    big: 2n ** 70n,
    gone: undefined,
    nan: Number.NaN,
    bytes: new Uint8Array([1, 2, 3]),
  }));
  d.task('use', { inputs: [make] }, async (_ctx, v) => [
    v.at instanceof Date && v.at.getUTCFullYear(),
    v.counts instanceof Map && v.counts.get('b'),
    v.tags instanceof Set && v.tags.has('x'),
    typeof v.big === 'bigint' && String(v.big),
    'gone' in v && v.gone === undefined,
    Number.isNaN(v.nan),
    v.bytes instanceof Uint8Array && v.bytes[2],
  ]);
  // A socket cannot be stored: the type says so, and so does the run.
  d.task('leak', async (): Promise<unknown> => ({ client: new Socket() }));
});`,
    'hog.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'hog' }, (d) => {
  const hog = d.task('hog', async () => {
    const keep: number[][] = [];
    for (;;) keep.push(new Array(1_000_000).fill(1));
  });
  d.task('after_hog', { after: [hog], triggerRule: 'all_done' }, async () => 'fine');
});`,
    'prints.ts': `
import { spawnSync } from 'node:child_process';
import { dag } from '@weir/sdk';
export default dag({ id: 'prints' }, (d) => {
  d.task('talk', async (ctx) => {
    console.log('hello from console.log');
    console.error('warning from console.error');
    process.stdout.write('a raw stdout write\\n');
    spawnSync('echo', ['from a spawned echo'], { stdio: 'inherit' });
    ctx.log.info('from ctx.log');
  });
});`,
  };
};

describe('task isolation', () => {
  const h = useHarness({
    env: { WEIR_HEARTBEAT_MS: '500', WEIR_ZOMBIE_THRESHOLD_MS: '3000', WEIR_TASK_MAX_MEMORY_MB: '128' },
    dags,
    components: [
      ['scheduler'],
      ['worker', '--concurrency', '4'],
      ['worker', '--queues', 'solo', '--concurrency', '1'],
    ],
  });

  it('runs a CPU-bound task past the zombie threshold as one try while the worker goes on', {
    timeout: 90_000,
  }, async () => {
    const spin = await h.engine.trigger({ dagId: 'busy' });
    while ((await h.tasks(spin.id)).spin?.state !== 'running') await sleep(50);
    // While the spin holds one executor, the same worker runs chains in the others.
    const quick = await h.engine.trigger({ dagId: 'quick' });
    expect(await h.waitForRun(quick.id)).toBe('success');
    expect((await h.tasks(spin.id)).spin?.state).toBe('running');
    expect(await h.waitForRun(spin.id)).toBe('success');
    expect((await h.tasks(spin.id)).spin).toEqual({ state: 'success', tryNumber: 1 });
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: spin.id } },
    });
    expect(attempts.map((a) => [a.tryNumber, a.outcome])).toEqual([[1, 'success']]);
    expect(readFileSync(join(h.dir, 'spin-done'), 'utf8')).toBe('1');
  });

  it('stops a busy loop when its executionTimeout passes: nothing after the timeout happens', {
    timeout: 60_000,
  }, async () => {
    const run = await h.engine.trigger({ dagId: 'timeout' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id } },
    });
    expect(attempt.outcome).toBe('timed_out');
    expect(attempt.error).toMatch(/timed out after 1 s \(executionTimeout\)/);
    await sleep(4_000); // past the moment the loop would have written its file
    expect(existsSync(join(h.dir, 'after-timeout'))).toBe(false);
  });

  it('fails only the try whose executor exits, and the next task on that worker runs', {
    timeout: 60_000,
  }, async () => {
    const run = await h.engine.trigger({ dagId: 'exits' });
    expect(await h.waitForRun(run.id)).toBe('success'); // `next` is all_done and ends the run well
    const tasks = await h.tasks(run.id);
    expect(tasks.bye?.state).toBe('failed');
    expect(tasks.next?.state).toBe('success');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'bye' } },
    });
    expect(attempt.error).toMatch(/exit code 3/);
    const xcom = await h.database.db.xCom.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id }, taskId: 'next' },
    });
    expect(xcom.value).toBe('still here');
  });

  it('passes Dates, Maps, Sets, bigints and typed arrays downstream as themselves; refuses a socket', {
    timeout: 60_000,
  }, async () => {
    const run = await h.engine.trigger({ dagId: 'outputs' });
    expect(await h.waitForRun(run.id)).toBe('failed'); // `leak` fails
    const use = await h.database.db.xCom.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id }, taskId: 'use' },
    });
    expect(use.value).toEqual([2026, 2, true, '1180591620717411303424', true, true, 3]);
    const leak = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'leak' } },
    });
    expect(leak.error).toMatch(/output\.client: a Socket cannot be stored/);
    expect((await h.tasks(run.id)).leak).toEqual({ state: 'failed', tryNumber: 1 });
  });

  it('fails a try whose executor runs out of its memory limit, and goes on', {
    timeout: 60_000,
  }, async () => {
    const run = await h.engine.trigger({ dagId: 'hog' });
    const tasks = async () => h.tasks(run.id);
    expect(await h.waitForRun(run.id)).toBe('success'); // after_hog is all_done
    expect((await tasks()).hog?.state).toBe('failed');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id, taskId: 'hog' } },
    });
    expect(attempt.error).toMatch(/out of memory: WEIR_TASK_MAX_MEMORY_MB is 128/);
  });

  it('keeps what a task prints, and what its child processes print, in the try’s log', {
    timeout: 60_000,
  }, async () => {
    const run = await h.engine.trigger({ dagId: 'prints' });
    expect(await h.waitForRun(run.id)).toBe('success');
    const lines = await h.database.db.taskLog.findMany({
      where: { taskInstance: { dagRunId: run.id } },
      orderBy: { id: 'asc' },
      select: { level: true, message: true },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        { level: 'stdout', message: 'hello from console.log' },
        { level: 'stderr', message: 'warning from console.error' },
        { level: 'stdout', message: 'a raw stdout write' },
        { level: 'stdout', message: 'from a spawned echo' },
        { level: 'info', message: 'from ctx.log' },
      ]),
    );
  });

  it('stops a running task marked failed from outside, and ends its attempt', {
    timeout: 60_000,
  }, async () => {
    const worker = h.start('worker', '--queues', 'ticks', '--concurrency', '1');
    const run = await h.engine.trigger({ dagId: 'ticks', runId: 'marked' });
    const file = join(h.dir, 'ticks-marked');
    while (!existsSync(file)) await sleep(50);
    await h.engine.markTasks({ dagId: 'ticks', runId: 'marked', taskIds: ['tick'], state: 'failed' });
    await waitUntilStill(file);
    expect(readFileSync(file, 'utf8')).not.toContain('done');
    const attempt = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id } },
    });
    expect(attempt.endedAt).not.toBeNull();
    expect(attempt.outcome).toBe('marked_failed');
    expect((await h.tasks(run.id)).tick?.state).toBe('failed');
    worker.kill('SIGTERM');
  });

  it('stops a running task that is cleared, and runs it again as a new try', {
    timeout: 60_000,
  }, async () => {
    const worker = h.start('worker', '--queues', 'ticks', '--concurrency', '1');
    const run = await h.engine.trigger({ dagId: 'ticks', runId: 'cleared' });
    const file = join(h.dir, 'ticks-cleared');
    while (!existsSync(file)) await sleep(50);
    const { cleared } = await h.engine.clear({ dagId: 'ticks', runId: 'cleared', taskIds: ['tick'] });
    expect(cleared).toEqual([{ taskId: 'tick', mapIndex: -1, state: 'running' }]);
    for (;;) {
      const tick = (await h.tasks(run.id)).tick;
      if (tick?.tryNumber === 2 && tick.state === 'running') break;
      await sleep(100);
    }
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: run.id } },
      orderBy: { tryNumber: 'asc' },
    });
    expect(attempts.map((a) => [a.tryNumber, a.outcome])).toEqual([
      [1, 'cancelled'],
      [2, null],
    ]);
    expect(attempts[0]?.error).toMatch(/cleared by an operator while running/);
    // One executor, so try 2 runs only once try 1's executor was stopped.
    await h.engine.markTasks({ dagId: 'ticks', runId: 'cleared', taskIds: ['tick'], state: 'failed' });
    await waitUntilStill(file);
    expect(readFileSync(file, 'utf8')).not.toContain('done'); // neither try ran to its end
    worker.kill('SIGTERM');
  });

  it('a worker resumed after a freeze past the zombie threshold stops the try it lost', {
    timeout: 90_000,
  }, async () => {
    const worker = h.start('worker', '--queues', 'ticks', '--concurrency', '1');
    const run = await h.engine.trigger({ dagId: 'ticks', runId: 'frozen' });
    const file = join(h.dir, 'ticks-frozen');
    while (!existsSync(file)) await sleep(50);
    worker.kill('SIGSTOP');
    // The scheduler declares the try lost once the heartbeats have stopped for 3 s.
    for (;;) {
      const attempt = await h.database.db.taskAttempt.findFirst({
        where: { taskInstance: { dagRunId: run.id } },
      });
      if (attempt?.outcome === 'lost') break;
      await sleep(200);
    }
    // Its executor ran on meanwhile (it is not frozen); the resumed worker must stop it.
    const before = statSync(file).size;
    await sleep(500);
    expect(statSync(file).size).toBeGreaterThan(before);
    worker.kill('SIGCONT');
    await waitUntilStill(file);
    expect(readFileSync(file, 'utf8')).not.toContain('done');
    expect(await h.waitForRun(run.id)).toBe('failed');
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: run.id } },
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['lost']);
    worker.kill('SIGTERM');
  });
});

/** Waits until `file` stops growing (the task writing it was stopped); fails after 20 s. */
async function waitUntilStill(file: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let size = statSync(file).size;
  for (;;) {
    await sleep(1_000);
    const now = statSync(file).size;
    if (now === size) return;
    if (Date.now() > deadline) throw new Error(`${file} is still growing: the task was not stopped`);
    size = now;
  }
}
