// Owns the transform's commit record, `curated/_manifest.json`: which raw parts and profile
// snapshots have been folded in, the dedup index's parts, and for every curated partition the
// object that holds it now. A run writes new objects under fresh versioned keys and then this
// one object, so a run either commits whole or (if it dies first) leaves only unreferenced
// objects that the next run ignores: the lake's curated zone is never half-updated.
import { z } from 'zod';
import { CURATED_PREFIX } from '../lake/layout.ts';
import { LakeError, type LakeStore } from '../lake/store.ts';
import { CURATED_TABLES, type CuratedTable } from './tables.ts';

export const MANIFEST_KEY = `${CURATED_PREFIX}_manifest.json`;

const partitionSchema = z.object({
  /** The Parquet object holding the partition, or null when it has no rows. */
  key: z.string().nullable(),
  rows: z.number().int().nonnegative(),
  /** The run that wrote it: the loader reloads a partition whose seq it has not loaded. */
  seq: z.number().int().nonnegative(),
});
export type PartitionState = z.infer<typeof partitionSchema>;

export const manifestSchema = z.object({
  version: z.literal(1),
  seq: z.number().int().nonnegative(),
  rawParts: z.array(z.string()),
  snapshots: z.array(z.string()),
  indexParts: z.array(z.string()),
  /** Partition id (`events/dt=…/hour=…`, `sessions/bucket=07`, `user_profiles`) → state. */
  partitions: z.record(z.string(), partitionSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const emptyManifest = (): Manifest => ({
  version: 1,
  seq: 0,
  rawParts: [],
  snapshots: [],
  indexParts: [],
  partitions: {},
});

export async function readManifest(store: LakeStore): Promise<Manifest> {
  const body = await store.get(MANIFEST_KEY);
  if (body === null) return emptyManifest();
  const parsed = manifestSchema.safeParse(JSON.parse(new TextDecoder().decode(body)));
  if (!parsed.success) {
    throw new LakeError(
      'LAKE_CORRUPT',
      `transform: ${store.describe(MANIFEST_KEY)} is not a transform manifest (${parsed.error.issues[0]?.message}); ` +
        'delete the curated/ folder to rebuild it from the raw zone',
    );
  }
  return parsed.data;
}

export async function writeManifest(store: LakeStore, manifest: Manifest): Promise<void> {
  await store.put(MANIFEST_KEY, new TextEncoder().encode(JSON.stringify(manifest)));
}

/** A curated partition: its id, its table, and what the warehouse deletes to replace it. */
export interface PartitionRef {
  readonly id: string;
  readonly table: CuratedTable;
  /** Start of the hour (events: client_ts; windows: window_start), for hour partitions. */
  readonly hour?: Date;
  /** Session bucket, for sessions partitions. */
  readonly bucket?: number;
}

export function hourPartitionId(table: CuratedTable, hour: Date): string {
  const iso = hour.toISOString();
  return `${table}/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

export function bucketPartitionId(bucket: number): string {
  return `sessions/bucket=${String(bucket).padStart(2, '0')}`;
}

export function parsePartitionId(id: string): PartitionRef {
  const [table] = id.split('/');
  if (!CURATED_TABLES.includes(table as CuratedTable))
    throw new LakeError('LAKE_BAD_KEY', `transform: "${id}" names no curated table`);
  const hour = /\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})$/.exec(id);
  if (hour) return { id, table: table as CuratedTable, hour: new Date(`${hour[1]}T${hour[2]}:00:00.000Z`) };
  const bucket = /\/bucket=(\d+)$/.exec(id);
  if (bucket) return { id, table: table as CuratedTable, bucket: Number(bucket[1]) };
  return { id, table: table as CuratedTable };
}

/**
 * The object key of a partition's version written by run `seq` (`run` tells two runs that both
 * started from the same manifest apart, so neither overwrites the other's objects).
 */
export function versionKey(partitionId: string, seq: number, run: string): string {
  return `${CURATED_PREFIX}${partitionId}/v-${String(seq).padStart(8, '0')}-${run}.parquet`;
}

export const indexPartKey = (seq: number, run: string) =>
  `${CURATED_PREFIX}_index/event_ids/v-${String(seq).padStart(8, '0')}-${run}.parquet`;
