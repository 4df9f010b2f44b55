// Recovery: a worker killed with SIGKILL mid-task, Redis losing every job (FLUSHALL), and a try
// queued where no worker serves. PostgreSQL holds the truth; each run still ends as it should.
import type { ChildProcess } from 'node:child_process';
import { type RedisServerHandle, startRedisServer } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'recovery' }, (d) => {
  d.task('long', { retries: 1, retryDelay: 0 }, async (ctx) => {
    if (ctx.tryNumber === 1) await new Promise((r) => setTimeout(r, 60_000));
    return 'try ' + ctx.tryNumber;
  });
});
`;
const CHAIN = `
import { dag } from '@weir/sdk';
export default dag({ id: 'chain' }, (d) => {
  const a = d.task('a', async () => 1);
  const b = d.task('b', { inputs: [a] }, async (_c, x) => x + 1);
  d.task('c', { inputs: [b] }, async (_c, x) => x + 1);
});
`;
const NOBODY = `
import { dag } from '@weir/sdk';
export default dag({ id: 'nobody' }, (d) => {
  d.task('orphan', { queue: 'nobody-serves-this', retries: 1, retryDelay: 0 }, async () => 1);
});
`;

describe('recovery', () => {
  let h: Harness;
  let replacement: ChildProcess | undefined;
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
    h = await startHarness({
      REDIS_URL: redis.url,
      WEIR_HEARTBEAT_MS: '200',
      WEIR_ZOMBIE_THRESHOLD_MS: '2000',
      WEIR_TASK_QUEUED_TIMEOUT_MS: '8000',
    });
    h.writeDag('recovery.ts', DAG);
    h.writeDag('chain.ts', CHAIN);
    h.writeDag('nobody.ts', NOBODY);
    await h.processor.processOnce();
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  it('retries a task whose worker was killed with SIGKILL, and the run succeeds', async () => {
    const worker = h.start('worker');
    const run = await h.engine.trigger({ dagId: 'recovery' });
    while ((await h.tasks(run.id)).long?.state !== 'running') await new Promise((r) => setTimeout(r, 50));
    worker.kill('SIGKILL');
    replacement = h.start('worker');
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await h.tasks(run.id)).long).toEqual({ state: 'success', tryNumber: 2 });
    const lost = await h.database.db.taskAttempt.findFirstOrThrow({
      where: { taskInstance: { dagRunId: run.id }, tryNumber: 1 },
    });
    expect(lost.outcome).toBe('lost');
    expect(lost.error).toMatch(/stopped heartbeating for over 2 s; the try is lost/);
    // The scheduler says which try it declared lost, by id.
    const line = h
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"try lost:') && l.includes(`"taskInstanceId":${lost.taskInstanceId}`));
    expect(line).toMatch(/"tryNumber":1/);
  }, 60_000);

  it('completes a run whose queued jobs vanished from Redis (FLUSHALL)', async () => {
    // No worker runs while the first task is queued, so its job is surely in Redis when Redis
    // loses everything; then a worker starts.
    if (replacement && replacement.exitCode === null) {
      const gone = new Promise((resolve) => replacement?.once('exit', resolve));
      replacement.kill('SIGTERM');
      await gone;
    }
    const before = await h.engine.trigger({ dagId: 'chain', runId: 'flushed' });
    expect((await h.tasks(before.id)).a?.state).toBe('queued');
    await redis.flushAll();
    h.start('worker');
    expect(await h.waitForRun(before.id)).toBe('success');
    expect(await h.database.db.xCom.findFirst({ where: { runId: 'flushed', taskId: 'c' } })).toMatchObject({
      value: 3,
    });
  }, 60_000);

  it('retries, then fails, a try queued where no worker takes it', { timeout: 90_000 }, async () => {
    const run = await h.engine.trigger({ dagId: 'nobody' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    const attempts = await h.database.db.taskAttempt.findMany({
      where: { taskInstance: { dagRunId: run.id } },
      orderBy: { tryNumber: 'asc' },
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['lost', 'lost']);
    expect(attempts[0]?.error).toMatch(
      /queued for longer than 8 s \(WEIR_TASK_QUEUED_TIMEOUT_MS\) without a worker taking it/,
    );
  });
});
