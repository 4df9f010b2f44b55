// Owns reading incidents for display (`weir alerts list|show`, the web UI next): each with its
// state, occurrences and group, and for one incident every delivery of its group with each
// attempt, so an operator sees what was told to whom and what failed.
import type { RawSql } from '@weir/db';
import { EngineError } from '../errors.ts';

export type AlertStateName = 'open' | 'acknowledged' | 'resolved';

export interface AlertView {
  readonly id: number;
  readonly kind: string;
  readonly severity: string;
  readonly state: AlertStateName;
  readonly title: string;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly tryNumber: number | null;
  readonly occurrences: number;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly groupId: number | null;
  /** The run-failure incident it is attached to (inhibition). */
  readonly parentId: number | null;
  readonly flapping: boolean;
  /** Held back by this silence while it lasts (and not notified yet). */
  readonly silenceId: number | null;
  readonly notifiedAt: Date | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  readonly details: Record<string, unknown>;
}

export interface DeliveryView {
  readonly id: number;
  readonly channel: string;
  readonly channelType: string;
  readonly event: string;
  readonly target: string;
  readonly status: 'pending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly response: string | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly nextAttemptAt: Date | null;
  readonly attemptLog: readonly { at: string; ok: boolean; response: string | null; error: string | null }[];
}

export interface AlertQuery {
  readonly state?: AlertStateName;
  readonly dagId?: string;
  /** The incidents of one group (what one notification is about). */
  readonly groupId?: number;
  readonly limit?: number;
}

interface AlertRow {
  id: number;
  kind: string;
  severity: string;
  state: AlertStateName;
  title: string;
  dag_id: string | null;
  run_id: string | null;
  task_id: string | null;
  map_index: number | null;
  try_number: number | null;
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
  group_id: number | null;
  parent_id: number | null;
  flapping: boolean;
  silence_id: number | null;
  notified_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  details: Record<string, unknown> | null;
}

/** Incidents, the latest seen first. */
export async function listAlerts(sql: RawSql, query: AlertQuery = {}): Promise<AlertView[]> {
  const rows = await sql.$queryRaw<AlertRow[]>`
    SELECT id, kind::text AS kind, severity::text AS severity, state::text AS state, title, dag_id, run_id, task_id,
           map_index, try_number, occurrences, first_seen_at, last_seen_at, group_id, parent_id, flapping, silence_id,
           notified_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, details
    FROM alert
    WHERE (${query.state ?? null}::text IS NULL OR state::text = ${query.state ?? null}::text)
      AND (${query.dagId ?? null}::text IS NULL OR dag_id = ${query.dagId ?? null}::text)
      AND (${query.groupId ?? null}::int IS NULL OR group_id = ${query.groupId ?? null}::int)
    ORDER BY last_seen_at DESC, id DESC
    LIMIT ${query.limit ?? 100}`;
  return rows.map(alertView);
}

export interface AlertDetailView extends AlertView {
  /** Every delivery of the incident's group, oldest first. */
  readonly deliveries: readonly DeliveryView[];
}

export async function getAlert(sql: RawSql, alertId: number): Promise<AlertDetailView> {
  const rows = await sql.$queryRaw<AlertRow[]>`
    SELECT id, kind::text AS kind, severity::text AS severity, state::text AS state, title, dag_id, run_id, task_id,
           map_index, try_number, occurrences, first_seen_at, last_seen_at, group_id, parent_id, flapping, silence_id,
           notified_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, details
    FROM alert WHERE id = ${alertId}`;
  const row = rows[0];
  if (!row) throw new EngineError('ALERT_NOT_FOUND', `no alert with id ${alertId} (weir alerts list)`);
  return {
    ...alertView(row),
    deliveries: row.group_id === null ? [] : await listDeliveries(sql, row.group_id),
  };
}

/** A group's deliveries, oldest first. */
export async function listDeliveries(sql: RawSql, groupId: number): Promise<DeliveryView[]> {
  const rows = await sql.$queryRaw<
    {
      id: number;
      channel: string;
      channel_type: string;
      event: string;
      target: string;
      status: 'pending' | 'sent' | 'failed';
      attempts: number;
      response: string | null;
      error: string | null;
      created_at: Date;
      sent_at: Date | null;
      next_attempt_at: Date;
      attempt_log: DeliveryView['attemptLog'];
    }[]
  >`
    SELECT id, channel, channel_type, event, target, status::text AS status, attempts, response, error, created_at,
           sent_at, next_attempt_at, attempt_log
    FROM alert_delivery WHERE group_id = ${groupId} ORDER BY id`;
  return rows.map((d) => ({
    id: d.id,
    channel: d.channel,
    channelType: d.channel_type,
    event: d.event,
    target: d.target,
    status: d.status,
    attempts: d.attempts,
    response: d.response,
    error: d.error,
    createdAt: d.created_at,
    sentAt: d.sent_at,
    nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
    attemptLog: d.attempt_log,
  }));
}

/** Deliveries that gave up, newest first: what the CLI (and the UI next) shows as failed. */
export async function listFailedDeliveries(
  sql: RawSql,
  limit = 100,
): Promise<(DeliveryView & { groupId: number })[]> {
  const rows = await sql.$queryRaw<{ id: number; group_id: number }[]>`
    SELECT id, group_id FROM alert_delivery WHERE status = 'failed' ORDER BY id DESC LIMIT ${limit}`;
  const groups = [...new Set(rows.map((r) => r.group_id))];
  const all = (
    await Promise.all(
      groups.map(async (g) => (await listDeliveries(sql, g)).map((d) => ({ ...d, groupId: g }))),
    )
  )
    .flat()
    .filter((d) => d.status === 'failed');
  return all.sort((a, b) => b.id - a.id);
}

function alertView(r: AlertRow): AlertView {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    title: r.title,
    dagId: r.dag_id,
    runId: r.run_id,
    taskId: r.task_id,
    mapIndex: r.map_index,
    tryNumber: r.try_number,
    occurrences: r.occurrences,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    groupId: r.group_id,
    parentId: r.parent_id,
    flapping: r.flapping,
    silenceId: r.notified_at === null ? r.silence_id : null,
    notifiedAt: r.notified_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    details: r.details ?? {},
  };
}
