// Owns how one try's log lines read as text and how they are searched: the downloaded file's line
// format (the same on the server that streams it and wherever a line is copied), the matching
// line indexes of a search over the loaded lines, and a line's message split around the matches.

export interface LogLineDto {
  /** ISO instant. */
  readonly at: string;
  /** debug, info, warn, error (ctx.log) or stdout, stderr (what the task printed). */
  readonly level: string;
  readonly message: string;
}

/** `2026-12-04T01:02:03.456Z INFO   message`: one line of a downloaded log. */
export function logLineText(line: { at: Date | string; level: string; message: string }): string {
  const at = typeof line.at === 'string' ? line.at : line.at.toISOString();
  return `${at} ${line.level.toUpperCase().padEnd(6)} ${line.message}`;
}

/** `01:02:03.456` (UTC, like every instant on the pages). */
export function clockTime(iso: string): string {
  return iso.slice(11, 23);
}

/** The indexes of the lines whose message or stream contains `query`, ignoring case. */
export function matchingLines(lines: readonly LogLineDto[], query: string): number[] {
  const needle = query.toLowerCase();
  if (needle === '') return [];
  const found: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LogLineDto;
    if (line.message.toLowerCase().includes(needle) || line.level === needle) found.push(i);
  }
  return found;
}

export interface Piece {
  readonly text: string;
  readonly match: boolean;
}

/** `message` cut into pieces, the ones equal to `query` (ignoring case) marked. */
export function highlightPieces(message: string, query: string): Piece[] {
  if (query === '') return [{ text: message, match: false }];
  const lower = message.toLowerCase();
  const needle = query.toLowerCase();
  const pieces: Piece[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) pieces.push({ text: message.slice(from, at), match: false });
    pieces.push({ text: message.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < message.length) pieces.push({ text: message.slice(from), match: false });
  return pieces;
}

/** A file name for a try's downloaded log: only characters every file system takes. */
export function logFileName(
  dagId: string,
  runId: string,
  taskId: string,
  mapIndex: number,
  tryNumber: number,
) {
  const part = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const mapped = mapIndex >= 0 ? `_${mapIndex}` : '';
  return `${part(dagId)}__${part(runId)}__${part(taskId)}${mapped}__try-${tryNumber}.log`;
}
