// Slot hand-over: a mapped task keeps at most its window of instances queued in Redis; the rest
// wait in `scheduled`, and the worker whose try of the task ends takes the next one in the same
// statement, instead of a pass and a Redis job per instance. The first three tests drive the
// engine by hand (no worker, no scheduler), so each step can be checked; the last runs real
// workers and schedulers against a narrow pool, where ends hand over or go through passes as
// they race, and checks the bound both must keep.
import { type EagerClaim, Engine } from '@weir/engine';
import { describe, expect, it } from 'vitest';
import { peakConcurrency, useHarness } from './harness.ts';

const FAN = `
import { dag } from '@weir/sdk';
export default dag({ id: 'fan' }, (d) => {
  const items = d.task('items', async () => []);
  d.map('work', { expand: { item: items } }, async (_ctx, { item }) => item);
});
`;

const FAN_SIDE = `
import { dag } from '@weir/sdk';
export default dag({ id: 'fan_side' }, (d) => {
  const items = d.task('items', async () => []);
  d.map('work', { expand: { item: items } }, async () => 0);
  d.task('side', { after: [items] }, async () => 0);
});
`;

const MIXED = `
import { dag } from '@weir/sdk';
export default dag({ id: 'mixed' }, (d) => {
  const items = d.task('items', async () => []);
  d.map('work', { expand: { item: items }, pool: 'duo', priorityWeight: 1, weightRule: 'absolute' }, async () => 0);
  const gate = d.task('gate', async () => 0);
  d.task('urgent', { after: [gate], pool: 'duo', priorityWeight: 10, weightRule: 'absolute' }, async () => 0);
});
`;

const NARROW = (dir: string) => `
import { appendFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'narrow_map', maxActiveTasks: 50 }, (d) => {
  const items = d.task('items', async () => Array.from({ length: 24 }, (_, i) => i));
  d.map('work', { expand: { item: items }, pool: 'narrow' }, async () => {
    appendFileSync('${dir}/narrow.log', 'begin\\n');
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync('${dir}/narrow.log', 'end\\n');
  });
});
`;

const POLICY = { retryDelayMs: 0, retryExponentialBackoff: false, maxRetryDelayMs: null };
const WORKER = { hostname: 'test-host', pid: 4242 };

describe('slot hand-over between the instances of a mapped task', () => {
  const h = useHarness({
    env: { WEIR_MAPPED_QUEUE_WINDOW: '3' },
    dags: (dir) => ({ 'fan.ts': FAN, 'fan-side.ts': FAN_SIDE, 'mixed.ts': MIXED, 'narrow.ts': NARROW(dir) }),
    components: [],
  });
  const engine = () => new Engine({ db: h.database.db, queue: h.engine.queue, mappedQueueWindow: 3 });
  const eager = (e: Engine): EagerClaim => ({ take: () => true, worker: WORKER, clock: e.clock });

  const instances = async (dagRunId: number, taskId: string) =>
    h.database.db.taskInstance.findMany({
      where: { dagRunId, taskId },
      orderBy: { mapIndex: 'asc' },
      select: { id: true, state: true, tryNumber: true, pid: true },
    });
  const inState = async (dagRunId: number, taskId: string, state: string) =>
    (await instances(dagRunId, taskId)).filter((t) => t.state === state);

  /** Claims a queued try as a worker does when its job arrives from Redis. */
  const claim = async (e: Engine, ti: { id: number; tryNumber: number }) => {
    const claimed = await e.claimTry({ taskInstanceId: ti.id, tryNumber: ti.tryNumber }, WORKER);
    if (claimed.kind !== 'claimed') throw new Error(`try of instance ${ti.id} is ${claimed.state}`);
    return claimed.try;
  };
  /** Runs an unmapped task of the run by hand: claim, then record its output. */
  const runTask = async (e: Engine, dagRunId: number, taskId: string, output: unknown) => {
    const [ti] = await inState(dagRunId, taskId, 'queued');
    if (!ti) throw new Error(`${taskId} is not queued`);
    const claimed = await claim(e, ti);
    await e.finishAndSchedule(claimed, POLICY, {
      kind: 'success',
      output,
      outputJson: JSON.stringify(output),
    });
  };

  it('queues only the window; each end hands its slot to a waiting sibling, with no job and no pass', async () => {
    const e = engine();
    const run = await e.trigger({ dagId: 'fan' });
    const jobsBefore = (await h.addedJobs('default')).length;
    await runTask(
      e,
      run.id,
      'items',
      Array.from({ length: 10 }, (_, i) => i),
    );
    expect((await inState(run.id, 'work', 'queued')).length).toBe(3);
    expect((await inState(run.id, 'work', 'scheduled')).length).toBe(7);
    expect((await h.addedJobs('default')).length - jobsBefore).toBe(3);

    // The three queued ones arrive from Redis; then every end hands over until none wait.
    const running = [];
    for (const ti of await inState(run.id, 'work', 'queued')) running.push(await claim(e, ti));
    const waiting = new Set((await inState(run.id, 'work', 'scheduled')).map((t) => t.id));
    const handedTo: number[] = [];
    while (running.length > 0) {
      const done = running.shift();
      if (!done) break;
      const { result, next } = await e.finishAndSchedule(
        done,
        POLICY,
        { kind: 'success', output: 0, outputJson: '0' },
        eager(e),
      );
      expect(result.kind).toBe('recorded');
      if (next) {
        expect(next.taskId).toBe('work');
        handedTo.push(next.taskInstanceId);
        running.push(next);
      }
    }
    expect(handedTo.sort((a, b) => a - b)).toEqual([...waiting].sort((a, b) => a - b));
    expect(await h.database.db.dagRun.findUnique({ where: { id: run.id }, select: { state: true } })).toEqual(
      {
        state: 'success',
      },
    );
    // Only the window went through Redis; a handed-over try ran as its first try, on the worker
    // whose slot it took.
    expect((await h.addedJobs('default')).length - jobsBefore).toBe(3);
    const handedOver = (await instances(run.id, 'work')).filter((t) => waiting.has(t.id));
    for (const t of handedOver) expect(t).toMatchObject({ state: 'success', tryNumber: 1, pid: WORKER.pid });
    const attempts = await h.database.db.taskAttempt.count({
      where: { taskInstanceId: { in: [...waiting] }, outcome: 'success' },
    });
    expect(attempts).toBe(7);
  }, 60_000);

  it('does not hand a slot to a sibling while another task of the run waits in scheduled', async () => {
    const e = engine();
    const run = await e.trigger({ dagId: 'fan_side' });
    await runTask(e, run.id, 'items', [0, 1, 2, 3, 4, 5]);
    // As if \`side\` were ready but had found no room: it waits in \`scheduled\`.
    await h.database.db.taskInstance.updateMany({
      where: { dagRunId: run.id, taskId: 'side' },
      data: { state: 'scheduled', tryNumber: 0 },
    });
    const running = [];
    for (const ti of await inState(run.id, 'work', 'queued')) running.push(await claim(e, ti));
    const [first] = running;
    if (!first) throw new Error('no running instance');
    await e.finishAndSchedule(first, POLICY, { kind: 'success', output: 0, outputJson: '0' }, eager(e));
    // The end went through the run's pass, which decided for \`side\` too.
    const [side] = await instances(run.id, 'side');
    expect(['queued', 'running']).toContain(side?.state);
  }, 60_000);

  it('does not hand a slot to a sibling while a task of higher priority waits for it', async () => {
    await h.database.db.pool.upsert({
      where: { name: 'duo' },
      create: { name: 'duo', slots: 2 },
      update: { slots: 2 },
    });
    const e = engine();
    const run = await e.trigger({ dagId: 'mixed' });
    await runTask(e, run.id, 'items', [0, 1, 2, 3, 4, 5]);
    expect((await inState(run.id, 'work', 'queued')).length).toBe(2); // the pool's two slots
    const running = [];
    for (const ti of await inState(run.id, 'work', 'queued')) running.push(await claim(e, ti));
    await runTask(e, run.id, 'gate', 0);
    expect((await inState(run.id, 'urgent', 'scheduled')).length).toBe(1); // the pool is full

    const [first] = running;
    if (!first) throw new Error('no running instance');
    const { next } = await e.finishAndSchedule(
      first,
      POLICY,
      { kind: 'success', output: 0, outputJson: '0' },
      eager(e),
    );
    // The freed slot went through the run's pass, which gives it to the higher priority.
    expect(next?.taskId).toBe('urgent');
    expect((await inState(run.id, 'work', 'scheduled')).length).toBe(4);
  }, 60_000);

  it('never runs more instances than the pool has slots, with two schedulers and two workers', async () => {
    await h.database.db.pool.create({ data: { name: 'narrow', slots: 2 } });
    for (let i = 0; i < 2; i++) {
      h.start('scheduler');
      h.start('worker', '--concurrency', '4');
    }
    const run = await h.engine.trigger({ dagId: 'narrow_map' });
    expect(await h.waitForRun(run.id, 60_000)).toBe('success');
    expect(peakConcurrency(`${h.dir}/narrow.log`)).toEqual({ lines: 48, peak: 2 });
    const work = await instances(run.id, 'work');
    expect(work.map((t) => [t.state, t.tryNumber])).toEqual(Array(24).fill(['success', 1]));
  }, 90_000);
});
