// Owns what a bench run is about: which parts to run (`npm run bench -- --only=hop,parse`, for
// iterating on one cost) and which commit is being measured.
import { execFileSync } from 'node:child_process';
import { repoRoot } from './processes.ts';

export type Part = 'hop' | 'throughput' | 'runs' | 'parse' | 'alerts' | 'ui' | 'pipeline';
const ALL_PARTS: readonly Part[] = ['hop', 'throughput', 'runs', 'parse', 'alerts', 'ui', 'pipeline'];

export function selectedParts(args: readonly string[]): Set<Part> {
  const index = args.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (index === -1) return new Set(ALL_PARTS);
  const arg = args[index] as string;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (args[index + 1] ?? '');
  const chosen = value.split(',').filter(Boolean);
  const unknown = chosen.filter((p) => !ALL_PARTS.includes(p as Part));
  if (unknown.length > 0 || chosen.length === 0) {
    process.stderr.write(`bench: --only takes a comma-separated list of ${ALL_PARTS.join(', ')}\n`);
    process.exit(2);
  }
  return new Set(chosen as Part[]);
}

/** The short commit, marked when tracked files have uncommitted changes. */
export function gitDescribe(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot })
      .toString()
      .trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return null;
  }
}
