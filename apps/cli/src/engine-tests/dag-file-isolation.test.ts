// A DAG file that hangs or fails at import costs only itself: the dag processor stores the other
// files while it waits, `weir dags test` parses only the DAG's own file, import errors say
// file:line:column, and a DAG created but not exported is a warning in `weir dags list`.
import { writeFileSync } from 'node:fs';
import { DagProcessor } from '@weir/scheduler';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const good = (id: string) => `
import { dag } from '@weir/sdk';
export default dag({ id: '${id}', schedule: null, startDate: '2026-01-01' }, (d) => {
  d.task('only', async () => 1);
});
`;

describe('DAG files that cannot hold up the others', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores the other files while one is still importing', async () => {
    const { db } = h.database;
    // First in path order, so every other file is parsed after it started.
    h.writeDag('a_hangs.ts', 'await new Promise(() => {});\n');
    h.writeDag('b_first.ts', good('b_first'));
    h.writeDag('c_second.ts', good('c_second'));
    const processor = new DagProcessor({ db, folder: h.dir, importTimeoutMs: 15_000, concurrency: 1 });
    let passEnded = false;
    const pass = processor.processOnce().finally(() => {
      passEnded = true;
    });
    for (;;) {
      const stored = await db.dag.count({
        where: { dagId: { in: ['b_first', 'c_second'] }, isActive: true },
      });
      if (stored === 2 || passEnded) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Stored while the hanging file had not yet timed out (the pass is still waiting for it).
    expect(passEnded).toBe(false);
    expect(await db.importError.count()).toBe(0);
    const report = await pass;
    expect(report.parsed.map((p) => p.fileloc.replace(`${h.dir}/`, '')).sort()).toEqual([
      'a_hangs.ts',
      'b_first.ts',
      'c_second.ts',
    ]);
    expect(
      (await db.importError.findUnique({ where: { fileloc: `${h.dir}/a_hangs.ts` } }))?.message,
    ).toContain('import timed out after 15 s');
  }, 60_000);

  it('keeps path order for a DAG id two new files define, though the later one parses first', async () => {
    const { db } = h.database;
    // The first file takes a while; the second defines the same id and is ready long before it.
    h.writeDag('dup_a.ts', `await new Promise((r) => setTimeout(r, 3000));\n${good('dup')}`);
    h.writeDag('dup_b.ts', good('dup'));
    const processor = new DagProcessor({ db, folder: h.dir, importTimeoutMs: 15_000 });
    await processor.processFiles([`${h.dir}/dup_a.ts`, `${h.dir}/dup_b.ts`]);
    expect((await db.dag.findUnique({ where: { dagId: 'dup' } }))?.fileloc).toBe(`${h.dir}/dup_a.ts`);
    expect((await db.importError.findUnique({ where: { fileloc: `${h.dir}/dup_b.ts` } }))?.message).toMatch(
      /DAG id "dup" is already defined in .*dup_a\.ts/,
    );
  }, 60_000);

  it('`weir dags test` runs a valid DAG without waiting for an unrelated file that hangs', async () => {
    h.writeDag('zz_valid.ts', good('valid'));
    h.writeDag('aa_hangs_forever.ts', 'while (true) {}\n');
    // Waiting for the hanging file's import would take 60 s, longer than this test may run.
    const env = { ...h.env, WEIR_DAG_IMPORT_TIMEOUT_MS: '60000' };
    const first = await runWeir(['dags', 'test', 'valid'], env, 50_000);
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(': success') });
    // Now PostgreSQL knows its file: a second test parses that file directly.
    const stored = await h.database.db.dag.findUnique({ where: { dagId: 'valid' } });
    expect(stored?.fileloc).toBe(`${h.dir}/zz_valid.ts`);
    const second = await runWeir(['dags', 'test', 'valid'], env, 50_000);
    expect(second.code, second.stderr).toBe(0);
  }, 120_000);

  it('finds a DAG that moved to another file than the one stored', async () => {
    const env = { ...h.env, WEIR_DAG_IMPORT_TIMEOUT_MS: '60000' };
    // valid's stored file no longer defines it; the id now lives in another file.
    writeFileSync(`${h.dir}/zz_valid.ts`, good('valid_renamed'));
    h.writeDag('zy_valid_moved.ts', good('valid'));
    const moved = await runWeir(['dags', 'test', 'valid'], env, 50_000);
    expect(moved.code, moved.stderr).toBe(0);
    expect((await h.database.db.dag.findUnique({ where: { dagId: 'valid' } }))?.fileloc).toBe(
      `${h.dir}/zy_valid_moved.ts`,
    );
  }, 120_000);

  it('stores import errors as file:line:column and warns of a DAG created but not exported', async () => {
    const { db } = h.database;
    const dir = h.dir;
    h.writeDag(
      'conf_parse.ts',
      [
        "import { dag } from '@weir/sdk';",
        'interface Settings { readonly limit: number }',
        'const settings: Settings = JSON.parse(\'{"limit":\');',
        "export default dag({ id: 'conf_parse' }, (d) => { d.task('t', async () => settings.limit); });",
      ].join('\n'),
    );
    h.writeDag(
      'unexported.ts',
      "import { dag } from '@weir/sdk';\n\ndag({ id: 'lonely', schedule: null }, (d) => { d.task('t', async () => 1); });\n",
    );
    const processor = new DagProcessor({ db, folder: dir, importTimeoutMs: 15_000 });
    await processor.processFiles([`${dir}/conf_parse.ts`, `${dir}/unexported.ts`]);
    const error = await db.importError.findUniqueOrThrow({ where: { fileloc: `${dir}/conf_parse.ts` } });
    expect(error.message).toBe(`${dir}/conf_parse.ts:3:33: Unexpected end of JSON input`);
    expect(error.stackTrace).toContain('SyntaxError: Unexpected end of JSON input');
    const warning = await db.importError.findUniqueOrThrow({ where: { fileloc: `${dir}/unexported.ts` } });
    expect(warning.message).toBe(
      `warning: ${dir}/unexported.ts creates DAG "lonely" but does not export it; add \`export default\``,
    );

    // `dags list` parses the files never stored first, the earlier tests' hanging file too: it
    // waits the import timeout for that one, so keep it short here.
    const listed = await runWeir(['dags', 'list'], { ...h.env, WEIR_DAG_IMPORT_TIMEOUT_MS: '3000' });
    expect(listed.code).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines).toContain(`  ${dir}/conf_parse.ts:3:33: Unexpected end of JSON input`);
    expect(lines).toContain('warnings (1):');
    expect(lines).toContain(`  ${warning.message}`);

    // Exporting it clears the warning.
    writeFileSync(`${dir}/unexported.ts`, good('lonely'));
    await processor.processFiles([`${dir}/unexported.ts`]);
    expect(await db.importError.findUnique({ where: { fileloc: `${dir}/unexported.ts` } })).toBeNull();
    expect((await db.dag.findUnique({ where: { dagId: 'lonely' } }))?.isActive).toBe(true);
  }, 60_000);
});
