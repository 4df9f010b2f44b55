// Owns where the warehouse is: WEIR_WAREHOUSE_URL (`duckdb:///path/file.duckdb`), else the DuckDB
// file `<WEIR_HOME>/warehouse.duckdb`. A PostgreSQL URL names the PostgreSQL warehouse, which is
// not built yet: it is refused with a message saying so rather than ignored.
import { isAbsolute, resolve } from 'node:path';
import type { WeirConfig } from '@weir/config';

export type WarehouseConfig = Pick<WeirConfig, 'home' | 'warehouseUrl'>;

export class WarehouseError extends Error {
  constructor(
    readonly code:
      | 'WAREHOUSE_MISCONFIGURED'
      | 'WAREHOUSE_UNSUPPORTED'
      | 'WAREHOUSE_LOAD_FAILED'
      | 'WAREHOUSE_BUSY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The DuckDB warehouse file's absolute path. */
export function warehousePath(config: WarehouseConfig, cwd = process.cwd()): string {
  const url = config.warehouseUrl;
  if (url === undefined) {
    const home = isAbsolute(config.home) ? config.home : resolve(cwd, config.home);
    return resolve(home, 'warehouse.duckdb');
  }
  const parsed = new URL(url);
  if (parsed.protocol === 'duckdb:') {
    const path = decodeURIComponent(parsed.pathname);
    if (!path || path === '/')
      throw new WarehouseError(
        'WAREHOUSE_MISCONFIGURED',
        `WEIR_WAREHOUSE_URL=${url} names no file; write duckdb:///absolute/path/warehouse.duckdb`,
      );
    return resolve(cwd, path);
  }
  throw new WarehouseError(
    'WAREHOUSE_UNSUPPORTED',
    'WEIR_WAREHOUSE_URL names a PostgreSQL warehouse, which this version cannot load yet; unset it to use the DuckDB file <WEIR_HOME>/warehouse.duckdb',
  );
}
