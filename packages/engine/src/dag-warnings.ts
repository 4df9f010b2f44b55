// Owns DAG warnings (Airflow's DagWarning): things about a DAG worth an operator's word that are
// not import errors. A task names a pool that does not exist, so its instances wait in
// `scheduled` until someone creates it (Airflow's behaviour, kept); or the DAG's or a task's
// `alerts` option names a route or channel alerts.yaml does not define. Each sync of a DAG
// replaces its warnings; pool changes re-evaluate every active DAG's. A warning found again keeps
// its created_at, so "first seen" stays true and a reader can tell new warnings from old.
import type { RawSql } from '@weir/db';
import { type AlertNames, alertRouteProblems, type SerializedAlerts } from '@weir/sdk';
import type { Clock } from './clock.ts';

type Sql = Pick<RawSql, '$queryRaw' | '$executeRaw'>;

export type DagWarningKind = 'nonexistent_pool' | 'unknown_alert_route' | 'unknown_alert_channel';

const POOL_KINDS: readonly DagWarningKind[] = ['nonexistent_pool'];
const ALERT_KINDS: readonly DagWarningKind[] = ['unknown_alert_route', 'unknown_alert_channel'];

export interface DagWarning {
  readonly dagId: string;
  readonly kind: DagWarningKind;
  readonly message: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The message for tasks of one DAG that name the same missing pool. */
export function missingPoolMessage(taskIds: readonly string[], pool: string): string {
  const sorted = [...taskIds].sort();
  return sorted.length === 1
    ? `task ${sorted[0]} uses pool '${pool}', which does not exist; its instances wait in scheduled until it is created (weir pools set ${pool} <slots>)`
    : `tasks ${sorted.join(', ')} use pool '${pool}', which does not exist; their instances wait in scheduled until it is created (weir pools set ${pool} <slots>)`;
}

/**
 * Recomputes the warnings of the given DAGs (all active DAGs when `dagIds` is 'all') from their
 * stored serialized definitions and the pools that exist now, in the caller's transaction. With
 * `alertNames` (the routes and channels alerts.yaml defines) it recomputes the alert warnings
 * too; without, it leaves them as they are: a caller that has not loaded alerts.yaml (`weir
 * pools set`, `weir dags list`) cannot tell. An inactive DAG has none, of any kind.
 */
export async function refreshDagWarnings(
  sql: Sql,
  dagIds: readonly string[] | 'all',
  now: Date,
  alertNames?: AlertNames,
): Promise<void> {
  if (dagIds !== 'all' && dagIds.length === 0) return;
  const ids = dagIds === 'all' ? null : [...dagIds];
  const kinds = alertNames ? [...POOL_KINDS, ...ALERT_KINDS] : POOL_KINDS;
  const missing = await sql.$queryRaw<{ dag_id: string; pool: string; task_ids: string[] }[]>`
    SELECT d.dag_id, t.task->>'pool' AS pool, array_agg(t.task->>'taskId' ORDER BY t.task->>'taskId') AS task_ids
    FROM dag d CROSS JOIN LATERAL jsonb_array_elements(d.serialized->'tasks') AS t(task)
    WHERE d.is_active AND (${ids}::text[] IS NULL OR d.dag_id = ANY(${ids}::text[]))
      AND NOT EXISTS (SELECT 1 FROM pool p WHERE p.name = t.task->>'pool')
    GROUP BY d.dag_id, t.task->>'pool'
    ORDER BY d.dag_id, pool`;
  const rows = [
    ...missing.map((m) => ({
      dag_id: m.dag_id,
      kind: 'nonexistent_pool',
      message: missingPoolMessage(m.task_ids, m.pool),
    })),
    ...(alertNames ? await alertWarnings(sql, ids, alertNames) : []),
  ];
  const found = JSON.stringify(rows);
  // Warnings of these DAGs that no longer hold go; those found again are kept (their created_at).
  // Kinds not evaluated here stay, but for a DAG no longer active.
  await sql.$executeRaw`
    DELETE FROM dag_warning w
    WHERE (${ids}::text[] IS NULL OR w.dag_id = ANY(${ids}::text[]))
      AND (w.kind::text = ANY(${[...kinds]}::text[])
           OR NOT EXISTS (SELECT 1 FROM dag d WHERE d.dag_id = w.dag_id AND d.is_active))
      AND NOT EXISTS (
        SELECT 1 FROM jsonb_to_recordset(${found}::jsonb) AS f(dag_id text, kind text, message text)
        WHERE f.dag_id = w.dag_id AND f.kind = w.kind::text AND f.message = w.message)`;
  if (rows.length === 0) return;
  await sql.$executeRaw`
    INSERT INTO dag_warning (dag_id, kind, message, created_at, updated_at)
    SELECT f.dag_id, f.kind::"DagWarningKind", f.message, ${now}::timestamp, ${now}::timestamp
    FROM jsonb_to_recordset(${found}::jsonb) AS f(dag_id text, kind text, message text)
    ON CONFLICT (dag_id, kind, message) DO UPDATE SET updated_at = EXCLUDED.updated_at`;
}

/** The unknown routes and channels the `alerts` options of these active DAGs and their tasks name. */
async function alertWarnings(
  sql: Sql,
  ids: readonly string[] | null,
  names: AlertNames,
): Promise<{ dag_id: string; kind: string; message: string }[]> {
  // Only the `alerts` fields travel, and only of DAGs that set one somewhere.
  const dags = await sql.$queryRaw<
    {
      dag_id: string;
      alerts: SerializedAlerts | null;
      tasks: { taskId: string; alerts: SerializedAlerts }[];
    }[]
  >`
    SELECT d.dag_id,
           CASE WHEN jsonb_typeof(d.serialized->'alerts') = 'object' THEN d.serialized->'alerts' END AS alerts,
           COALESCE(
             (SELECT jsonb_agg(jsonb_build_object('taskId', t.task->>'taskId', 'alerts', t.task->'alerts'))
              FROM jsonb_array_elements(d.serialized->'tasks') AS t(task)
              WHERE jsonb_typeof(t.task->'alerts') = 'object'),
             '[]'::jsonb) AS tasks
    FROM dag d
    WHERE d.is_active AND (${ids}::text[] IS NULL OR d.dag_id = ANY(${ids}::text[]))
      AND (jsonb_typeof(d.serialized->'alerts') = 'object'
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.serialized->'tasks') AS t(task)
                      WHERE jsonb_typeof(t.task->'alerts') = 'object'))
    ORDER BY d.dag_id`;
  return dags.flatMap((dag) =>
    alertRouteProblems(dag, names).map((problem) => ({ dag_id: dag.dag_id, ...problem })),
  );
}

/** Every warning of active DAGs, by DAG id then message. */
export async function listDagWarnings(sql: Sql, dagId?: string): Promise<DagWarning[]> {
  const only = dagId ?? null;
  return sql.$queryRaw<DagWarning[]>`
    SELECT w.dag_id AS "dagId", w.kind::text AS kind, w.message, w.created_at AS "createdAt", w.updated_at AS "updatedAt"
    FROM dag_warning w JOIN dag d ON d.dag_id = w.dag_id
    WHERE d.is_active AND (${only}::text IS NULL OR w.dag_id = ${only})
    ORDER BY w.dag_id, w.message`;
}

/**
 * For the scheduler: each distinct warning once per process, as it appears. `next()` returns the
 * warnings not returned before; a warning that goes away and comes back is returned again.
 */
export class DagWarningWatcher {
  private seen = new Set<string>();

  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
    /** Least time between two reads of the table. */
    private readonly everyMs = 10_000,
  ) {}

  private lastRead = Number.NEGATIVE_INFINITY;

  async next(): Promise<DagWarning[]> {
    const now = this.clock().getTime();
    if (now - this.lastRead < this.everyMs) return [];
    this.lastRead = now;
    const current = await listDagWarnings(this.sql);
    const key = (w: DagWarning) => `${w.dagId}\u0000${w.kind}\u0000${w.message}`;
    const fresh = current.filter((w) => !this.seen.has(key(w)));
    this.seen = new Set(current.map(key));
    return fresh;
  }
}
