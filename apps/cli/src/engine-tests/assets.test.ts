// Assets (data-aware scheduling), through real dag processor, scheduler and worker processes
// and the real `weir` CLI: a producing task's success records an asset event (with the extra it
// set); a DAG scheduled on assets runs once every asset it needs has a new event, at once, and
// each event set is consumed by exactly one run, even with two engines deciding at the same time
// and two events in one millisecond.
import { Engine } from '@weir/engine';
import { createRedis, TaskQueue } from '@weir/queue';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAGS: Record<string, string> = {
  'assets_common.ts': `
import { asset } from '@weir/sdk';
export const raw = asset({ uri: 's3://lake/raw/events', name: 'raw events', group: 'lake' });
export const dim = asset('postgres://warehouse/dim_users');
export const extra = asset('file:///exports/extra.csv');
`,
  'producer.ts': `
import { dag } from '@weir/sdk';
import { raw } from './assets_common.ts';
export default dag({ id: 'producer' }, (d) => {
  d.task('write', { outlets: [raw] }, async (ctx) => {
    ctx.outlets.extra(raw, { partition: 'dt=2026-01-01', rows: 3 });
    return 3;
  });
});`,
  'consumer_all.ts': `
import { dag } from '@weir/sdk';
import { dim, raw } from './assets_common.ts';
export default dag({ id: 'consumer_all', schedule: [raw, dim] }, (d) => {
  d.task('read', async (ctx) => ctx.triggeringAssetEvents.map((e) => ({ uri: e.uri, extra: e.extra, from: e.source?.dagId ?? null })));
});`,
  'consumer_any.ts': `
import { allOf, anyOf, dag } from '@weir/sdk';
import { dim, extra, raw } from './assets_common.ts';
export default dag({ id: 'consumer_any', schedule: anyOf(extra, allOf(raw, dim)), maxActiveRuns: 16 }, (d) => {
  d.task('read', async (ctx) => ctx.triggeringAssetEvents.length);
});`,
  'either.ts': `
import { dag } from '@weir/sdk';
import { extra } from './assets_common.ts';
export default dag({ id: 'either', schedule: { cron: '0 0 1 1 *', or: [extra] }, startDate: '2026-01-01' }, (d) => {
  d.task('read', async (ctx) => ctx.triggeringAssetEvents.map((e) => e.uri));
});`,
};

describe('assets', () => {
  let h: Harness;
  const runsOf = (dagId: string) =>
    h.database.db.dagRun.findMany({ where: { dagId, runType: 'asset_triggered' }, orderBy: { id: 'asc' } });
  const outputOf = async (dagRunId: number) =>
    (await h.database.db.xCom.findFirst({ where: { taskInstance: { dagRunId }, taskId: 'read' } }))?.value;

  beforeAll(async () => {
    h = await startHarness();
    for (const [file, source] of Object.entries(DAGS)) h.writeDag(file, source);
    const report = await h.processor.processOnce();
    expect(report.parsed.filter((p) => p.importError).map((p) => p.importError)).toEqual([]);
    h.start('worker', '--concurrency', '4');
    h.start('scheduler');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("records an asset event with a producing try's success, with the extra it set", async () => {
    const run = await h.engine.trigger({ dagId: 'producer' });
    expect(await h.waitForRun(run.id)).toBe('success');
    const events = await h.database.db.assetEvent.findMany({
      where: { asset: { uri: 's3://lake/raw/events' } },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      extra: { partition: 'dt=2026-01-01', rows: 3 },
      sourceDagId: 'producer',
      sourceRunId: run.runId,
      sourceTaskId: 'write',
      sourceMapIndex: -1,
    });
    // consumer_all needs dim too; consumer_any needs extra, or raw and dim.
    expect(await runsOf('consumer_all')).toHaveLength(0);
    expect(await runsOf('consumer_any')).toHaveLength(0);
  }, 60_000);

  it('runs a DAG at once when all its assets have new events, with the events in its context', async () => {
    const touched = await runWeir(
      ['assets', 'touch', 'postgres://warehouse/dim_users', '--extra', '{"batch":7}'],
      h.env,
    );
    expect(touched.stderr).toBe('');
    expect(touched.code).toBe(0);
    // The touch itself created the runs: no tick needed.
    expect(touched.stdout).toMatch(/created run asset_triggered__\S+ of DAG consumer_all/);
    expect(touched.stdout).toMatch(/created run asset_triggered__\S+ of DAG consumer_any/);
    const [run] = await runsOf('consumer_all');
    if (!run) throw new Error('no asset-triggered run of consumer_all');
    expect(await h.waitForRun(run.id)).toBe('success');
    expect(await outputOf(run.id)).toEqual([
      { uri: 's3://lake/raw/events', extra: { partition: 'dt=2026-01-01', rows: 3 }, from: 'producer' },
      { uri: 'postgres://warehouse/dim_users', extra: { batch: 7 }, from: null },
    ]);
    // Its logical date is the newest consumed event's time; the events it consumed are recorded.
    const newest = await h.database.db.assetEvent.findFirstOrThrow({
      where: { asset: { uri: 'postgres://warehouse/dim_users' } },
    });
    expect(run.logicalDate).toEqual(newest.timestamp);
    expect(await h.database.db.dagRunAssetEvent.count({ where: { dagRunId: run.id } })).toBe(2);
  }, 60_000);

  it('consumes each event set once: one asset alone does not run the DAG again', async () => {
    await h.engine.touchAsset('s3://lake/raw/events');
    await h.engine.tick();
    expect(await runsOf('consumer_all')).toHaveLength(1);
    await h.engine.touchAsset('postgres://warehouse/dim_users');
    expect(await runsOf('consumer_all')).toHaveLength(2);
  }, 60_000);

  it('two engines deciding at once create one run per event set, and events in one millisecond are not lost', async () => {
    const other = new Engine({
      db: h.database.db,
      queue: new TaskQueue({ connection: createRedis(h.redis.url), prefix: h.redis.prefix }),
    });
    const before = (await runsOf('consumer_any')).length;
    // Two events of `extra` with the same timestamp, recorded without deciding anything.
    const at = new Date('2026-06-01T12:00:00.123Z');
    for (let i = 0; i < 2; i++) {
      await h.database.db.assetEvent.create({
        data: { asset: { connect: { uri: 'file:///exports/extra.csv' } }, timestamp: at },
      });
      // Both engines decide at once (and the scheduler process may too): one run for this event.
      await Promise.all([h.engine.tick(), other.tick(), h.engine.tick()]);
    }
    const runs = (await runsOf('consumer_any')).slice(before);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.logicalDate)).toEqual([at, at]);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(2);
    const consumed = await h.database.db.dagRunAssetEvent.findMany({
      where: { dagRunId: { in: runs.map((r) => r.id) } },
    });
    expect(consumed).toHaveLength(2);
    // `either` ran for the same events, and keeps its cron schedule.
    const either = await runsOf('either');
    expect(either.length).toBeGreaterThanOrEqual(2);
    expect(
      (await h.database.db.dag.findUniqueOrThrow({ where: { dagId: 'either' } })).nextDagRunCreateAfter,
    ).not.toBeNull();
    for (const run of [...runs, ...either]) expect(await h.waitForRun(run.id)).toBe('success');
  }, 90_000);

  it('keeps the events of a paused DAG until it is unpaused', async () => {
    await h.engine.setPaused('consumer_all', true);
    const before = (await runsOf('consumer_all')).length;
    await h.engine.touchAsset('s3://lake/raw/events');
    await h.engine.touchAsset('postgres://warehouse/dim_users');
    expect(await runsOf('consumer_all')).toHaveLength(before);
    await h.engine.setPaused('consumer_all', false);
    await h.engine.tick();
    expect(await runsOf('consumer_all')).toHaveLength(before + 1);
  }, 60_000);

  it('lists assets with their lineage and events; an unknown asset is one line', async () => {
    const listed = await runWeir(['assets', 'list', '--json'], h.env);
    expect(listed.code).toBe(0);
    const assets = JSON.parse(listed.stdout) as {
      uri: string;
      producers: unknown[];
      consumers: string[];
      name: string;
    }[];
    expect(assets.map((a) => [a.uri, a.producers, a.consumers])).toEqual([
      ['file:///exports/extra.csv', [], ['consumer_any', 'either']],
      ['postgres://warehouse/dim_users', [], ['consumer_all', 'consumer_any']],
      ['s3://lake/raw/events', [{ dagId: 'producer', taskId: 'write' }], ['consumer_all', 'consumer_any']],
    ]);
    expect(assets.find((a) => a.uri === 's3://lake/raw/events')?.name).toBe('raw events');
    const events = await runWeir(['assets', 'events', 'postgres://warehouse/dim_users', '--json'], h.env);
    const parsed = JSON.parse(events.stdout) as { extra: unknown; consumedBy: { dagId: string }[] }[];
    expect(parsed.at(-1)?.extra).toEqual({ batch: 7 });
    expect(
      parsed
        .at(-1)
        ?.consumedBy.map((c) => c.dagId)
        .sort(),
    ).toEqual(['consumer_all', 'consumer_any']);
    const table = await runWeir(['assets', 'list'], h.env);
    expect(table.stdout).toContain('producer.write');
    const unknown = await runWeir(['assets', 'touch', 's3://nowhere'], h.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'weir: asset "s3://nowhere" is not known: no DAG names it (weir assets list shows the known ones)',
    );
    const bad = await runWeir(['assets', 'touch', 's3://lake/raw/events', '--extra', '[1]'], h.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('weir: --extra must be a JSON object');
  }, 60_000);
});
