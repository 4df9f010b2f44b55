// Owns the PostgreSQL connections of the built-in sensors: one small pool per database URL per
// process, created on first use and never closed.
//
// Why never closed: a poke function has no teardown hook, and in reschedule mode every poke is a
// separate try, so a pool per poke would connect (and authenticate) on each poke of each sensor.
// A shared pool keeps at most MAX_CONNECTIONS per URL whatever the number of sensors; idle
// connections close after IDLE_MS, so a worker whose sensors are done holds none; and
// `allowExitOnIdle` lets a process that is otherwise finished (`weir dags test`, `weir tasks
// test`) exit without anyone calling `end()`. The map lives on globalThis so that two copies of
// the SDK in one process (a DAG file that bundles its own) still share it. `pg` itself is loaded
// at the first query: every DAG file imports the SDK, and most never run one.
import type { Pool, QueryArrayResult, QueryResult, QueryResultRow } from 'pg';
import { messageOf, redactUrl, SensorError } from './sensor-error.ts';

const MAX_CONNECTIONS = 2;
const IDLE_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;
const POOLS = Symbol.for('weir.sdk.sensor-pools');

type Registry = Map<string, Pool>;
type Pg = typeof import('pg').default;

let loading: Promise<Pg> | undefined;
const loadPg = (): Promise<Pg> => {
  loading ??= import('pg').then((module) => module.default);
  return loading;
};

function registry(): Registry {
  const holder = globalThis as { [POOLS]?: Registry };
  holder[POOLS] ??= new Map();
  return holder[POOLS];
}

function poolFor(pg: Pg, url: string): Pool {
  const pools = registry();
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({
      connectionString: url,
      max: MAX_CONNECTIONS,
      idleTimeoutMillis: IDLE_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      allowExitOnIdle: true,
      application_name: 'weir-sensor',
    });
    // An idle connection that breaks (PostgreSQL restarted, the database dropped) is discarded
    // by the pool; without a listener its 'error' event would crash the worker.
    pool.on('error', () => {});
    pools.set(url, pool);
  }
  return pool;
}

/**
 * Runs one query on the shared pool for `url`. Date parameters are sent as ISO 8601 UTC, the
 * way Weir stores its `timestamp` columns (pg would otherwise send the process's local time, and
 * PostgreSQL drops the offset when it reads that into a `timestamp`).
 * Throws SensorError ('QUERY_FAILED' or 'DATABASE_UNAVAILABLE') naming the database, without
 * its password.
 */
export async function queryPostgres<R extends QueryResultRow = QueryResultRow>(
  url: string,
  text: string,
  params: readonly unknown[],
  what: string,
): Promise<QueryResult<R>> {
  return run(url, what, (pool) => pool.query<R>(text, prepare(params)));
}

/** As queryPostgres, with each row as an array of its cells (so duplicate column names are kept). */
export async function queryPostgresArrays(
  url: string,
  text: string,
  params: readonly unknown[],
  what: string,
): Promise<QueryArrayResult> {
  return run(url, what, (pool) => pool.query({ text, values: prepare(params), rowMode: 'array' }));
}

function prepare(params: readonly unknown[]): unknown[] {
  return params.map((value) => (value instanceof Date ? value.toISOString() : value));
}

async function run<T>(url: string, what: string, query: (pool: Pool) => Promise<T>): Promise<T> {
  const pg = await loadPg();
  try {
    return await query(poolFor(pg, url));
  } catch (error) {
    // The server's own errors carry a SQLSTATE; anything else means it was not reached.
    if (error instanceof pg.DatabaseError) {
      throw new SensorError(
        'QUERY_FAILED',
        `${what}: PostgreSQL at ${redactUrl(url)} refused the query: ${error.message} (SQLSTATE ${error.code})`,
        { cause: error },
      );
    }
    throw new SensorError(
      'DATABASE_UNAVAILABLE',
      `${what}: cannot query PostgreSQL at ${redactUrl(url)}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** DATABASE_URL from the environment, or a SensorError saying who needs it. */
export function databaseUrlFromEnv(what: string): string {
  const url = process.env.DATABASE_URL?.trim();
  if (!url) {
    throw new SensorError(
      'SENSOR_MISCONFIGURED',
      `${what} needs DATABASE_URL (Weir's PostgreSQL) in the worker's environment, and it is not set; ` +
        'set it (`weir standalone` sets it for the processes it starts)',
    );
  }
  return url;
}
