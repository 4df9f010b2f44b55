// Owns saying where in a DAG file its import failed, from the error alone: esbuild's transform
// errors (TypeScript syntax) carry a location, thrown errors a stack whose frames Node maps back
// to the .ts source through tsx's source maps, and a JavaScript syntax error is located by
// `node --check`. The message becomes one line, so each import error is one line.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './parse-protocol.ts';

export interface LocatedError {
  readonly message: string;
  readonly location: SourceLocation | null;
}

export function locateImportError(error: Error, file: string): LocatedError {
  const transform = transformErrorIn(error.message, file);
  if (transform) return transform;
  const frame = firstFrameIn(error.stack ?? '', file);
  if (frame) return { message: oneLine(error.message), location: frame };
  if (error.name === 'SyntaxError') return { message: oneLine(error.message), location: checkSyntax(file) };
  return { message: oneLine(error.message), location: null };
}

/**
 * esbuild's "Transform failed with 1 error:\n<file>:3:16: ERROR: <text>" (the error crosses from
 * tsx's loader thread as text; its structured `errors` do not survive). esbuild's columns are
 * 0-based; editors' and V8's are 1-based.
 */
function transformErrorIn(message: string, file: string): LocatedError | null {
  for (const line of message.split('\n')) {
    const match = /^(.+):(\d+):(\d+): ERROR: (.+)$/.exec(line.trim());
    if (match && framePath(match[1] ?? '') === file)
      return {
        message: oneLine(match[4] ?? ''),
        location: { line: Number(match[2]), column: Number(match[3]) + 1 },
      };
  }
  return null;
}

/** The first stack frame in `file` (a path or file: URL, maybe with ?v=… from the loader). */
export function firstFrameIn(stack: string, file: string): SourceLocation | null {
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const [, where = '', row = '', column = ''] = match;
    if (framePath(where) === file) return { line: Number(row), column: Number(column) };
  }
  return null;
}

function framePath(where: string): string {
  if (!where.startsWith('file:')) return where.replace(/\?.*$/, '');
  try {
    return fileURLToPath(where.replace(/\?.*$/, ''));
  } catch {
    return where;
  }
}

/** V8's own view of a JavaScript file's syntax error: `file:LINE`, the line, a caret under the column. */
function checkSyntax(file: string): SourceLocation | null {
  const checked = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const lines = (checked.stderr ?? '').split('\n');
  const at = lines.findIndex((l) => /:\d+$/.test(l) && framePath(l.replace(/:\d+$/, '')) === file);
  if (at < 0) return null;
  const line = Number(/:(\d+)$/.exec(lines[at] ?? '')?.[1]);
  const caret = lines[at + 2]?.indexOf('^') ?? -1;
  return { line, column: caret >= 0 ? caret + 1 : 1 };
}

function oneLine(message: string): string {
  return message
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
}
