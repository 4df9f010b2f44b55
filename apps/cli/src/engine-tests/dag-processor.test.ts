// The dag processor: broken, hanging and duplicate DAG files next to good ones; changes and
// removals; DAG files outside the repository importing @weir/sdk.
import { rmSync, writeFileSync } from 'node:fs';
import { DagProcessor } from '@weir/scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const good = (id: string, extra = '') => `
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', schedule: '@daily', startDate: '2026-01-01'${extra} }, (d) => {
  d.task('only', async () => 1);
});
`;

describe('dag processor', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records broken, hanging and duplicate files as import errors while good DAGs load', async () => {
    h.writeDag('good_one.ts', good('good_one'));
    h.writeDag('good_two.ts', good('good_two'));
    h.writeDag('syntax.ts', 'export default {{{');
    h.writeDag('throws.ts', "throw new Error('cannot reach the config service');");
    h.writeDag('hangs.ts', 'while (true) {}');
    h.writeDag('later_duplicate.ts', good('good_one')); // first file in path order keeps the id
    h.writeDag('bad_cron.ts', good('bad_cron').replace("'@daily'", "'61 * * * *'"));
    const processor = new DagProcessor({ db: h.database.db, folder: h.dir, importTimeoutMs: 3_000 });
    await processor.processOnce();

    const dags = await h.database.db.dag.findMany({ where: { isActive: true }, orderBy: { dagId: 'asc' } });
    expect(dags.map((d) => d.dagId)).toEqual(['good_one', 'good_two']);
    const errors = Object.fromEntries(
      (await h.database.db.importError.findMany()).map((e) => [
        e.fileloc.replace(`${h.dir}/`, ''),
        e.message,
      ]),
    );
    expect(Object.keys(errors).sort()).toEqual([
      'bad_cron.ts',
      'hangs.ts',
      'later_duplicate.ts',
      'syntax.ts',
      'throws.ts',
    ]);
    // Where it threw, as file:line:column (the folder is outside the working directory, so absolute).
    expect(errors['throws.ts']).toBe(`${h.dir}/throws.ts:1:7: cannot reach the config service`);
    expect(errors['hangs.ts']).toContain('import timed out after 3 s');
    expect(errors['later_duplicate.ts']).toMatch(/DAG id "good_one" is already defined in .*good_one\.ts/);
    expect(errors['bad_cron.ts']).toMatch(/DAG "bad_cron": /);
    expect(errors['syntax.ts']).toMatch(/^.*syntax\.ts:1:17: Expected identifier but found "\{"$/);
    const code = await h.database.db.dagCode.findUnique({ where: { fileloc: `${h.dir}/good_one.ts` } });
    expect(code?.source).toContain("id: 'good_one'");
  }, 60_000);

  it('re-parses a changed file, and fixes its import error', async () => {
    const processor = new DagProcessor({ db: h.database.db, folder: h.dir, importTimeoutMs: 3_000 });
    await processor.processOnce();
    writeFileSync(`${h.dir}/throws.ts`, good('was_broken'));
    writeFileSync(`${h.dir}/good_two.ts`, good('good_two', ", tags: ['changed']"));
    const report = await processor.processOnce();
    expect(report.parsed.map((p) => p.fileloc.replace(`${h.dir}/`, '')).sort()).toEqual([
      'good_two.ts',
      'throws.ts',
    ]);
    expect(
      await h.database.db.importError.findUnique({ where: { fileloc: `${h.dir}/throws.ts` } }),
    ).toBeNull();
    expect((await h.database.db.dag.findUnique({ where: { dagId: 'good_two' } }))?.tags).toEqual(['changed']);
    expect((await h.database.db.dag.findUnique({ where: { dagId: 'was_broken' } }))?.isActive).toBe(true);
  }, 60_000);

  it('marks the DAGs of a removed file inactive without deleting them', async () => {
    const processor = new DagProcessor({ db: h.database.db, folder: h.dir, importTimeoutMs: 3_000 });
    await processor.processOnce();
    rmSync(`${h.dir}/good_two.ts`);
    rmSync(`${h.dir}/hangs.ts`);
    const report = await processor.processOnce();
    expect(report.removed.map((f) => f.replace(`${h.dir}/`, '')).sort()).toEqual(['good_two.ts', 'hangs.ts']);
    const dag = await h.database.db.dag.findUnique({ where: { dagId: 'good_two' } });
    expect(dag).toMatchObject({ isActive: false, nextDagRunCreateAfter: null });
    expect(
      await h.database.db.importError.findUnique({ where: { fileloc: `${h.dir}/hangs.ts` } }),
    ).toBeNull();
  }, 60_000);

  it('writes nothing for a file parsed again unchanged, but keeps its DAG active and marks it parsed', async () => {
    const { db } = h.database;
    // Were the DAG stored again, its next run would be recomputed over this.
    const marker = new Date('2030-01-01T00:00:00Z');
    await db.dag.update({ where: { dagId: 'good_one' }, data: { nextDagRunCreateAfter: marker } });
    const before = await db.dag.findUniqueOrThrow({ where: { dagId: 'good_one' } });
    const code = await db.dagCode.findUniqueOrThrow({ where: { fileloc: `${h.dir}/good_one.ts` } });
    // A new processor parses every file again, as after a restart.
    await new DagProcessor({ db, folder: h.dir, importTimeoutMs: 3_000 }).processOnce();
    const after = await db.dag.findUniqueOrThrow({ where: { dagId: 'good_one' } });
    expect(after).toMatchObject({
      isActive: true,
      nextDagRunCreateAfter: marker,
      updatedAt: before.updatedAt,
    });
    expect(after.lastParsedAt.getTime()).toBeGreaterThan(before.lastParsedAt.getTime());
    const codeAfter = await db.dagCode.findUniqueOrThrow({ where: { fileloc: `${h.dir}/good_one.ts` } });
    expect(codeAfter.updatedAt).toEqual(code.updatedAt);
  }, 60_000);

  it('hands a DAG id over between files in one pass and schedules it after its last scheduled run', async () => {
    const { db } = h.database;
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    h.writeDag('mover_a.ts', good('mover', ', catchup: true'));
    const processor = new DagProcessor({ db, folder: h.dir, importTimeoutMs: 3_000 });
    await processor.processOnce();
    const run = { dagId: 'mover', state: 'success' as const };
    await db.dagRun.create({
      data: {
        ...run,
        runId: 'scheduled__5',
        runType: 'scheduled',
        logicalDate: day(5),
        dataIntervalStart: day(5),
        dataIntervalEnd: day(6),
      },
    });
    await db.dagRun.create({
      data: { ...run, runId: 'manual__20', runType: 'manual', logicalDate: day(20) },
    });
    // mover_a.ts comes first in path order: it lets go of the id before mover_b.ts asks for it.
    writeFileSync(`${h.dir}/mover_a.ts`, good('mover_stays'));
    h.writeDag('mover_b.ts', good('mover', ', catchup: true'));
    const report = await processor.processOnce();
    expect(report.parsed.filter((p) => p.importError)).toEqual([]);
    expect(await db.dag.findUnique({ where: { dagId: 'mover' } })).toMatchObject({
      fileloc: `${h.dir}/mover_b.ts`,
      isActive: true,
      nextDagRunLogicalDate: day(6),
      nextDagRunCreateAfter: day(7),
    });
    expect((await db.dag.findUnique({ where: { dagId: 'mover_stays' } }))?.isActive).toBe(true);
  }, 60_000);
});
