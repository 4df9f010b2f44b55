// Owns how commands print: aligned tables, JSON, dates, and the parsing of the options every
// listing shares (--limit, a state). Each command that prints a table also takes --json.
import { CliError } from '../errors.ts';

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd()}\n`;
  process.stdout.write(line(header));
  process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('-+-')}\n`);
  for (const row of rows) process.stdout.write(line(row));
}

/** JSON on stdout; Dates as ISO strings, bigints as numbers. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`);
}

/** A message on one line (an import error's text may hold several). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

/** A timestamp for a table cell: ISO in UTC, or empty when there is none. */
export function cell(date: Date | null | undefined): string {
  return date ? date.toISOString() : '';
}

/** A positive whole number option (--limit, --num), or a usage error naming it. */
export function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${option} must be a positive whole number, got "${text}"`, 2);
  return n;
}

/** A whole number ≥ min (--try, --map-index), or a usage error naming it. */
export function wholeNumber(text: string, option: string, min: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min)
    throw new CliError(`${option} must be a whole number ≥ ${min}, got "${text}"`, 2);
  return n;
}

/** One of `allowed`, or a usage error listing them. */
export function oneOf<S extends string>(text: string, allowed: readonly S[], option: string): S {
  if ((allowed as readonly string[]).includes(text)) return text as S;
  throw new CliError(`${option} must be one of ${allowed.join(', ')}, got "${text}"`, 2);
}

/**
 * An option whose value is a JSON object (--conf, --extra), or a usage error naming it. With
 * `secret`, the parser's message is left out: it quotes the text, which may hold secrets.
 */
export function jsonObjectOption(text: string, option: string, secret = false): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${option} is not valid JSON${secret ? '' : `: ${(error as Error).message}`}`, 2);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(`${option} must be a JSON object`, 2);
  return value as Record<string, unknown>;
}
