// Owns the question "does PostgreSQL answer at this URL?", for health checks and start-up.
import pg from 'pg';

export type PingResult = { ok: true; latencyMs: number; version: string } | { ok: false; error: string };

/** Connects, runs one query and disconnects; never throws and never waits past `timeoutMs`. */
export async function pingDatabase(connectionString: string, timeoutMs = 5_000): Promise<PingResult> {
  const started = performance.now();
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  try {
    await client.connect();
    const result = await client.query<{ v: string }>('select current_setting($1) as v', ['server_version']);
    return { ok: true, latencyMs: performance.now() - started, version: result.rows[0]?.v ?? 'unknown' };
  } catch (error) {
    return { ok: false, error: describeConnectError(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A short reason for a failed connection: the error code when there is one, else the message. */
export function describeConnectError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeConnectError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || String(error);
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}

/** host:port of a connection string, for error messages that must not show the password. */
export function databaseAddress(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
