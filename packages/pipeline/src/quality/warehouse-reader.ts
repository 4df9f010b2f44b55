// The one thing the data-quality checks need from a warehouse: run a read-only SQL statement with
// positional parameters ($1, $2 …) and get rows back. DuckDB and PostgreSQL both speak the SQL the
// checks write (percentile_cont … WITHIN GROUP, date_part('epoch', interval), CAST … AS TIMESTAMPTZ); timestamps are TIMESTAMPTZ in both.
export type SqlValue = string | number | boolean | null;

export interface WarehouseReader {
  query(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}
