// The warehouse's public surface (re-exported by the package index).
export { loadDeadLetters } from './dead-letters.ts';
export { type LoadResult, loadPartitions, pendingPartitions } from './duckdb-loader.ts';
export { type WarehouseConfig, WarehouseError, warehousePath } from './location.ts';
export { queryWarehouse } from './open-file.ts';
export { ensureWarehouse, recordDqResults, withWarehouseReader } from './dq-results.ts';
