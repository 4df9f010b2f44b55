// `weir dags check` as users run it: a type error in a DAG file is reported with its file and
// line before any task runs; a valid folder, and the repository's own dags/, pass.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const VALID_DAG = `import { dag, z } from '@weir/sdk';
export default dag({ id: 'valid', params: z.object({ digits: z.number().default(2) }) }, (d) => {
  const n = d.task('n', async () => 3.14159);
  d.task('format', { inputs: [n] }, async (ctx, value) => value.toFixed(ctx.params.digits));
});
`;

const TYPE_ERROR_DAG = `import { dag } from '@weir/sdk';

export default dag({ id: 'broken_types' }, (d) => {
  d.task('format', async () => {
    const n: string = process.env.N ?? '3';
    return n.toFixed(2);
  });
});
`;

describe('weir dags check', () => {
  let root: string;
  const folder = (name: string, files: Record<string, string>) => {
    const dir = join(root, name);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    return dir;
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'weir-dags-check-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes a valid folder and says how many files it checked', async () => {
    const dir = folder('valid', {
      'valid.ts': VALID_DAG,
      'lib/helpers.ts': 'export const two: number = 2;\n',
    });
    const result = await runWeir(['dags', 'check', '--dags-folder', dir]);
    expect(result).toMatchObject({ code: 0, stdout: '2 files OK\n', stderr: '' });
  });

  it('reports a type error with its file, line and column, and exits 1', async () => {
    const dir = folder('broken', { 'ok.ts': VALID_DAG.replace("'valid'", "'ok'"), 'bad.ts': TYPE_ERROR_DAG });
    const result = await runWeir(['dags', 'check'], { WEIR_DAGS_FOLDER: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^${dir}/bad\\.ts:6:14: Property 'toFixed' does not exist on type 'string'.*\\(TS\\d+\\)\n`),
    );
    expect(result.stdout).toMatch(/\n1 error in 1 file of 2 checked\n$/);
    const json = await runWeir(['dags', 'check', '--dags-folder', dir, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      files: 2,
      errors: [{ file: `${dir}/bad.ts`, line: 6, column: 14 }],
    });
  });

  it('refuses a folder that does not exist', async () => {
    const result = await runWeir(['dags', 'check', '--dags-folder', join(root, 'missing')]);
    expect(result).toMatchObject({
      code: 1,
      stderr: `weir: DAG folder ${join(root, 'missing')} does not exist\n`,
    });
  });

  it("passes the repository's bundled dags/", async () => {
    const dags = fileURLToPath(new URL('../../../../dags', import.meta.url));
    const result = await runWeir(['dags', 'check', '--dags-folder', dags]);
    expect(result.stdout).toMatch(/^\d+ files OK\n$/);
    expect(result.code).toBe(0);
  });
});
