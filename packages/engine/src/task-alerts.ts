// Owns recording what tries said through `ctx.alerts` (data-quality findings): a raise opens the
// incident of (kind, DAG, task, check) or counts one more occurrence on the open one, a resolve
// ends it. Run with the tries' end, in the same transaction, so no crash falls between a finished
// check and its incident. Only tries whose end was recorded count; a `weir dags test` run pages
// no one.
import type { RawSql } from '@weir/db';
import type { TaskAlertChange } from './task-tries.ts';

export interface TaskAlertEntry {
  readonly taskInstanceId: number;
  readonly at: Date;
  readonly changes: readonly TaskAlertChange[];
}

export async function recordTaskAlerts(
  tx: Pick<RawSql, '$executeRaw'>,
  entries: readonly TaskAlertEntry[],
  testRunTrigger: string,
): Promise<void> {
  const said = entries.flatMap((e) => e.changes.map((c) => ({ ...c, from: e.taskInstanceId, at: e.at })));
  if (said.length === 0) return;
  const col = <T>(pick: (s: (typeof said)[number]) => T) => said.map(pick);
  const raised = (pick: (c: Extract<TaskAlertChange, { op: 'raise' }>) => string) =>
    col((s) => (s.op === 'raise' ? pick(s) : null));
  await tx.$executeRaw`
    WITH said AS (
      SELECT o.op, o.kind, o.severity, o.title, o.details, o.at, o.ord,
             o.kind || ':' || t.dag_id || ':' || t.task_id || ':' || o.check_name AS key,
             t.dag_id, t.run_id, t.task_id, t.map_index, t.try_number
      FROM unnest(${col((s) => s.from)}::int[], ${col((s) => s.op)}::text[], ${col((s) => s.kind)}::text[],
                  ${col((s) => s.check)}::text[], ${raised((c) => c.severity)}::text[], ${raised((c) => c.title)}::text[],
                  ${raised((c) => c.detailsJson)}::text[], ${col((s) => s.at.toISOString())}::timestamp[])
             WITH ORDINALITY AS o(from_id, op, kind, check_name, severity, title, details, at, ord)
      JOIN task_instance t ON t.id = o.from_id
      WHERE NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.id = t.dag_run_id AND r.triggered_by = ${testRunTrigger})
    ), raised AS (
      -- One row per incident key (ON CONFLICT cannot touch a row twice): the latest word wins.
      INSERT INTO alert (kind, severity, dedup_key, open_key, title, details, dag_id, opened_run_id, run_id, task_id,
                         map_index, try_number, occurrences, first_seen_at, last_seen_at)
      SELECT g.kind::"AlertKind", g.severity::"AlertSeverity", g.key, g.key, g.title, g.details::jsonb, g.dag_id,
             g.run_id, g.run_id, g.task_id, g.map_index, g.try_number, g.n, g.at, g.at
      FROM (
        SELECT key, COUNT(*)::int AS n, MAX(at) AS at,
               (array_agg(kind ORDER BY at DESC, ord DESC))[1] AS kind,
               (array_agg(severity ORDER BY at DESC, ord DESC))[1] AS severity,
               (array_agg(title ORDER BY at DESC, ord DESC))[1] AS title,
               (array_agg(details ORDER BY at DESC, ord DESC))[1] AS details,
               (array_agg(dag_id ORDER BY at DESC, ord DESC))[1] AS dag_id,
               (array_agg(run_id ORDER BY at DESC, ord DESC))[1] AS run_id,
               (array_agg(task_id ORDER BY at DESC, ord DESC))[1] AS task_id,
               (array_agg(map_index ORDER BY at DESC, ord DESC))[1] AS map_index,
               (array_agg(try_number ORDER BY at DESC, ord DESC))[1] AS try_number
        FROM said WHERE op = 'raise' GROUP BY key
      ) g
      ORDER BY g.key
      ON CONFLICT (open_key) DO UPDATE
      SET occurrences = alert.occurrences + EXCLUDED.occurrences, last_seen_at = EXCLUDED.last_seen_at,
          severity = EXCLUDED.severity, title = EXCLUDED.title, details = EXCLUDED.details, run_id = EXCLUDED.run_id,
          map_index = EXCLUDED.map_index, try_number = EXCLUDED.try_number
    )
    -- A check that passed ends its incident, unless another try of this batch raised it again.
    UPDATE alert a SET state = 'resolved', open_key = NULL, resolved_at = s.at, resolved_by = 'check passed'
    FROM said s
    WHERE s.op = 'resolve' AND a.open_key = s.key
      AND NOT EXISTS (SELECT 1 FROM said r WHERE r.op = 'raise' AND r.key = s.key)`;
}
