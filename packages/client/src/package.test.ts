// What `npm pack` publishes: a copy of this package is packed in a temporary folder (so the
// workspace's package.json is never swapped under other tests), then the tarball is checked the way
// a consumer meets it — exports point at dist/, the JavaScript imports nothing but its own files
// (no node: builtins, no Node globals, so browsers and bundlers take it as it is), and plain Node,
// without tsx, imports it and delivers an event to a real HTTP server.
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector, TEST_WRITE_KEY } from './test-support/fake-collector.ts';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoNodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));

let work: string;
let installed: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'weir-client-pack-'));
  const copy = join(work, 'client');
  for (const entry of ['package.json', 'tsconfig.build.json', 'README.md', 'src', 'scripts']) {
    cpSync(join(pkgDir, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(repoNodeModules, join(copy, 'node_modules'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: copy,
    encoding: 'utf8',
  });
  const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
  if (!packed) throw new Error(`npm pack printed no tarball: ${out}`);
  const { filename } = packed;
  // A consumer project with the tarball unpacked where npm would put it.
  const project = join(work, 'consumer');
  installed = join(project, 'node_modules/@weir/client');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(work, filename), '-C', installed, '--strip-components=1']);
  // prepack swapped the manifest for the publishing one; postpack must have put it back.
  expect(readFileSync(join(copy, 'package.json'), 'utf8')).toBe(
    readFileSync(join(pkgDir, 'package.json'), 'utf8'),
  );
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

describe('the published package', () => {
  it('exports the compiled dist/ with types and has no dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@weir/client');
    expect(manifest.private).toBeUndefined();
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      import: './dist/index.js',
      default: './dist/index.js',
    });
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'README.md']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(readFileSync(join(installed, 'dist/index.d.ts'), 'utf8')).toContain('createClient');
  });

  it('imports only its own modules and uses no Node-only global', () => {
    const files = jsFiles(join(installed, 'dist'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map(
        (m) => m[1],
      );
      for (const specifier of specifiers) expect(specifier, file).toMatch(/^\.\/[\w-]+\.js$/);
      expect(code, file).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b|__dirname|node:/);
    }
  });
});

describe('plain Node with the published package', () => {
  let collector: FakeCollector;
  beforeAll(async () => {
    collector = await startFakeCollector();
  });
  afterAll(async () => {
    await collector.stop();
  });

  it('imports @weir/client without tsx and delivers events', async () => {
    const script = `
      import { createClient } from '@weir/client';
      const client = createClient({ endpoint: process.argv[1], writeKey: process.argv[2], platform: 'web' });
      for (let i = 0; i < 12; i++) client.track('node_smoke', { i }, { userId: 'u' + i });
      await client.close();
      console.log(JSON.stringify(client.stats()));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, collector.url, TEST_WRITE_KEY],
      { cwd: join(installed, '../../..') },
    );
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 12, failed: 0, queued: 0 });
    expect(collector.accepted.map((e) => e.properties.i)).toEqual([...Array(12).keys()]);
    expect(collector.requests).toHaveLength(2);
  });
});
