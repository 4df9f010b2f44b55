// Sensors through the real engine: reschedule mode frees the worker slot between pokes, poke
// mode holds it; the timeout counts from the first poke across reschedules and is not retried;
// softFail skips; a sensor's value flows downstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAGS = (dir: string) => `
import { existsSync, writeFileSync } from 'node:fs';
import { dag } from '@weir/sdk';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The only worker serving queue 'solo' runs one task at a time. The sensor goes first (higher
// priority) and waits for a file that only the other task writes.
export const slots = (['reschedule', 'poke'] as const).map((mode) => {
  const file = '${dir}/ready-' + mode;
  return dag({ id: 'slot_' + mode }, (d) => {
    d.sensor('wait_for_file', { mode, pokeInterval: 0.1, timeout: mode === 'poke' ? 1 : '1m', queue: 'solo', priorityWeight: 10 },
      async () => existsSync(file));
    d.task('make_file', { queue: 'solo' }, async () => {
      await sleep(300);
      writeFileSync(file, 'ready');
    });
  });
});

export const never = dag({ id: 'never' }, (d) => {
  d.sensor('never', { mode: 'reschedule', pokeInterval: 0.2, timeout: 1.5, retries: 2, retryDelay: 0 },
    async () => false);
});

export const soft = dag({ id: 'soft' }, (d) => {
  const never = d.sensor('never', { mode: 'reschedule', pokeInterval: 0.2, timeout: 1.5, softFail: true },
    async () => null);
  d.task('after', { after: [never] }, async () => 'never runs');
});

const pokes = new Map<string, number>();
export const rows = dag({ id: 'rows' }, (d) => {
  const rows = d.sensor('rows', { pokeInterval: 0.1, timeout: '1m' }, async (ctx) => {
    const n = (pokes.get(ctx.runId) ?? 0) + 1;
    pokes.set(ctx.runId, n);
    return n === 3 ? { rows: 7 } : false;
  });
  d.task('total', { inputs: [rows] }, async (_ctx, r) => r.rows * 10);
});
`;

describe('sensors through the engine', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('sensors.ts', DAGS(h.dir));
    const report = await h.processor.processOnce();
    expect(report.parsed[0]?.importError).toBeNull();
    h.start('worker', '--queues', 'solo', '--concurrency', '1');
    h.start('worker', '--queues', 'default', '--concurrency', '4');
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const run = async (dagId: string) => {
    const id = (await h.engine.trigger({ dagId })).id;
    const state = await h.waitForRun(id);
    const tis = await h.database.db.taskInstance.findMany({ where: { dagRunId: id } });
    const ti = (taskId: string) => {
      const found = tis.find((t) => t.taskId === taskId);
      if (!found) throw new Error(`no task instance ${taskId}`);
      return found;
    };
    const xcom = async (taskId: string, key = 'return_value') =>
      (await h.database.db.xCom.findFirst({ where: { taskInstanceId: ti(taskId).id, key } }))?.value;
    const attempts = (taskId: string) =>
      h.database.db.taskAttempt.findMany({
        where: { taskInstanceId: ti(taskId).id },
        orderBy: { tryNumber: 'asc' },
      });
    return { id, state, ti, xcom, attempts };
  };

  it('reschedule mode frees the only worker slot between pokes, so the task it waits for can run', async () => {
    const r = await run('slot_reschedule');
    expect(r.state).toBe('success');
    const sensor = r.ti('wait_for_file');
    const maker = r.ti('make_file');
    expect([sensor.state, sensor.tryNumber, maker.state]).toEqual(['success', 1, 'success']);
    // The file's writer ran while the sensor was waiting, on the one slot there is.
    expect(maker.startedAt?.getTime()).toBeGreaterThan(sensor.firstPokeAt?.getTime() ?? Infinity);
    expect(maker.endedAt?.getTime()).toBeLessThanOrEqual(sensor.endedAt?.getTime() ?? -1);
    expect(await r.xcom('wait_for_file')).toBe(true);
    expect(await r.xcom('wait_for_file', 'sensor_pokes')).toBeGreaterThan(1);
    // One try throughout, recorded once.
    expect((await r.attempts('wait_for_file')).map((a) => [a.tryNumber, a.outcome])).toEqual([
      [1, 'success'],
    ]);
  });

  it('poke mode holds the slot: the writer cannot run until the sensor has timed out', async () => {
    const r = await run('slot_poke');
    expect(r.state).toBe('failed');
    const sensor = r.ti('wait_for_file');
    const maker = r.ti('make_file');
    expect([sensor.state, maker.state]).toEqual(['failed', 'success']);
    expect(maker.startedAt?.getTime()).toBeGreaterThanOrEqual(sensor.endedAt?.getTime() ?? Infinity);
    const attempts = await r.attempts('wait_for_file');
    expect(attempts.map((a) => [a.tryNumber, a.outcome])).toEqual([[1, 'timed_out']]);
    expect(attempts[0]?.error).toMatch(/^sensor timed out after 1 s/);
  });

  it('times out counted from the first poke across reschedules, and does not retry', async () => {
    const r = await run('never');
    expect(r.state).toBe('failed');
    expect(r.ti('never')).toMatchObject({ state: 'failed', tryNumber: 1, maxTries: 3 });
    const attempts = await r.attempts('never');
    expect(attempts.map((a) => [a.tryNumber, a.outcome])).toEqual([[1, 'timed_out']]);
    expect(attempts[0]?.error).toMatch(/^sensor timed out after 1\.5 s \(timeout\)/);
    const pokes = (await r.xcom('never', 'sensor_pokes')) as number;
    expect(pokes).toBeGreaterThan(1);
    expect(attempts[0]?.error).toContain(`after ${pokes} pokes`);
    // Each falsy poke but the last was logged with its next poke, all under try 1.
    const logs = await h.database.db.taskLog.findMany({ where: { taskInstanceId: r.ti('never').id } });
    expect(logs.every((l) => l.tryNumber === 1)).toBe(true);
    expect(logs.filter((l) => /^poke \d+: not yet; next poke in/.test(l.message))).toHaveLength(pokes - 1);
  });

  it('a cleared sensor starts a fresh timeout from its next first poke', async () => {
    const r = await run('never');
    const before = r.ti('never');
    const { runId } = await h.database.db.dagRun.findUniqueOrThrow({ where: { id: r.id } });
    await h.engine.clear({ dagId: 'never', runId, taskIds: ['never'] });
    expect(await h.waitForRun(r.id)).toBe('failed');
    const after = await h.database.db.taskInstance.findUniqueOrThrow({ where: { id: before.id } });
    expect(after).toMatchObject({ state: 'failed', tryNumber: 2 });
    expect(after.firstPokeAt?.getTime()).toBeGreaterThan(before.endedAt?.getTime() ?? Infinity);
    const attempts = await r.attempts('never');
    expect(attempts.map((a) => [a.tryNumber, a.outcome])).toEqual([
      [1, 'timed_out'],
      [2, 'timed_out'],
    ]);
    expect(await r.xcom('never', 'sensor_pokes')).toBeGreaterThan(1);
  });

  it('softFail skips on timeout, and the skip reaches all_success downstream tasks', async () => {
    const r = await run('soft');
    expect(r.state).toBe('success');
    expect(r.ti('never')).toMatchObject({ state: 'skipped', tryNumber: 1 });
    expect(r.ti('after').state).toBe('skipped');
    expect((await r.attempts('never')).map((a) => a.outcome)).toEqual(['skipped']);
  });

  it('poke mode succeeds once a poke returns a value, which the downstream task receives', async () => {
    const r = await run('rows');
    expect(r.state).toBe('success');
    expect(r.ti('rows')).toMatchObject({ state: 'success', tryNumber: 1 });
    expect(await r.xcom('rows')).toEqual({ rows: 7 });
    expect(await r.xcom('rows', 'sensor_pokes')).toBe(3);
    expect(await r.xcom('total')).toBe(70);
    expect(r.ti('total').startedAt?.getTime()).toBeGreaterThanOrEqual(
      r.ti('rows').endedAt?.getTime() ?? Infinity,
    );
  });
});
