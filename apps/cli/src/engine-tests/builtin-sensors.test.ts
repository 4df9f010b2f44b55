// The built-in sensors through the real engine, configured only by the environment the worker
// already has: a reschedule-mode `sensors.lakeObject` waits for its logical date's `_SUCCESS`
// marker in a folder lake (WEIR_LAKE_URL), and `sensors.externalTask` waits for another DAG's
// task in the run with the same logical date (DATABASE_URL). Neither is satisfied by another
// day's marker or run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAGS = `
import { dag, sensors } from '@weir/sdk';

export const producer = dag({ id: 'producer' }, (d) => {
  d.task('build', async () => 'built');
});

export const consumer = dag({ id: 'consumer' }, (d) => {
  const partition = d.sensor('wait_for_partition', { mode: 'reschedule', pokeInterval: 0.1, timeout: '5m' },
    sensors.lakeObject({ key: (ctx) => \`raw/events/dt=\${ctx.logicalDate.toISOString().slice(0, 10)}/_SUCCESS\` }));
  const upstream = d.sensor('wait_for_producer', { mode: 'reschedule', pokeInterval: 0.1, timeout: '5m' },
    sensors.externalTask({ dagId: 'producer', taskId: 'build' }));
  d.task('transform', { inputs: [partition, upstream] }, async (_ctx, found, done) => ({ found, done }));
});
`;

const DAY = new Date('2026-03-04T00:00:00Z');
const PREVIOUS_DAY = new Date('2026-03-03T00:00:00Z');

describe('built-in sensors through the engine', () => {
  let h: Harness;
  let lake: string;
  const writeMarker = (day: Date) => {
    const folder = join(lake, `raw/events/dt=${day.toISOString().slice(0, 10)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '_SUCCESS'), '');
  };

  beforeAll(async () => {
    lake = mkdtempSync(join(tmpdir(), 'weir-lake-'));
    h = await startHarness({ WEIR_LAKE_URL: `${pathToFileURL(lake).href}/` });
    h.writeDag('pipeline.ts', DAGS);
    const report = await h.processor.processOnce();
    expect(report.parsed.map((p) => p.importError)).toEqual([null]);
    h.start('worker', '--concurrency', '4');
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    if (lake) rmSync(lake, { recursive: true, force: true });
  });

  /** Polls until `check` is true; fails with what it was waiting for and the processes' output. */
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting until ${what}\n${h.output()}`);
  };
  const ti = (dagRunId: number, taskId: string) =>
    h.database.db.taskInstance.findFirstOrThrow({ where: { dagRunId, taskId } });
  /** A value the engine stored for the task, or undefined while there is none (or no instance yet). */
  const xcom = async (dagRunId: number, taskId: string, key = 'return_value') => {
    const found = await h.database.db.taskInstance.findFirst({ where: { dagRunId, taskId } });
    if (!found) return undefined;
    return (await h.database.db.xCom.findFirst({ where: { taskInstanceId: found.id, key } }))?.value;
  };
  const stateOf = async (dagRunId: number, taskId: string) =>
    (await h.database.db.taskInstance.findFirst({ where: { dagRunId, taskId } }))?.state;

  it('waits for the logical date’s lake marker and the same-date run of the other DAG, then runs downstream', async () => {
    // Another day's marker and a finished producer run for another day satisfy nothing.
    writeMarker(PREVIOUS_DAY);
    const earlier = await h.engine.trigger({ dagId: 'producer', logicalDate: PREVIOUS_DAY });
    expect(await h.waitForRun(earlier.id)).toBe('success');

    const consumer = await h.engine.trigger({ dagId: 'consumer', logicalDate: DAY });
    // The count goes up as a poke begins, so a third poke has begun only after the first two came
    // back "not yet" (the second may still be looking when the count reads 2).
    await until('both sensors have poked and found nothing', async () => {
      const pokes = await Promise.all(
        ['wait_for_partition', 'wait_for_producer'].map((t) => xcom(consumer.id, t, 'sensor_pokes')),
      );
      return pokes.every((n) => typeof n === 'number' && n >= 3);
    });
    expect(await stateOf(consumer.id, 'transform')).toBe('none');

    const markerWrittenAt = new Date();
    writeMarker(DAY);
    await until(
      'the lake sensor succeeds',
      async () => (await stateOf(consumer.id, 'wait_for_partition')) === 'success',
    );
    expect(await stateOf(consumer.id, 'wait_for_producer')).not.toBe('success');
    expect(await stateOf(consumer.id, 'transform')).toBe('none');

    const today = await h.engine.trigger({ dagId: 'producer', logicalDate: DAY });
    expect(await h.waitForRun(today.id)).toBe('success');
    expect(await h.waitForRun(consumer.id)).toBe('success');

    const partition = await ti(consumer.id, 'wait_for_partition');
    const upstream = await ti(consumer.id, 'wait_for_producer');
    const transform = await ti(consumer.id, 'transform');
    const build = await ti(today.id, 'build');
    for (const sensor of [partition, upstream])
      expect(sensor).toMatchObject({ state: 'success', tryNumber: 1 });
    expect([transform.state, build.state]).toEqual(['success', 'success']);
    // The lake sensor was waiting before the marker existed and finished after it appeared.
    expect(partition.firstPokeAt?.getTime()).toBeLessThan(markerWrittenAt.getTime());
    expect(partition.endedAt?.getTime()).toBeGreaterThanOrEqual(markerWrittenAt.getTime());
    // The external task sensor finished only after the same-date producer task did.
    expect(upstream.endedAt?.getTime()).toBeGreaterThanOrEqual(build.endedAt?.getTime() ?? Infinity);
    expect(transform.startedAt?.getTime()).toBeGreaterThanOrEqual(
      Math.max(partition.endedAt?.getTime() ?? Infinity, upstream.endedAt?.getTime() ?? Infinity),
    );
    expect(await xcom(consumer.id, 'transform')).toEqual({ found: true, done: true });
    expect(await xcom(consumer.id, 'wait_for_partition', 'sensor_pokes')).toBeGreaterThan(2);
    expect(await xcom(consumer.id, 'wait_for_producer', 'sensor_pokes')).toBeGreaterThan(2);
  });
});
