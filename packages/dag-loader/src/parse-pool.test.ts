// Parsing DAG files in child processes: where an import failed (mapped to the .ts source),
// DAGs created but not exported, and a hanging file that does not hold the others up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverDagFiles } from './discover.ts';
import { parseDagFiles } from './parse-pool.ts';
import type { ParseResult } from './parse-protocol.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

async function parse(...files: string[]): Promise<Record<string, ParseResult>> {
  const stats = discoverDagFiles(dir).filter((f) => files.includes(f.path));
  const results = await parseDagFiles(stats, { timeoutMs: 20_000, concurrency: 2 });
  return Object.fromEntries(results.map((r) => [r.file.replace(`${dir}/`, ''), r]));
}

describe('parseDagFiles', () => {
  it('names the line and column of the .ts source where an import threw, in one line', async () => {
    // Types before the throw: were the stack not mapped through the source map, columns would
    // be those of the JavaScript esbuild emits (the type annotations stripped).
    const file = write(
      'throws.ts',
      [
        "import { dag } from '@weir/sdk';",
        'interface Conf { readonly limit: number }',
        'type Raw = string;',
        'const raw: Raw = \'{"limit":\';',
        'const conf: Conf = JSON.parse(raw);',
        "export default dag({ id: 'throws', schedule: null }, (d) => { d.task('t', async () => conf.limit); });",
      ].join('\n'),
    );
    const { 'throws.ts': result } = await parse(file);
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Unexpected end of JSON input/),
      location: { line: 5, column: 25 },
    });
    expect(result?.ok === false && result.stack).toContain('SyntaxError');
  });

  it('locates an error thrown inside the SDK at the DAG file line that called it', async () => {
    const file = write(
      'bad_id.ts',
      [
        "import { dag } from '@weir/sdk';",
        '',
        "export const x = dag({ id: 'no spaces allowed' }, () => {});",
      ].join('\n'),
    );
    const { 'bad_id.ts': result } = await parse(file);
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringContaining('DAG id "no spaces allowed" is invalid'),
      location: { line: 3, column: 18 },
    });
  });

  it('locates TypeScript and JavaScript syntax errors', async () => {
    const ts = write(
      'syntax.ts',
      "import { dag } from '@weir/sdk';\nconst n: number = 1;\nexport default {{{\n",
    );
    const mjs = write('syntax.mjs', 'const n = 1;\n\nexport default {{{\n');
    const results = await parse(ts, mjs);
    expect(results['syntax.ts']).toMatchObject({
      ok: false,
      message: 'Expected identifier but found "{"',
      location: { line: 3, column: 17 },
    });
    expect(results['syntax.mjs']).toMatchObject({
      ok: false,
      message: "Unexpected token '{'",
      location: { line: 3, column: 17 },
    });
  });

  it('reports DAGs the file creates but does not export, not those of modules it imports', async () => {
    write(
      'shared.ts',
      "import { dag } from '@weir/sdk';\nexport const helper = dag({ id: 'from_helper' }, (d) => { d.task('t', async () => 1); });\n",
    );
    const file = write(
      'forgot_export.ts',
      [
        "import { dag } from '@weir/sdk';",
        "import './shared.ts';",
        "dag({ id: 'forgotten', schedule: null }, (d) => { d.task('t', async () => 1); });",
        "export const kept = dag({ id: 'kept', schedule: null }, (d) => { d.task('t', async () => 1); });",
      ].join('\n'),
    );
    const { 'forgot_export.ts': result } = await parse(file);
    expect(result).toMatchObject({ ok: true, unexportedDagIds: ['forgotten'] });
    expect(result?.ok && result.dags.map((d) => d.dagId)).toEqual(['kept']);
  });

  it('hands on the other files while one hangs, from a lane that replaces the stuck one', async () => {
    const hangs = write('a_hangs.ts', 'await new Promise(() => {});\n');
    const good = ['b_good.ts', 'c_good.ts', 'd_good.ts'].map((name) =>
      write(
        name,
        `import { dag } from '@weir/sdk';\nexport default dag({ id: '${name.slice(0, -3)}' }, (d) => { d.task('t', async () => 1); });\n`,
      ),
    );
    const order: string[] = [];
    const stats = discoverDagFiles(dir).filter((f) => f.path === hangs || good.includes(f.path));
    // One lane: without a replacement the good files would wait behind the hanging one.
    const results = await parseDagFiles(stats, {
      timeoutMs: 8_000,
      concurrency: 1,
      slowAfterMs: 500,
      onResult: (r) => order.push(r.file.replace(`${dir}/`, '')),
    });
    expect(order).toEqual(['b_good.ts', 'c_good.ts', 'd_good.ts', 'a_hangs.ts']);
    expect(results.find((r) => r.file === hangs)).toMatchObject({
      ok: false,
      message: 'import timed out after 8 s',
    });
  }, 30_000);
});
