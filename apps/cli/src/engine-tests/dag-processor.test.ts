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
    expect(errors['throws.ts']).toMatch(
      /^DAG file .*throws\.ts failed to import: cannot reach the config service$/,
    );
    expect(errors['hangs.ts']).toContain('import timed out after 3 s');
    expect(errors['later_duplicate.ts']).toMatch(/DAG id "good_one" is already defined in .*good_one\.ts/);
    expect(errors['bad_cron.ts']).toMatch(/DAG "bad_cron": /);
    expect(errors['syntax.ts']).toMatch(/failed to import/);
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
});
