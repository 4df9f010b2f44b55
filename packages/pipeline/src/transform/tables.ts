// Owns the columns of every curated table, as DuckDB types: the warehouse's tables (names and
// columns exactly as the pipeline issue's contract spells them) and the transform's own state.
// The transform writes Parquet with these columns; the warehouse loader creates its tables from
// the same lists.

export const TABLE_COLUMNS = {
  events: [
    ['event_id', 'VARCHAR'],
    ['event_type', 'VARCHAR'],
    ['user_id', 'VARCHAR'],
    ['session_id', 'VARCHAR'],
    ['properties', 'JSON'],
    ['client_ts', 'TIMESTAMPTZ'],
    ['server_ts', 'TIMESTAMPTZ'],
    ['ingested_at', 'TIMESTAMPTZ'],
    ['loaded_at', 'TIMESTAMPTZ'],
    ['app_version', 'VARCHAR'],
    ['platform', 'VARCHAR'],
    ['schema_version', 'INTEGER'],
    ['device_type', 'VARCHAR'],
    ['geo_country', 'VARCHAR'],
    ['plan', 'VARCHAR'],
    ['weir_session_id', 'VARCHAR'],
  ],
  sessions: [
    ['weir_session_id', 'VARCHAR'],
    ['user_id', 'VARCHAR'],
    ['session_start', 'TIMESTAMPTZ'],
    ['session_end', 'TIMESTAMPTZ'],
    ['event_count', 'BIGINT'],
    ['duration_seconds', 'DOUBLE'],
  ],
  event_counts_1m: [
    ['window_start', 'TIMESTAMPTZ'],
    ['event_type', 'VARCHAR'],
    ['event_count', 'BIGINT'],
  ],
  active_users_5m: [
    ['window_start', 'TIMESTAMPTZ'],
    ['window_end', 'TIMESTAMPTZ'],
    ['active_users', 'BIGINT'],
  ],
  user_profiles: [
    ['user_id', 'VARCHAR'],
    ['plan', 'VARCHAR'],
    ['signup_date', 'DATE'],
  ],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

export type CuratedTable = keyof typeof TABLE_COLUMNS;
export const CURATED_TABLES = Object.keys(TABLE_COLUMNS) as CuratedTable[];

/** The transform's dedup index: one row per winning copy of an event_id, appended per run. */
export const INDEX_COLUMNS = [
  ['event_id', 'VARCHAR'],
  ['hour', 'TIMESTAMPTZ'],
  ['server_ts', 'TIMESTAMPTZ'],
  ['ingested_at', 'TIMESTAMPTZ'],
  ['copy_hash', 'VARCHAR'],
  ['user_id', 'VARCHAR'],
  ['client_ts', 'TIMESTAMPTZ'],
] as const;

export function columnList(columns: readonly (readonly [string, string])[]): string {
  return columns.map(([name, type]) => `${name} ${type}`).join(', ');
}

export function columnNames(columns: readonly (readonly [string, string])[]): string {
  return columns.map(([name]) => name).join(', ');
}

/** How many buckets the sessions table is split into, by a hash of user_id. */
export const SESSION_BUCKETS = 16;

/**
 * The bucket of a user as SQL over `column`: the first 32 bits of md5(user_id) modulo the bucket
 * count. md5 gives the same answer in DuckDB and PostgreSQL, so either warehouse can delete a
 * bucket's rows with the same predicate.
 */
export function bucketSql(column: string): string {
  return `(('0x' || substr(md5(${column}), 1, 8))::BIGINT % ${SESSION_BUCKETS})`;
}
