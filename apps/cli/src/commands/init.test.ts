// `weir init` as an author outside the repository runs it: the project it makes type-checks,
// its test passes with nothing installed, and nothing is ever overwritten.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkEntry = fileURLToPath(new URL('../../../../packages/sdk/src/index.ts', import.meta.url));

function npmTest(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['test'], { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('weir init', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'weir-init-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('scaffolds a project whose DAG type-checks and whose test passes offline', async () => {
    const dir = join(root, 'my-dags');
    const result = await runWeir(['init', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Created a Weir DAG project in ${dir}:`);
    expect(result.stdout).toContain('npm link');
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, paths: { '@weir/sdk': [sdkEntry] } });
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('my-dags');

    const check = await runWeir(['dags', 'check', '--dags-folder', join(dir, 'dags')]);
    expect(check).toMatchObject({ code: 0, stdout: '2 files OK\n' });
    const tested = await npmTest(dir);
    expect(tested.output).toMatch(/# pass 3\n# fail 0/);
    expect(tested.code).toBe(0);
    const task = await runWeir(
      ['tasks', 'test', 'hello', 'greet', '--map-index', '1', '--inputs', '{"names":["ada","grace"]}'],
      {
        WEIR_DAGS_FOLDER: join(dir, 'dags'),
      },
    );
    expect(task.stdout).toBe('"hello, grace"\n');
  }, 120_000);

  it("fails the project's test when an expectation breaks", async () => {
    const dir = join(root, 'breaks');
    expect((await runWeir(['init', dir])).code).toBe(0);
    const file = join(dir, 'dags', 'hello.test.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("['names', []]", "['names', ['x']]"));
    const tested = await npmTest(dir);
    expect(tested.code).not.toBe(0);
    expect(tested.output).toMatch(/# fail 1/);
  }, 120_000);

  it('refuses to overwrite existing files and writes nothing', async () => {
    const dir = join(root, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}\n');
    const result = await runWeir(['init', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weir: ${dir} already has package.json; weir init never overwrites files: choose another folder or move them away\n`,
    );
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    expect(existsSync(join(dir, 'dags'))).toBe(false);
  });
});
