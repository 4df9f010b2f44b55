// Owns the first step of a run: reading the new raw parts and deciding, per event_id, which copy
// wins across all time. The winner is the copy with the earliest server_ts (then ingested_at,
// then a hash of its content, so that even two copies landed at the same instant pick one
// winner whatever order they are read in). Tables it leaves in the session:
//   cand       the best copy of each event_id among the new parts
//   winners    the copies of `cand` that beat every copy seen by earlier runs (new events, or a
//              better copy of an old one), with their event-time `hour`
//   replaced   the earlier runs' winners that lost to a copy in `winners` (id, hour, user, client_ts)
import type { DuckSession } from './duck.ts';
import { lit, litList } from './duck.ts';
import { columnList, INDEX_COLUMNS } from './tables.ts';

const RAW_COLUMNS = {
  event_id: 'VARCHAR',
  event_type: 'VARCHAR',
  user_id: 'VARCHAR',
  session_id: 'VARCHAR',
  properties: 'JSON',
  client_ts: 'VARCHAR',
  server_ts: 'VARCHAR',
  ingested_at: 'VARCHAR',
  app_version: 'VARCHAR',
  platform: 'VARCHAR',
  schema_version: 'INTEGER',
  device_type: 'VARCHAR',
  geo_country: 'VARCHAR',
};

const rawColumnsSql = `{${Object.entries(RAW_COLUMNS)
  .map(([name, type]) => `${name}: ${lit(type)}`)
  .join(', ')}}`;

const CAND_COLUMNS = Object.entries(RAW_COLUMNS)
  .map(([name, type]) => `${name} ${name.endsWith('_ts') || name === 'ingested_at' ? 'TIMESTAMPTZ' : type}`)
  .concat('copy_hash VARCHAR')
  .join(', ');

/** `a` sorts before `b` in the winner order (server_ts, ingested_at, copy_hash). */
const beats = (a: string, b: string) =>
  `(${a}.server_ts < ${b}.server_ts OR (${a}.server_ts = ${b}.server_ts AND (${a}.ingested_at < ${b}.ingested_at ` +
  `OR (${a}.ingested_at = ${b}.ingested_at AND ${a}.copy_hash < ${b}.copy_hash))))`;

export async function dedupNewParts(
  duck: DuckSession,
  rawFiles: readonly string[],
  indexFiles: readonly string[],
): Promise<void> {
  if (rawFiles.length === 0) {
    await duck.run(`CREATE TEMP TABLE cand (${CAND_COLUMNS})`);
  } else {
    // Rows that are not valid events (an id, a type, parseable timestamps) are not part of the set
    // the warehouse is a function of; the collector never lands them, so this only guards the SQL.
    await duck.run(`
    CREATE TEMP TABLE cand AS
    WITH typed AS (
      SELECT event_id, event_type, user_id, session_id, properties,
             TRY_CAST(client_ts AS TIMESTAMPTZ) AS client_ts,
             TRY_CAST(server_ts AS TIMESTAMPTZ) AS server_ts,
             TRY_CAST(ingested_at AS TIMESTAMPTZ) AS ingested_at,
             app_version, platform, schema_version, device_type, geo_country
      FROM read_json(${litList(rawFiles)}, format = 'newline_delimited', compression = 'gzip',
                     columns = ${rawColumnsSql})
    )
    SELECT * REPLACE (coalesce(ingested_at, server_ts) AS ingested_at),
           -- DuckDB's 64-bit hash of the content: only breaks ties between copies landed at the
           -- same instant, so it need not be cryptographic, only deterministic.
           lpad(hash(event_type, user_id, session_id, properties, client_ts, app_version, platform,
                     schema_version, device_type, geo_country)::VARCHAR, 20, '0') AS copy_hash
    FROM typed
    WHERE event_id IS NOT NULL AND event_type IS NOT NULL AND event_type <> ''
      AND client_ts IS NOT NULL AND server_ts IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY server_ts, coalesce(ingested_at, server_ts), copy_hash) = 1`);
  }

  await duck.run(`CREATE TEMP TABLE prior (${columnList(INDEX_COLUMNS)})`);
  if (indexFiles.length > 0) {
    await duck.run(`
      INSERT INTO prior BY NAME
      SELECT * FROM read_parquet(${litList(indexFiles)}, hive_partitioning = false)
      WHERE event_id IN (SELECT event_id FROM cand)
      QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY server_ts, ingested_at, copy_hash) = 1`);
  }
  await duck.run(`
    CREATE TEMP TABLE winners AS
    SELECT c.*, date_trunc('hour', c.client_ts) AS hour
    FROM cand c LEFT JOIN prior p USING (event_id)
    WHERE p.event_id IS NULL OR ${beats('c', 'p')}`);
  await duck.run(`
    CREATE TEMP TABLE replaced AS
    SELECT p.event_id, p.hour, p.user_id, p.client_ts,
           (p.user_id IS DISTINCT FROM w.user_id OR p.client_ts <> w.client_ts) AS moved
    FROM prior p JOIN winners w USING (event_id)`);
}

/** The new index part: the winners' ordering keys (written by the caller as Parquet). */
export const INDEX_PART_SQL = `SELECT event_id, hour, server_ts, ingested_at, copy_hash, user_id, client_ts FROM winners`;
