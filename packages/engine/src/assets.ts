// Owns data-aware scheduling (Airflow 3's assets): the assets DAGs name, the events that update
// them, and the runs they trigger. A DAG scheduled on assets keeps, per asset, the newest event it
// has consumed; when the assets with newer events satisfy its condition, one transaction holding
// the DAG's row lock creates the run, records the events it consumed and moves the DAG's cursors
// past them. So two schedulers (or a worker and a scheduler) never create two runs for the same
// events, whatever their timestamps. The run starts and queues its first tasks in the same
// transaction, as a manual trigger does.
import type { RawSql } from '@weir/db';
import {
  type AssetEventInfo,
  assetConditionMet,
  assetsOf,
  type SerializedAsset,
  type SerializedDag,
} from '@weir/sdk';
import type { Clock } from './clock.ts';
import type { DagCatalog } from './dag-catalog.ts';
import { type CreatedRun, createAndStartRun, type StartedRuns } from './dag-runs.ts';
import { EngineError } from './errors.ts';
import type { PassOptions } from './scheduling.ts';

type Sql = Pick<RawSql, '$queryRaw' | '$executeRaw'>;

const RUN_PREFIX = 'asset_triggered__';

export function isAssetTriggeredRunId(runId: string): boolean {
  return runId.startsWith(RUN_PREFIX);
}

/** Every asset a DAG names: in its schedule and in its tasks' outlets. */
export function assetsNamedBy(dag: SerializedDag): SerializedAsset[] {
  const found = new Map<string, SerializedAsset>();
  for (const a of dag.assetSchedule ? assetsOf(dag.assetSchedule) : []) found.set(a.uri, a);
  for (const task of dag.tasks) for (const a of task.outlets ?? []) found.set(a.uri, a);
  return [...found.values()];
}

/**
 * At sync: the DAGs' assets exist, and each DAG's schedule lists exactly its assets. An asset new
 * to a DAG's schedule starts past every event it already has: only later events trigger the DAG.
 */
export async function storeDagAssets(tx: Sql, dags: readonly SerializedDag[], now: Date): Promise<void> {
  if (dags.length === 0) return;
  const assets = [...new Map(dags.flatMap(assetsNamedBy).map((a) => [a.uri, a])).values()];
  if (assets.length > 0)
    await tx.$executeRaw`
      INSERT INTO asset (uri, name, "group", created_at, updated_at)
      SELECT uri, name, grp, ${now}::timestamp, ${now}::timestamp
      FROM unnest(${assets.map((a) => a.uri)}::text[], ${assets.map((a) => a.name)}::text[],
                  ${assets.map((a) => a.group)}::text[]) AS a(uri, name, grp)
      ON CONFLICT (uri) DO UPDATE SET name = EXCLUDED.name, "group" = EXCLUDED."group", updated_at = EXCLUDED.updated_at
      WHERE asset.name <> EXCLUDED.name OR asset."group" <> EXCLUDED."group"`;
  const pairs = dags.flatMap((dag) =>
    (dag.assetSchedule ? assetsOf(dag.assetSchedule) : []).map((a) => [dag.dagId, a.uri] as const),
  );
  await tx.$executeRaw`
    DELETE FROM dag_schedule_asset s USING asset a
    WHERE a.id = s.asset_id AND s.dag_id = ANY(${dags.map((d) => d.dagId)}::text[])
      AND NOT (s.dag_id, a.uri) IN (SELECT * FROM unnest(${pairs.map(([d]) => d)}::text[], ${pairs.map(([, u]) => u)}::text[]))`;
  if (pairs.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO dag_schedule_asset (dag_id, asset_id, consumed_event_id)
    SELECT p.dag_id, a.id, COALESCE((SELECT MAX(e.id) FROM asset_event e WHERE e.asset_id = a.id), 0)
    FROM unnest(${pairs.map(([d]) => d)}::text[], ${pairs.map(([, u]) => u)}::text[]) AS p(dag_id, uri)
    JOIN asset a ON a.uri = p.uri
    ON CONFLICT (dag_id, asset_id) DO NOTHING`;
}

/** Active DAGs scheduled on any of these assets. */
export async function consumersOf(sql: Sql, uris: readonly string[]): Promise<string[]> {
  if (uris.length === 0) return [];
  const rows = await sql.$queryRaw<{ dag_id: string }[]>`
    SELECT DISTINCT s.dag_id FROM dag_schedule_asset s JOIN asset a ON a.id = s.asset_id
    JOIN dag d ON d.dag_id = s.dag_id
    WHERE a.uri = ANY(${uris}::text[]) AND d.is_active ORDER BY s.dag_id`;
  return rows.map((r) => r.dag_id);
}

/** Active, unpaused DAGs with asset events they have not consumed: the tick's look. */
export async function dagsWithNewAssetEvents(sql: Sql): Promise<string[]> {
  const rows = await sql.$queryRaw<{ dag_id: string }[]>`
    SELECT DISTINCT s.dag_id FROM dag_schedule_asset s JOIN dag d ON d.dag_id = s.dag_id
    WHERE d.is_active AND NOT d.is_paused
      AND EXISTS (SELECT 1 FROM asset_event e WHERE e.asset_id = s.asset_id AND e.id > s.consumed_event_id)
    ORDER BY s.dag_id`;
  return rows.map((r) => r.dag_id);
}

/** The asset-triggered runs created, and what their transactions left to hand over. */
export interface AssetRunsOutcome extends StartedRuns {
  readonly created: readonly CreatedRun[];
}

/**
 * For each DAG (in dag_id order, the order DAG rows are locked everywhere), in a transaction of
 * its own: when the assets with events it has not consumed satisfy its schedule, one run
 * consuming all of those events. A paused DAG's events wait, as in Airflow, until it is unpaused.
 */
export async function createAssetTriggeredRuns(
  sql: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  dagIds: readonly string[],
  options: PassOptions = {},
): Promise<AssetRunsOutcome> {
  const outcomes: AssetRunsOutcome[] = [];
  for (const dagId of [...new Set(dagIds)].sort())
    outcomes.push(await sql.$transaction((tx) => createAssetRunsIn(tx, catalog, clock, [dagId], options)));
  return mergeOutcomes(outcomes);
}

/**
 * An external update of an asset (`weir assets touch`, Airflow's materialize API) and the runs
 * it makes due, in one transaction: no other scheduler sees the event before its runs exist.
 */
export async function touchAsset(
  sql: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  uri: string,
  extra: Record<string, unknown>,
  options: PassOptions = {},
): Promise<{ event: { id: number; uri: string; timestamp: Date }; runs: AssetRunsOutcome }> {
  return sql.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: number; timestamp: Date }[]>`
      INSERT INTO asset_event (asset_id, extra, timestamp)
      SELECT id, ${JSON.stringify(extra)}::jsonb, ${clock()}::timestamp FROM asset WHERE uri = ${uri}
      RETURNING id, timestamp`;
    const row = rows[0];
    if (!row) throw unknownAsset(uri);
    const runs = await createAssetRunsIn(tx, catalog, clock, await consumersOf(tx, [uri]), options);
    return { event: { id: row.id, uri, timestamp: row.timestamp }, runs };
  });
}

/** createAssetTriggeredRuns' work for several DAGs, in the caller's transaction. */
async function createAssetRunsIn(
  tx: RawSql,
  catalog: DagCatalog,
  clock: Clock,
  dagIds: readonly string[],
  options: PassOptions,
): Promise<AssetRunsOutcome> {
  const outcomes: AssetRunsOutcome[] = [];
  for (const dagId of [...new Set(dagIds)].sort()) {
    const entry = await catalog.get(dagId);
    const condition = entry?.dag.assetSchedule;
    if (!entry || !condition) continue;
    const locked = await tx.$queryRaw<{ is_paused: boolean }[]>`
      SELECT is_paused FROM dag WHERE dag_id = ${dagId} AND is_active FOR NO KEY UPDATE`;
    if (!locked[0] || (locked[0].is_paused && !options.ignorePause)) continue;
    const events = await tx.$queryRaw<{ id: number; uri: string; timestamp: Date }[]>`
      SELECT e.id, a.uri, e.timestamp
      FROM dag_schedule_asset s JOIN asset a ON a.id = s.asset_id
      JOIN asset_event e ON e.asset_id = s.asset_id AND e.id > s.consumed_event_id
      WHERE s.dag_id = ${dagId} ORDER BY e.id`;
    if (!assetConditionMet(condition, new Set(events.map((e) => e.uri)))) continue;
    const later = (a: (typeof events)[number], b: (typeof events)[number]) =>
      b.timestamp > a.timestamp || (+b.timestamp === +a.timestamp && b.id > a.id) ? b : a;
    const newest = events.reduce(later);
    const oldest = events.reduce((a, b) => (b.timestamp < a.timestamp ? b : a));
    const one = await createAndStartRun(
      tx,
      catalog,
      clock,
      entry,
      {
        runType: 'asset_triggered',
        logicalDate: newest.timestamp,
        dataInterval: { start: oldest.timestamp, end: newest.timestamp },
        conf: {},
        triggeredBy: 'asset',
        // The newest event's id makes the run id unique where timestamps are not.
        runId: `${RUN_PREFIX}${newest.timestamp.toISOString().replace('Z', '+00:00')}__${newest.id}`,
      },
      options,
    );
    if (!one) throw new Error(`the asset-triggered run for event ${newest.id} of DAG "${dagId}" exists`);
    const { created, ...started } = one;
    const eventIds = events.map((e) => e.id);
    await tx.$executeRaw`
      INSERT INTO dag_run_asset_event (dag_run_id, asset_event_id) SELECT ${created.id}, unnest(${eventIds}::int[])`;
    await tx.$executeRaw`
      UPDATE dag_schedule_asset s SET consumed_event_id = m.newest
      FROM (SELECT asset_id, MAX(id) AS newest FROM asset_event WHERE id = ANY(${eventIds}::int[]) GROUP BY asset_id) m
      WHERE s.dag_id = ${dagId} AND s.asset_id = m.asset_id`;
    outcomes.push({ created: [created], ...started });
  }
  return mergeOutcomes(outcomes);
}

function mergeOutcomes(outcomes: readonly AssetRunsOutcome[]): AssetRunsOutcome {
  return {
    created: outcomes.flatMap((o) => o.created),
    jobs: outcomes.flatMap((o) => o.jobs),
    finished: outcomes.flatMap((o) => o.finished),
    alsoStarted: outcomes.flatMap((o) => o.alsoStarted),
  };
}

export function unknownAsset(uri: string): EngineError {
  return new EngineError(
    'ASSET_NOT_FOUND',
    `asset "${uri}" is not known: no DAG names it (weir assets list shows the known ones)`,
  );
}

/** The events an asset-triggered run consumed, oldest first. */
export async function triggeringAssetEvents(sql: Sql, dagRunId: number): Promise<AssetEventInfo[]> {
  const rows = await sql.$queryRaw<AssetEventRow[]>`
    SELECT e.id, a.uri, e.timestamp, e.extra, e.source_dag_id, e.source_run_id, e.source_task_id, e.source_map_index
    FROM dag_run_asset_event x JOIN asset_event e ON e.id = x.asset_event_id JOIN asset a ON a.id = e.asset_id
    WHERE x.dag_run_id = ${dagRunId} ORDER BY e.id`;
  return rows.map(assetEventInfo);
}

export interface AssetEventRow {
  readonly id: number;
  readonly uri: string;
  readonly timestamp: Date;
  readonly extra: Record<string, unknown>;
  readonly source_dag_id: string | null;
  readonly source_run_id: string | null;
  readonly source_task_id: string | null;
  readonly source_map_index: number | null;
}

export function assetEventInfo(row: AssetEventRow): AssetEventInfo {
  return {
    id: row.id,
    uri: row.uri,
    timestamp: row.timestamp,
    extra: row.extra,
    source:
      row.source_dag_id !== null && row.source_run_id !== null && row.source_task_id !== null
        ? {
            dagId: row.source_dag_id,
            runId: row.source_run_id,
            taskId: row.source_task_id,
            mapIndex: row.source_map_index ?? -1,
          }
        : null,
  };
}
