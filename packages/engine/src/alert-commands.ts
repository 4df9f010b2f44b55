// Owns what operators do to incidents (the CLI now, the web API next): acknowledge one (stops
// its re-notification; PagerDuty hears `acknowledge`), resolve one by hand, and silence a DAG or
// task for a while (matching incidents are still recorded, not sent). The alert pass
// (@weir/alerts) sends what these leave behind: an acknowledgement's deliveries are written here,
// a resolution's when its group has resolved.
import type { RawSql } from '@weir/db';
import { EngineError } from './errors.ts';

export interface AckResult {
  readonly alertId: number;
  /** Incidents acknowledged with it: its whole group (PagerDuty knows the group as one). */
  readonly acknowledged: number;
}

/** Acknowledges the incident and the rest of its group. */
export async function acknowledgeAlert(
  sql: RawSql,
  alertId: number,
  by: string,
  now: Date,
): Promise<AckResult> {
  return sql.$transaction(async (tx) => {
    const [alert] = await tx.$queryRaw<{ state: string; group_id: number | null }[]>`
      SELECT state::text AS state, group_id FROM alert WHERE id = ${alertId} FOR UPDATE`;
    if (!alert) throw new EngineError('ALERT_NOT_FOUND', `no alert with id ${alertId} (weir alerts list)`);
    if (alert.state === 'resolved')
      throw new EngineError('ALERT_RESOLVED', `alert ${alertId} is resolved already; nothing to acknowledge`);
    const acknowledged = await tx.$executeRaw`
      UPDATE alert SET state = 'acknowledged', acknowledged_at = ${now}, acknowledged_by = ${by}
      WHERE state = 'open' AND (id = ${alertId} OR (group_id IS NOT NULL AND group_id = ${alert.group_id}))`;
    if (alert.group_id !== null) {
      const changed = await tx.$executeRaw`
        UPDATE alert_group SET acknowledged_at = ${now} WHERE id = ${alert.group_id} AND acknowledged_at IS NULL`;
      if (changed > 0)
        await tx.$executeRaw`
          INSERT INTO alert_delivery (group_id, channel, channel_type, event, target, dedup_key, next_attempt_at, created_at)
          SELECT group_id, channel, channel_type, 'acknowledge', target, dedup_key, ${now}, ${now}
          FROM alert_delivery WHERE group_id = ${alert.group_id} AND event = 'trigger' AND channel_type <> 'email'
          ORDER BY id`;
    }
    return { alertId, acknowledged };
  });
}

/** Resolves the incident by hand; its group's resolution is sent once every incident in it has resolved. */
export async function resolveAlert(sql: RawSql, alertId: number, by: string, now: Date): Promise<void> {
  const rows = await sql.$queryRaw<
    { state: string }[]
  >`SELECT state::text AS state FROM alert WHERE id = ${alertId}`;
  if (!rows[0]) throw new EngineError('ALERT_NOT_FOUND', `no alert with id ${alertId} (weir alerts list)`);
  if (rows[0].state === 'resolved')
    throw new EngineError('ALERT_RESOLVED', `alert ${alertId} is resolved already`);
  await sql.$executeRaw`
    UPDATE alert SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = ${`by ${by}`}
    WHERE id = ${alertId} AND state <> 'resolved'`;
}

export interface SilenceRequest {
  readonly dagId: string;
  readonly taskId?: string | null;
  readonly durationMs: number;
  readonly reason: string;
  readonly createdBy?: string | null;
}

export interface SilenceView {
  readonly id: number;
  readonly dagId: string;
  readonly taskId: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly reason: string;
  readonly createdBy: string | null;
  readonly active: boolean;
}

export async function createSilence(sql: RawSql, request: SilenceRequest, now: Date): Promise<SilenceView> {
  if (!(request.durationMs > 0))
    throw new EngineError('INVALID_SILENCE', 'a silence needs a duration longer than 0 (--for 2h)');
  if (!request.reason.trim())
    throw new EngineError('INVALID_SILENCE', 'a silence needs a reason (--reason "…")');
  const dags = await sql.$queryRaw<
    { dag_id: string }[]
  >`SELECT dag_id FROM dag WHERE dag_id = ${request.dagId}`;
  if (!dags[0]) throw new EngineError('DAG_NOT_FOUND', `no DAG ${request.dagId} (weir dags list)`);
  const endsAt = new Date(now.getTime() + request.durationMs);
  const [row] = await sql.$queryRaw<{ id: number }[]>`
    INSERT INTO alert_silence (dag_id, task_id, starts_at, ends_at, reason, created_by, created_at)
    VALUES (${request.dagId}, ${request.taskId ?? null}, ${now}, ${endsAt}, ${request.reason.trim()},
            ${request.createdBy ?? null}, ${now})
    RETURNING id`;
  return {
    id: row?.id ?? 0,
    dagId: request.dagId,
    taskId: request.taskId ?? null,
    startsAt: now,
    endsAt,
    reason: request.reason.trim(),
    createdBy: request.createdBy ?? null,
    active: true,
  };
}

/** Ends a silence now: incidents it held back are notified by the next pass if still open. */
export async function endSilence(sql: RawSql, silenceId: number, now: Date): Promise<void> {
  const changed = await sql.$executeRaw`
    UPDATE alert_silence SET ends_at = LEAST(ends_at, ${now}) WHERE id = ${silenceId}`;
  if (changed === 0)
    throw new EngineError('SILENCE_NOT_FOUND', `no silence with id ${silenceId} (weir alerts silences)`);
}

/** Silences active now (and, with `all`, those that ended), newest first; `beforeId` pages by id. */
export async function listSilences(
  sql: RawSql,
  now: Date,
  all = false,
  page: { readonly limit?: number; readonly beforeId?: number | null } = {},
): Promise<SilenceView[]> {
  const rows = await sql.$queryRaw<SilenceRow[]>`
    SELECT id, dag_id, task_id, starts_at, ends_at, reason, created_by FROM alert_silence
    WHERE (${all} OR ends_at > ${now}) AND (${page.beforeId ?? null}::int IS NULL OR id < ${page.beforeId ?? null}::int)
    ORDER BY id DESC LIMIT ${page.limit ?? 500}`;
  return rows.map((r) => silenceView(r, now));
}

/** How many silences listSilences would page through. */
export async function countSilences(sql: RawSql, now: Date, all = false): Promise<number> {
  const [row] = await sql.$queryRaw<{ n: number }[]>`
    SELECT COUNT(*)::int AS n FROM alert_silence WHERE ${all} OR ends_at > ${now}`;
  return row?.n ?? 0;
}

/** One silence; SILENCE_NOT_FOUND when there is none with this id. */
export async function getSilence(sql: RawSql, silenceId: number, now: Date): Promise<SilenceView> {
  const [row] = await sql.$queryRaw<SilenceRow[]>`
    SELECT id, dag_id, task_id, starts_at, ends_at, reason, created_by FROM alert_silence WHERE id = ${silenceId}`;
  if (!row)
    throw new EngineError('SILENCE_NOT_FOUND', `no silence with id ${silenceId} (weir alerts silences)`);
  return silenceView(row, now);
}

interface SilenceRow {
  id: number;
  dag_id: string;
  task_id: string | null;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by: string | null;
}

function silenceView(r: SilenceRow, now: Date): SilenceView {
  return {
    id: r.id,
    dagId: r.dag_id,
    taskId: r.task_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    reason: r.reason,
    createdBy: r.created_by,
    active: r.starts_at <= now && r.ends_at > now,
  };
}
