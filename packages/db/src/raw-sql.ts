// Owns raw SQL over node-postgres for the engine's hot path (claiming a try, recording its end,
// scheduling what it unblocks). Prisma's raw queries cost about 1.2 ms each here against 0.14 ms
// for node-postgres (measured with a 300-query loop), and a task hop makes about twenty of them.
// The interface mirrors Prisma's $queryRaw / $executeRaw / $transaction, so engine code reads
// the same. Timestamps are UTC both ways, as Prisma stores them (timestamp(3) without zone).
import pg from 'pg';

export interface RawSql {
  $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  $transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T>;
}

export interface RawSqlPool extends RawSql {
  end(): Promise<void>;
}

const TIMESTAMP_WITHOUT_ZONE = 1114;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_WITHOUT_ZONE
      ? (value: string) => new Date(`${value.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format as 'text'),
};

interface Compiled {
  /** Prepared-statement name: one per call site, so PostgreSQL parses and plans it once per connection. */
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
}

// A tagged template's strings array is the same object at every call of one call site, so it
// names the statement. Parsing and planning cost more than executing most hot-path statements.
const statementNames = new WeakMap<TemplateStringsArray, string>();
let statements = 0;

function compile(strings: TemplateStringsArray, values: readonly unknown[]): Compiled {
  let name = statementNames.get(strings);
  if (name === undefined) {
    name = `weir_${++statements}`;
    statementNames.set(strings, name);
  }
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  // Postgres ignores a zone given for a timestamp without time zone: send the UTC wall time.
  return { name, text, values: values.map((v) => (v instanceof Date ? v.toISOString() : v)) };
}

function over(run: (query: Compiled) => Promise<pg.QueryResult>): Omit<RawSql, '$transaction'> {
  return {
    async $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]) {
      return (await run(compile(strings, values))).rows as T;
    },
    async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]) {
      return (await run(compile(strings, values))).rowCount ?? 0;
    },
  };
}

export function createRawSql(
  connectionString: string,
  options: { maxConnections?: number } = {},
): RawSqlPool {
  // Hot-path statements are keyed by ids: a generic plan is as good as a custom one, and
  // re-planning each execution (PostgreSQL's default for the first five, and whenever it
  // guesses a custom plan is cheaper) cost more than executing a claim or finish batch.
  // Every hot-path statement is meant to probe indexes. With sequential scans off, a plan never
  // guesses that scanning the table finds a row sooner: on a table that is mostly one run (a
  // fresh install's first big mapped task), `dag_run_id = $1` looks like it matches everything,
  // and an EXISTS that finds nothing would then read the whole table.
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    types,
    options: '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off',
  });
  // A connection dropped by a PostgreSQL restart is discarded; the next query opens a new one.
  pool.on('error', () => {});
  const base = over((query) => pool.query(query));
  return {
    ...base,
    async $transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      // A checked-out client's lost connection is an 'error' event the pool does not listen for;
      // unheard, it ends the process. The statement under way rejects with it anyway.
      const lost = () => {
        broken = true;
      };
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const tx: RawSql = {
          ...over((query) => client.query(query)),
          $transaction: (inner) => inner(tx),
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}
