// Owns raising alerts: an incident row written in the caller's transaction, next to the state
// change that causes it, so that no crash can fall between the two. One incident per dedup key
// while it is open: a repeat counts an occurrence on it (the upsert's target is `open_key`,
// which holds the dedup key until the incident resolves). Notifying is the alert pass's work
// (@weir/alerts), never the raiser's.
import type { RawSql } from '@weir/db';

export type RaisedKind =
  | 'task_failed'
  | 'run_failed'
  | 'retrying'
  | 'deadline_missed'
  | 'sensor_timed_out'
  | 'data_quality_failed'
  | 'import_error'
  | 'unhealthy';

export interface RaisedAlert {
  readonly kind: RaisedKind;
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  /** What makes two alerts one incident: `task_failed:<dag>:<task>`, `run_failed:<dag>`… */
  readonly dedupKey: string;
  readonly title: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex?: number | null;
  readonly tryNumber?: number | null;
  readonly at: Date;
}

/** The dedup key of a task's or run's incident: (kind, DAG, task) or (kind, DAG). */
export function incidentKey(kind: RaisedKind, dagId: string, taskId?: string | null): string {
  return taskId ? `${kind}:${dagId}:${taskId}` : `${kind}:${dagId}`;
}

/** Opens each alert's incident, or counts one more occurrence on the open one. */
export async function raiseAlerts(
  sql: Pick<RawSql, '$executeRaw'>,
  alerts: readonly RaisedAlert[],
): Promise<void> {
  if (alerts.length === 0) return;
  // One row per key (ON CONFLICT cannot touch a row twice), in key order (no deadlocks).
  const byKey = new Map<string, RaisedAlert & { n: number }>();
  for (const a of alerts) {
    const seen = byKey.get(a.dedupKey);
    byKey.set(a.dedupKey, { ...a, n: (seen?.n ?? 0) + 1 });
  }
  const rows = [...byKey.values()].sort((a, b) => (a.dedupKey < b.dedupKey ? -1 : 1));
  const col = <T>(pick: (a: (typeof rows)[number]) => T) => rows.map(pick);
  await sql.$executeRaw`
    INSERT INTO alert (kind, severity, dedup_key, open_key, title, details, dag_id, opened_run_id, run_id, task_id,
                       map_index, try_number, occurrences, first_seen_at, last_seen_at)
    SELECT a.kind::"AlertKind", a.severity::"AlertSeverity", a.key, a.key, a.title, a.details::jsonb, a.dag_id,
           a.run_id, a.run_id, a.task_id, a.map_index, a.try_number, a.n, a.at, a.at
    FROM unnest(${col((a) => a.kind)}::text[], ${col((a) => a.severity)}::text[], ${col((a) => a.dedupKey)}::text[],
                ${col((a) => a.title)}::text[], ${col((a) => JSON.stringify(a.details))}::text[],
                ${col((a) => a.dagId)}::text[], ${col((a) => a.runId)}::text[], ${col((a) => a.taskId)}::text[],
                ${col((a) => a.mapIndex ?? null)}::int[], ${col((a) => a.tryNumber ?? null)}::int[],
                ${col((a) => a.n)}::int[], ${col((a) => a.at.toISOString())}::timestamp[])
         AS a(kind, severity, key, title, details, dag_id, run_id, task_id, map_index, try_number, n, at)
    ORDER BY a.key
    ON CONFLICT (open_key) DO UPDATE
    SET occurrences = alert.occurrences + EXCLUDED.occurrences, last_seen_at = EXCLUDED.last_seen_at,
        title = EXCLUDED.title, details = EXCLUDED.details, run_id = EXCLUDED.run_id,
        map_index = EXCLUDED.map_index, try_number = EXCLUDED.try_number`;
}
