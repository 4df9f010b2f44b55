// Owns reading assets for people: the list with each asset's lineage (the tasks that update it,
// the DAGs scheduled on it) and latest event, and an asset's events. The CLI and the UI read
// these; nothing here writes.
import type { RawSql } from '@weir/db';
import type { AssetEventInfo } from '@weir/sdk';
import { type AssetEventRow, assetEventInfo, unknownAsset } from './assets.ts';

type Sql = Pick<RawSql, '$queryRaw'>;

export interface AssetSummary {
  readonly uri: string;
  readonly name: string;
  readonly group: string;
  /** Tasks of active DAGs whose outlets name it. */
  readonly producers: readonly { readonly dagId: string; readonly taskId: string }[];
  /** Active DAGs scheduled on it. */
  readonly consumers: readonly string[];
  readonly events: number;
  readonly lastEventAt: Date | null;
}

/** Every known asset with its lineage (producing tasks → asset → consuming DAGs). */
export async function listAssets(sql: Sql): Promise<AssetSummary[]> {
  return selectAssets(sql, { after: null, search: null, uri: null, limit: null });
}

export interface AssetPage {
  readonly items: readonly AssetSummary[];
  /** Assets matching the search, on every page. */
  readonly totalEntries: number;
  /** The last uri of this page when more follow: the keyset of the next page. */
  readonly next: string | null;
}

/** A page of assets by uri (keyset on the unique uri index), optionally those whose uri or name contains `search`. */
export async function pageAssets(
  sql: Sql,
  options: { readonly limit: number; readonly after?: string; readonly search?: string },
): Promise<AssetPage> {
  const search = options.search?.trim() ? options.search.trim() : null;
  const items = await selectAssets(sql, {
    after: options.after ?? null,
    search,
    uri: null,
    limit: options.limit + 1,
  });
  const [count] = await sql.$queryRaw<{ n: number }[]>`
    SELECT COUNT(*)::int AS n FROM asset a
    WHERE (${search}::text IS NULL OR strpos(lower(a.uri), lower(${search}::text)) > 0
           OR strpos(lower(a.name), lower(${search}::text)) > 0)`;
  const more = items.length > options.limit;
  const page = more ? items.slice(0, options.limit) : items;
  return { items: page, totalEntries: count?.n ?? 0, next: more ? (page.at(-1)?.uri ?? null) : null };
}

/** One asset with its lineage; ASSET_NOT_FOUND when no DAG names it. */
export async function getAsset(sql: Sql, uri: string): Promise<AssetSummary> {
  const [found] = await selectAssets(sql, { after: null, search: null, uri, limit: 1 });
  if (!found) throw unknownAsset(uri);
  return found;
}

async function selectAssets(
  sql: Sql,
  where: { after: string | null; search: string | null; uri: string | null; limit: number | null },
): Promise<AssetSummary[]> {
  const rows = await sql.$queryRaw<
    {
      uri: string;
      name: string;
      group: string;
      producers: { dagId: string; taskId: string }[] | null;
      consumers: string[] | null;
      events: number;
      last_event_at: Date | null;
    }[]
  >`
    SELECT a.uri, a.name, a."group",
      (SELECT json_agg(json_build_object('dagId', d.dag_id, 'taskId', t->>'taskId') ORDER BY d.dag_id, t->>'taskId')
       FROM dag d, jsonb_array_elements(d.serialized->'tasks') t, jsonb_array_elements(COALESCE(t->'outlets', '[]'::jsonb)) o
       WHERE d.is_active AND o->>'uri' = a.uri) AS producers,
      (SELECT array_agg(s.dag_id ORDER BY s.dag_id) FROM dag_schedule_asset s JOIN dag d ON d.dag_id = s.dag_id
       WHERE s.asset_id = a.id AND d.is_active) AS consumers,
      (SELECT COUNT(*)::int FROM asset_event e WHERE e.asset_id = a.id) AS events,
      (SELECT MAX(e.timestamp) FROM asset_event e WHERE e.asset_id = a.id) AS last_event_at
    FROM asset a
    WHERE (${where.uri}::text IS NULL OR a.uri = ${where.uri}::text)
      AND (${where.after}::text IS NULL OR a.uri > ${where.after}::text)
      AND (${where.search}::text IS NULL OR strpos(lower(a.uri), lower(${where.search}::text)) > 0
           OR strpos(lower(a.name), lower(${where.search}::text)) > 0)
    ORDER BY a.uri
    LIMIT ${where.limit}::int`;
  return rows.map((r) => ({
    uri: r.uri,
    name: r.name,
    group: r.group,
    producers: r.producers ?? [],
    consumers: r.consumers ?? [],
    events: r.events,
    lastEventAt: r.last_event_at,
  }));
}

export type AssetEventView = AssetEventInfo & {
  readonly consumedBy: readonly { readonly dagId: string; readonly runId: string }[];
};

/** An asset's events, newest first, with the runs that consumed each. */
export async function listAssetEvents(
  sql: Sql,
  uri: string,
  limit = 50,
  /** Keyset paging: only events older than this id. */
  beforeId: number | null = null,
): Promise<AssetEventView[]> {
  const known = await sql.$queryRaw<{ id: number }[]>`SELECT id FROM asset WHERE uri = ${uri}`;
  if (known.length === 0) throw unknownAsset(uri);
  const rows = await sql.$queryRaw<
    (AssetEventRow & { consumed_by: { dagId: string; runId: string }[] | null })[]
  >`
    SELECT e.id, a.uri, e.timestamp, e.extra, e.source_dag_id, e.source_run_id, e.source_task_id, e.source_map_index,
      (SELECT json_agg(json_build_object('dagId', r.dag_id, 'runId', r.run_id) ORDER BY r.id)
       FROM dag_run_asset_event x JOIN dag_run r ON r.id = x.dag_run_id WHERE x.asset_event_id = e.id) AS consumed_by
    FROM asset_event e JOIN asset a ON a.id = e.asset_id
    WHERE a.uri = ${uri} AND (${beforeId}::int IS NULL OR e.id < ${beforeId}::int)
    ORDER BY e.id DESC LIMIT ${limit}`;
  return rows.map((r) => ({ ...assetEventInfo(r), consumedBy: r.consumed_by ?? [] }));
}
