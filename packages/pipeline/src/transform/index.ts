// The transform's public surface (re-exported by the package index).

export type { StatementTimer } from './duck.ts';
export {
  MANIFEST_KEY,
  type Manifest,
  type PartitionRef,
  type PartitionState,
  parsePartitionId,
  readManifest,
} from './manifest.ts';
export { readCuratedTable } from './read-curated.ts';
export { runTransform, type TransformOptions, type TransformResult } from './run-transform.ts';
export {
  bucketSql,
  CURATED_TABLES,
  type CuratedTable,
  SESSION_BUCKETS,
  TABLE_COLUMNS,
} from './tables.ts';
