// Owns importing DAG files in separate processes with a per-file timeout. A file that hangs or
// crashes its process fails alone; parsing goes on with a fresh process.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DagFileStat } from './discover.ts';
import type { ParseResponse, ParseResult } from './parse-protocol.ts';

const ENTRY = fileURLToPath(new URL('./parse-child-entry.mjs', import.meta.url));

export interface ParseOptions {
  readonly timeoutMs: number;
  /** Child processes working at once. */
  readonly concurrency: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Parses every file; results come back in no particular order, one per file. */
export async function parseDagFiles(
  files: readonly DagFileStat[],
  options: ParseOptions,
): Promise<ParseResult[]> {
  const pending = [...files];
  const results: ParseResult[] = [];
  const lanes = Math.max(1, Math.min(options.concurrency, pending.length));
  await Promise.all(Array.from({ length: lanes }, () => runLane(pending, results, options)));
  return results;
}

async function runLane(pending: DagFileStat[], results: ParseResult[], options: ParseOptions): Promise<void> {
  let child: ChildProcess | undefined;
  try {
    for (let file = pending.shift(); file; file = pending.shift()) {
      child ??= await startChild(options.env);
      const started = performance.now();
      const outcome = await parseOne(child, file, options.timeoutMs);
      const durationMs = performance.now() - started;
      if (outcome.kind === 'response') {
        results.push({ ...outcome.response, durationMs });
        continue;
      }
      results.push({ file: file.path, ok: false, message: outcome.message, stack: null, durationMs });
      child.kill('SIGKILL');
      child = undefined;
    }
  } finally {
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
