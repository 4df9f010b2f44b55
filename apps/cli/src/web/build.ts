// Owns deciding whether the Next.js app must be (re)built, and building it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from '../errors.ts';
import { installRoot, paths } from '../paths.ts';

const STAMP = '.weir-build-stamp';
const SKIP = new Set(['node_modules', '.next', 'generated', '.turbo']);

/** A fingerprint of every source file the web build depends on (names, sizes, mtimes). */
export function webSourceFingerprint(): string {
  const hash = createHash('sha256');
  const roots = [
    paths.webApp,
    ...readdirSync(join(installRoot, 'packages')).map((p) => join(installRoot, 'packages', p, 'src')),
  ];
  for (const root of roots)
    walk(root, (file) => {
      const stat = statSync(file);
      hash.update(`${relative(installRoot, file)}:${stat.size}:${stat.mtimeMs}\n`);
    });
  hash.update(readFileSync(paths.schema));
  return hash.digest('hex');
}

function walk(dir: string, visit: (file: string) => void): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (SKIP.has(entry.name) || entry.name.endsWith('.test.ts')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, visit);
    else visit(full);
  }
}

export function webBuildIsCurrent(): boolean {
  const stampFile = join(paths.webApp, '.next', STAMP);
  return (
    existsSync(join(paths.webApp, '.next', 'BUILD_ID')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === webSourceFingerprint()
  );
}

/** Runs `next build`, streaming its output through `onLine`. */
export async function buildWeb(onLine: (line: string) => void): Promise<void> {
  const fingerprint = webSourceFingerprint();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [nextBin(), 'build'], {
      cwd: paths.webApp,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) onLine(line);
      });
    }
    child.on('exit', resolve);
  });
  if (code !== 0)
    throw new CliError(`building the web UI failed (next build exited with ${code}); see the lines above`);
  writeFileSync(join(paths.webApp, '.next', STAMP), fingerprint);
}

export function nextBin(): string {
  return join(installRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
}
