// The warehouse's public surface (re-exported by the package index).
export { type LoadResult, loadPartitions, pendingPartitions } from './duckdb-loader.ts';
export { type WarehouseConfig, WarehouseError, warehousePath } from './location.ts';
