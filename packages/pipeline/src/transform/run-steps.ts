// Owns the order of a transform run's steps over one DuckDB session (the design is written at
// the top of run-transform.ts): which partitions each step reads, which it rewrites, and the
// manifest that commits them. Returns the new manifest without writing it.
import type { LakeStore } from '../lake/store.ts';
import type { DuckSession } from './duck.ts';
import { lit, litList } from './duck.ts';
import { deleteObjects, stageObjects, uploadFiles } from './files.ts';
import {
  bucketPartitionId,
  hourPartitionId,
  indexPartKey,
  type Manifest,
  type PartitionState,
  versionKey,
} from './manifest.ts';
import { dedupNewParts, INDEX_PART_SQL } from './step-dedup.ts';
import { EVENT_COLUMNS, rebuildEvents } from './step-events.ts';
import { resolveProfiles } from './step-profiles.ts';
import { mergeSessions, RENAMED_SESSIONS_SQL, spannedHoursSql } from './step-sessions.ts';
import { ACTIVE_USERS_SQL, COUNTS_SQL } from './step-windows.ts';
import { bucketSql, columnList, TABLE_COLUMNS } from './tables.ts';
import { hourFromPart, hourPartSql, writePartitions } from './write-partitions.ts';

const HOUR_MS = 3_600_000;
const MAX_INDEX_PARTS = 16;

export interface StepsInput {
  readonly duck: DuckSession;
  readonly store: LakeStore;
  readonly manifest: Manifest;
  readonly newParts: readonly string[];
  /** Every snapshot key when some are new, else undefined (profiles unchanged). */
  readonly snapshots: readonly string[] | undefined;
  readonly now: Date;
  /** A short id of this run, in its object keys. */
  readonly run: string;
}

export interface StepsOutcome {
  readonly manifest: Manifest;
  readonly newEvents: number;
  readonly touched: string[];
  /** Deletes the objects the new manifest no longer references; call after writing it. */
  cleanUp(): Promise<void>;
  /** Deletes this run's own objects; call when it may not commit. */
  abandon(): Promise<void>;
}

export async function transformSteps(input: StepsInput): Promise<StepsOutcome> {
  const { duck, store, manifest, now } = input;
  const seq = manifest.seq + 1;
  const stage = (keys: readonly string[]) => stageObjects(store, keys, duck.dir);
  const keyOf = (id: string) => manifest.partitions[id]?.key ?? undefined;
  const keysOf = (ids: readonly string[]) => ids.flatMap((id) => keyOf(id) ?? []);
  const hoursIn = async (sql: string): Promise<number[]> =>
    (
      await duck.rows<{ h: string }>(
        `SELECT DISTINCT strftime(hour, '%Y-%m-%dT%H:00:00Z') AS h FROM (${sql}) WHERE hour IS NOT NULL`,
      )
    ).map(({ h }) => Date.parse(h));
  const hourTable = async (name: string, hours: Iterable<number>) => {
    const list = [...hours].map((h) => new Date(h).toISOString());
    await duck.run(`CREATE TEMP TABLE ${name} (hour TIMESTAMPTZ)`);
    if (list.length > 0) await duck.run(`INSERT INTO ${name} SELECT unnest(${litList(list)})::TIMESTAMPTZ`);
  };
  const eventIds = (hours: Iterable<number>) => [...hours].map((h) => hourPartitionId('events', new Date(h)));

  // 1. dedup against every earlier run's winners.
  await dedupNewParts(duck, await stage(input.newParts), await stage(manifest.indexParts));
  const [{ n: winnerCount }] = (await duck.rows<{ n: string }>('SELECT count(*) AS n FROM winners')) as [
    { n: string },
  ];
  await duck.run(`
    CREATE TEMP TABLE a_users AS SELECT DISTINCT user_id FROM
      (SELECT user_id FROM winners UNION ALL SELECT user_id FROM replaced) WHERE user_id IS NOT NULL`);
  await duck.run(`
    CREATE TEMP TABLE r_users AS SELECT DISTINCT user_id FROM
      (SELECT user_id FROM replaced WHERE moved
       UNION ALL SELECT w.user_id FROM winners w JOIN replaced r USING (event_id) WHERE r.moved)
    WHERE user_id IS NOT NULL`);

  // 2. profiles.
  const profilesKey = keyOf('user_profiles');
  await resolveProfiles(
    duck,
    input.snapshots ? await stage(input.snapshots) : undefined,
    profilesKey ? (await stage([profilesKey]))[0] : undefined,
  );
  await duck.run(
    'CREATE TEMP TABLE touched_users AS SELECT user_id FROM a_users UNION SELECT user_id FROM p_users',
  );

  // 3. sessions of the touched users' buckets.
  const bucketsOf = async (table: string) =>
    (await duck.rows<{ b: string }>(`SELECT DISTINCT ${bucketSql('user_id')} AS b FROM ${table}`)).map(
      ({ b }) => Number(b),
    );
  const changedBuckets = await bucketsOf('a_users');
  const loadedBuckets = await bucketsOf('touched_users');
  const sessionFiles = await stage(keysOf(loadedBuckets.map(bucketPartitionId)));
  await duck.run(`CREATE TEMP TABLE sess_old (${columnList(TABLE_COLUMNS.sessions)})`);
  if (sessionFiles.length > 0)
    await duck.run(
      `INSERT INTO sess_old BY NAME SELECT * FROM read_parquet(${litList(sessionFiles)}, hive_partitioning = false)`,
    );
  await duck.run('CREATE TEMP TABLE r_points (user_id VARCHAR, client_ts TIMESTAMPTZ, event_id VARCHAR)');
  const movedHours = await hoursIn(`
    ${spannedHoursSql('sess_old WHERE user_id IN (SELECT user_id FROM r_users)')}
    UNION SELECT hour FROM replaced WHERE moved`);
  const movedFiles = await stage(keysOf(eventIds(movedHours)));
  if (movedFiles.length > 0) {
    await duck.run(`
      INSERT INTO r_points SELECT user_id, client_ts, event_id FROM read_parquet(${litList(movedFiles)}, hive_partitioning = false)
      WHERE user_id IN (SELECT user_id FROM r_users) AND event_id NOT IN (SELECT event_id FROM winners)`);
  }
  await duck.run(
    'INSERT INTO r_points SELECT user_id, client_ts, event_id FROM winners WHERE user_id IN (SELECT user_id FROM r_users)',
  );
  await mergeSessions(duck);

  // 4. the hours to rewrite: changed sets, renamed sessions, recomputed users, changed plans.
  const changedHours = new Set(await hoursIn('SELECT hour FROM winners UNION SELECT hour FROM replaced'));
  const rewrite = new Set(changedHours);
  // A recomputed (moved) user's old session that is not among the new ones (gone, shrunk or
  // split) may hold events whose id changed: its hours too.
  const spanned = await hoursIn(`
    ${spannedHoursSql(`(${RENAMED_SESSIONS_SQL})`)}
    UNION ${spannedHoursSql(`(SELECT * FROM sess_old WHERE user_id IN (SELECT user_id FROM r_users) EXCEPT SELECT * FROM sess_new_a)`)}
    UNION ${spannedHoursSql('sess_cur WHERE user_id IN (SELECT user_id FROM p_users)')}`);
  for (const hour of spanned) if (keyOf(hourPartitionId('events', new Date(hour)))) rewrite.add(hour);

  // 5. events of those hours.
  await rebuildEvents(duck, await stage(keysOf(eventIds(rewrite))), now);

  // 6. windows of the changed hours.
  const windowHours = new Set([...changedHours].flatMap((h) => [h, h - HOUR_MS]));
  const neighbours = [...windowHours].flatMap((h) => [h, h + HOUR_MS]).filter((h) => !rewrite.has(h));
  await hourTable('ch_hours', changedHours);
  await hourTable('wh_hours', windowHours);
  const neighbourFiles = await stage(keysOf(eventIds(new Set(neighbours))));
  await duck.run(`
    CREATE TEMP TABLE win_events AS SELECT user_id, client_ts FROM ev_new
    ${neighbourFiles.length > 0 ? `UNION ALL SELECT user_id, client_ts FROM read_parquet(${litList(neighbourFiles)}, hive_partitioning = false)` : ''}`);

  // 7. write every rewritten partition; unwritten ones are now empty.
  const partitions: Record<string, PartitionState> = {};
  const uploads: [string, string][] = [];
  const record = (id: string, path: string | undefined, rows: number) => {
    const key = path === undefined ? null : versionKey(id, seq, input.run);
    if (path !== undefined && key !== null) uploads.push([key, path]);
    partitions[id] = { key, rows, seq };
  };
  const writeHours = async (
    table: 'events' | 'event_counts_1m' | 'active_users_5m',
    sql: string,
    hours: Set<number>,
  ) => {
    const written = new Map(
      (await writePartitions(duck, sql)).map((w) => [hourFromPart(w.value).getTime(), w]),
    );
    for (const hour of hours) {
      const w = written.get(hour);
      record(hourPartitionId(table, new Date(hour)), w?.path, w?.rows ?? 0);
    }
  };
  await writeHours(
    'events',
    `SELECT ${EVENT_COLUMNS}, ${hourPartSql('client_ts')} AS _p FROM ev_new`,
    rewrite,
  );
  await writeHours('event_counts_1m', COUNTS_SQL, changedHours);
  await writeHours('active_users_5m', ACTIVE_USERS_SQL, windowHours);
  if (changedBuckets.length > 0) {
    const written = new Map(
      (
        await writePartitions(
          duck,
          `SELECT *, ${bucketSql('user_id')}::VARCHAR AS _p FROM sess_cur
           WHERE ${bucketSql('user_id')} IN (${changedBuckets.join(', ')})`,
        )
      ).map((w) => [Number(w.value), w]),
    );
    for (const bucket of changedBuckets) {
      const w = written.get(bucket);
      record(bucketPartitionId(bucket), w?.path, w?.rows ?? 0);
    }
  }
  if (input.snapshots) {
    const [w] = await writePartitions(duck, `SELECT *, 'all' AS _p FROM profiles`);
    record('user_profiles', w?.path, w?.rows ?? 0);
  }

  // The index: this run's winners as a new part, or everything compacted into one.
  let indexParts = manifest.indexParts;
  if (Number(winnerCount) > 0) {
    const key = indexPartKey(seq, input.run);
    const path = `${duck.dir}/index-${seq}.parquet`;
    const compact = manifest.indexParts.length + 1 > MAX_INDEX_PARTS;
    await duck.run(`CREATE TEMP TABLE index_new AS ${INDEX_PART_SQL}`);
    const sql = compact ? wrapCompaction(await stage(manifest.indexParts)) : 'SELECT * FROM index_new';
    await duck.run(`COPY (${sql}) TO ${lit(path)} (FORMAT parquet)`);
    uploads.push([key, path]);
    indexParts = compact ? [key] : [...manifest.indexParts, key];
  }

  await uploadFiles(store, uploads);
  const superseded = Object.keys(partitions)
    .flatMap((id) => manifest.partitions[id]?.key ?? [])
    .concat(manifest.indexParts.filter((k) => !indexParts.includes(k)));
  const processed = new Set([...manifest.rawParts, ...input.newParts]);
  return {
    manifest: {
      version: 1,
      seq,
      rawParts: [...processed].sort(),
      snapshots: input.snapshots ? [...input.snapshots] : manifest.snapshots,
      indexParts,
      partitions: { ...manifest.partitions, ...partitions },
    },
    newEvents: Number(winnerCount),
    touched: Object.keys(partitions).sort(),
    cleanUp: () => deleteObjects(store, superseded),
    abandon: () =>
      deleteObjects(
        store,
        uploads.map(([key]) => key),
      ),
  };
}

/** Every earlier index part plus this run's, keeping the winner per event_id. */
function wrapCompaction(files: readonly string[]): string {
  return `SELECT * FROM (SELECT * FROM read_parquet(${litList(files)}, hive_partitioning = false) UNION ALL BY NAME SELECT * FROM index_new)
          QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY server_ts, ingested_at, copy_hash) = 1`;
}
