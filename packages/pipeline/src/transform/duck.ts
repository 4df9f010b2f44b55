// Owns one DuckDB session for a transform run: an in-memory database in UTC with a private
// temporary folder, and the SQL quoting helpers. DuckDB reads and writes only local files here
// (its httpfs extension cannot be downloaded on these machines): the run stages lake objects in
// that folder and uploads what DuckDB writes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface DuckSession {
  readonly dir: string;
  run(sql: string): Promise<void>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Called after each statement with its SQL and time, to see where a run goes. */
export type StatementTimer = (sql: string, ms: number) => void;

export async function openDuckSession(onStatement?: StatementTimer): Promise<DuckSession> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-transform-'));
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: join(dir, 'spill'),
    preserve_insertion_order: 'false',
  });
  const connection: DuckDBConnection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  const timed = async <T>(sql: string, work: () => Promise<T>): Promise<T> => {
    if (!onStatement) return work();
    const started = performance.now();
    const result = await work();
    onStatement(sql, performance.now() - started);
    return result;
  };
  return {
    dir,
    run: async (sql) => {
      await timed(sql, () => connection.run(sql));
    },
    rows: async <T>(sql: string) =>
      timed(sql, async () => (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[]),
    close: async () => {
      connection.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A SQL string literal. */
export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list of string literals, for read_parquet([...]) and IN (...). */
export function litList(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}

/** A TIMESTAMPTZ literal for an instant. */
export function tsLit(at: Date): string {
  return `${lit(at.toISOString())}::TIMESTAMPTZ`;
}
