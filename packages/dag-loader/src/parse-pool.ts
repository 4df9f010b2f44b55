// Owns importing DAG files in separate processes with a per-file timeout. A file that hangs or
// crashes its process fails alone: parsing goes on with a fresh process, each result is handed
// on as soon as it is known, and a lane stuck on a slow file is replaced by another while it
// waits, so the other files are not held up by it.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DagFileStat } from './discover.ts';
import type { ParseResponse, ParseResult } from './parse-protocol.ts';

const ENTRY = fileURLToPath(new URL('./parse-child-entry.mjs', import.meta.url));

export interface ParseOptions {
  readonly timeoutMs: number;
  /** Child processes working at once, not counting those waiting on a slow file. */
  readonly concurrency: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Each file's result, as soon as it is known (before parseDagFiles returns). */
  readonly onResult?: (result: ParseResult) => void;
  /**
   * A file still importing after this long no longer counts against `concurrency`: another
   * process takes the next files meanwhile (at most `concurrency` such extra processes). Default 2 s.
   */
  readonly slowAfterMs?: number;
}

/** Parses every file; results come back in no particular order, one per file. */
export async function parseDagFiles(
  files: readonly DagFileStat[],
  options: ParseOptions,
): Promise<ParseResult[]> {
  const pool: Pool = { pending: [...files], results: [], busy: 0, alive: 0, lanes: [], options };
  const lanes = Math.max(1, Math.min(options.concurrency, pool.pending.length));
  for (let i = 0; i < lanes; i++) startLane(pool);
  // Lanes started later (replacing slow ones) join the list while we wait.
  for (let i = 0; i < pool.lanes.length; i++) await pool.lanes[i];
  return pool.results;
}

interface Pool {
  readonly pending: DagFileStat[];
  readonly results: ParseResult[];
  /** Lanes counted against concurrency: working, and not on a slow file. */
  busy: number;
  alive: number;
  readonly lanes: Promise<void>[];
  readonly options: ParseOptions;
}

function startLane(pool: Pool): void {
  pool.busy++;
  pool.alive++;
  pool.lanes.push(runLane(pool));
}

async function runLane(pool: Pool): Promise<void> {
  const { pending, options } = pool;
  let child: ChildProcess | undefined;
  let counted = true;
  const deliver = (result: ParseResult) => {
    pool.results.push(result);
    options.onResult?.(result);
  };
  try {
    for (;;) {
      if (!counted) {
        // Back from a slow file: go on only if the pool is short of lanes.
        if (pool.busy >= options.concurrency) break;
        pool.busy++;
        counted = true;
      }
      const file = pending.shift();
      if (!file) break;
      child ??= await startChild(options.env);
      const started = performance.now();
      const slow = setTimeout(() => {
        counted = false;
        pool.busy--;
        if (pending.length > 0 && pool.alive < 2 * options.concurrency) startLane(pool);
      }, options.slowAfterMs ?? 2_000);
      const outcome = await parseOne(child, file, options.timeoutMs);
      clearTimeout(slow);
      const durationMs = performance.now() - started;
      if (outcome.kind === 'response') {
        deliver({ ...outcome.response, durationMs });
        continue;
      }
      deliver({
        file: file.path,
        ok: false,
        message: outcome.message,
        stack: null,
        location: null,
        durationMs,
      });
      child.kill('SIGKILL');
      child = undefined;
    }
  } finally {
    if (counted) pool.busy--;
    pool.alive--;
    child?.kill('SIGTERM');
  }
}

type Outcome = { kind: 'response'; response: ParseResponse } | { kind: 'failed'; message: string };

function parseOne(child: ChildProcess, file: DagFileStat, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (message: ParseResponse) => {
      if (message.file === file.path) done({ kind: 'response', response: message });
    };
    const onExit = (code: number | null, signal: string | null) =>
      done({ kind: 'failed', message: `the process importing it exited (${signal ?? `code ${code}`})` });
    const timer = setTimeout(
      () => done({ kind: 'failed', message: `import timed out after ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs,
    );
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ file: file.path, version: file.version });
  });
}

function startChild(env: NodeJS.ProcessEnv | undefined): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY, [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', () => resolve(child));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`DAG parser process exited at start (code ${code})`)));
  });
}
