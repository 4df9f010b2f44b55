// Owns the package.json that `npm pack` / `npm publish` put in the tarball. In the workspace the
// package exports its TypeScript source (./src/index.ts), like every Weir package, so tsx, vitest and
// Next use it without a build; the published package must export the compiled dist/ instead.
// `prepare` (npm's prepack) builds dist/ and swaps in the publishing manifest; `restore` (postpack)
// puts the workspace manifest back. If a pack fails in between, `npm run postpack -w @weir/client`
// restores it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(pkgDir, 'package.json');
const backupPath = join(pkgDir, 'package.json.workspace');

export function publishManifest(workspace) {
  // Workspace-only fields: the source export, and test-only devDependencies that are never published.
  // Its scripts build from src/, which is not published.
  const { exports: _source, devDependencies: _dev, scripts: _scripts, ...rest } = workspace;
  return {
    ...rest,
    main: './dist/index.js',
    module: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
    },
  };
}

function prepare() {
  if (existsSync(backupPath)) restore();
  rmSync(join(pkgDir, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.build.json')], { stdio: 'inherit' });
  const text = readFileSync(manifestPath, 'utf8');
  writeFileSync(backupPath, text);
  writeFileSync(manifestPath, `${JSON.stringify(publishManifest(JSON.parse(text)), null, 2)}\n`);
}

function restore() {
  if (existsSync(backupPath)) renameSync(backupPath, manifestPath);
}

const command = process.argv[2];
if (command === 'prepare') prepare();
else if (command === 'restore') restore();
else if (command !== undefined) {
  console.error(`publish-manifest: unknown command ${command} (prepare | restore)`);
  process.exit(2);
}
