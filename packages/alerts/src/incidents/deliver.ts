// Owns one delivery attempt: a job of the delivery queue names a delivery row and its attempt;
// this claims the row (so a duplicate job does nothing), builds the group's notification, sends
// it through the channel, and records the answer. A failure is retried with exponential backoff
// (or when the peer says, Retry-After) until it succeeds, the peer says retrying cannot help, or
// the delivery is older than WEIR_ALERT_DELIVERY_MAX_AGE; then it is marked failed, never dropped.
import type { RawSql } from '@weir/db';
import { type AlertView, listAlerts } from '@weir/engine';
import {
  type AlertChannel,
  type AlertKind,
  type DeliveryResult,
  type IncidentSummary,
  type Notification,
  type NotificationEvent,
  runUrl,
  SEVERITIES,
  type Severity,
  type ThreadRef,
  taskInstanceUrl,
} from '../types.ts';
import type { DeliveryEnqueuer } from './pass.ts';

export interface DeliverOptions {
  readonly sql: RawSql;
  readonly channels: ReadonlyMap<string, AlertChannel>;
  readonly queue: DeliveryEnqueuer;
  readonly baseUrl: string;
  readonly source: string;
  readonly maxAgeMs: number;
  readonly clock: () => Date;
}

export type DeliveryOutcome = 'sent' | 'retrying' | 'failed' | 'waiting' | 'stale';

interface DeliveryRow {
  id: number;
  group_id: number;
  channel: string;
  event: NotificationEvent;
  attempts: number;
  created_at: Date;
}

/** How long a claimed attempt may take before the pass may hand the delivery out again. */
const CLAIM_MS = 120_000;
const MAX_BACKOFF_MS = 300_000;
const ERROR_LINES = 8;

export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/** One attempt of one delivery (a job of the delivery queue). */
export async function deliver(
  options: DeliverOptions,
  job: { deliveryId: number; attempt: number },
): Promise<DeliveryOutcome> {
  const { sql, clock } = options;
  const now = clock();
  const [row] = await sql.$queryRaw<DeliveryRow[]>`
    UPDATE alert_delivery SET attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + CLAIM_MS)}
    WHERE id = ${job.deliveryId} AND status = 'pending' AND attempts = ${job.attempt}
    RETURNING id, group_id, channel, event, attempts, created_at`;
  if (!row) return 'stale';
  let thread: ThreadRef | null = null;
  if (row.event !== 'trigger') {
    const trigger = await triggerOf(sql, row);
    if (trigger?.status === 'pending') {
      // Reply once the first message is out: give the claimed attempt back, look again soon.
      await sql.$executeRaw`
        UPDATE alert_delivery SET attempts = attempts - 1, next_attempt_at = ${new Date(now.getTime() + 1_000)}
        WHERE id = ${row.id} AND attempts = ${row.attempts}`;
      await options.queue.enqueueDelivery({ deliveryId: row.id, attempt: row.attempts - 1 }, 1_000);
      return 'waiting';
    }
    thread = trigger?.thread ?? null;
  }
  const channel = options.channels.get(row.channel);
  const result: DeliveryResult = channel
    ? await channel.send(await notificationOf(options, row, thread)).catch((error: unknown) => ({
        ok: false as const,
        permanent: false,
        error: error instanceof Error ? error.message : String(error),
      }))
    : {
        ok: false,
        permanent: true,
        error: `channel "${row.channel}" is not configured (alerts.yaml or the SLACK_/PAGERDUTY_/SMTP_ variables)`,
      };
  return record(options, row, result);
}

async function triggerOf(
  sql: RawSql,
  row: DeliveryRow,
): Promise<{ status: string; thread: ThreadRef | null } | undefined> {
  const [trigger] = await sql.$queryRaw<
    {
      status: string;
      slack_channel: string | null;
      slack_ts: string | null;
      email_message_id: string | null;
    }[]
  >`
    SELECT status::text AS status, slack_channel, slack_ts, email_message_id FROM alert_delivery
    WHERE group_id = ${row.group_id} AND channel = ${row.channel} AND event = 'trigger'
    ORDER BY id LIMIT 1`;
  if (!trigger) return undefined;
  const thread: ThreadRef = {
    ...(trigger.slack_channel ? { slackChannel: trigger.slack_channel } : {}),
    ...(trigger.slack_ts ? { slackTs: trigger.slack_ts } : {}),
    ...(trigger.email_message_id ? { emailMessageId: trigger.email_message_id } : {}),
  };
  return { status: trigger.status, thread: trigger.status === 'sent' ? thread : null };
}

async function record(
  options: DeliverOptions,
  row: DeliveryRow,
  result: DeliveryResult,
): Promise<DeliveryOutcome> {
  const { sql } = options;
  const now = options.clock();
  const entry = JSON.stringify([
    {
      at: now.toISOString(),
      ok: result.ok,
      response: result.response ?? null,
      error: result.ok ? null : result.error,
    },
  ]);
  if (result.ok) {
    await sql.$executeRaw`
      UPDATE alert_delivery
      SET status = 'sent', sent_at = ${now}, response = ${result.response}, error = NULL,
          attempt_log = attempt_log || ${entry}::jsonb,
          slack_channel = COALESCE(${result.thread?.slackChannel ?? null}, slack_channel),
          slack_ts = COALESCE(${result.thread?.slackTs ?? null}, slack_ts),
          email_message_id = COALESCE(${result.thread?.emailMessageId ?? null}, email_message_id)
      WHERE id = ${row.id} AND attempts = ${row.attempts}`;
    return 'sent';
  }
  const age = now.getTime() - row.created_at.getTime();
  const delay = result.retryAfterMs ?? retryDelayMs(row.attempts);
  const giveUp = result.permanent || age + delay > options.maxAgeMs;
  const error =
    giveUp && !result.permanent ? `${result.error} (gave up after ${row.attempts} attempts)` : result.error;
  const next = new Date(now.getTime() + delay);
  await sql.$executeRaw`
    UPDATE alert_delivery
    SET status = ${giveUp ? 'failed' : 'pending'}::"DeliveryStatus", response = ${result.response ?? null},
        error = ${error}, attempt_log = attempt_log || ${entry}::jsonb, next_attempt_at = ${next}, enqueued_at = ${now}
    WHERE id = ${row.id} AND attempts = ${row.attempts}`;
  if (giveUp) return 'failed';
  await options.queue.enqueueDelivery({ deliveryId: row.id, attempt: row.attempts }, delay);
  return 'retrying';
}

/** The notification of a delivery's group, as it stands now. */
export async function notificationOf(
  options: Pick<DeliverOptions, 'sql' | 'baseUrl' | 'source'>,
  row: Pick<DeliveryRow, 'group_id' | 'event'>,
  thread: ThreadRef | null,
): Promise<Notification> {
  // The run's failure first, then what is attached to it, then the rest by task.
  const rows = (await listAlerts(options.sql, { groupId: row.group_id, limit: 10_000 })).sort(
    (a, b) =>
      Number(a.parentId !== null) - Number(b.parentId !== null) ||
      Number(a.kind !== 'run_failed') - Number(b.kind !== 'run_failed') ||
      (a.taskId ?? '').localeCompare(b.taskId ?? '') ||
      a.id - b.id,
  );
  const incidents = rows.map((r) => incidentSummary(options.baseUrl, r));
  return {
    event: row.event,
    groupKey: `weir-group-${row.group_id}`,
    summary: summaryOf(incidents),
    severity: highest(incidents.map((i) => i.severity)),
    incidents,
    thread,
    source: options.source,
    baseUrl: options.baseUrl,
  };
}

function incidentSummary(baseUrl: string, r: AlertView): IncidentSummary {
  const url =
    r.dagId && r.runId && r.taskId
      ? taskInstanceUrl(baseUrl, {
          dagId: r.dagId,
          runId: r.runId,
          taskId: r.taskId,
          tryNumber: r.tryNumber,
          mapIndex: r.mapIndex,
        })
      : r.dagId
        ? runUrl(baseUrl, r.dagId, r.runId)
        : baseUrl.replace(/\/+$/, '') + (r.kind === 'import_error' ? '/dags' : '/');
  const details = r.details as { error?: unknown; failedTasks?: unknown };
  const failedTasks = Array.isArray(details.failedTasks) ? details.failedTasks.map(String) : [];
  const error =
    typeof details.error === 'string'
      ? details.error
      : failedTasks.length > 0
        ? `failed tasks: ${failedTasks.join(', ')}`
        : '';
  return {
    id: r.id,
    kind: r.kind as AlertKind,
    severity: r.severity as Severity,
    title: r.title,
    dagId: r.dagId,
    runId: r.runId,
    taskId: r.taskId,
    mapIndex: r.mapIndex !== null && r.mapIndex >= 0 ? r.mapIndex : null,
    tryNumber: r.tryNumber,
    errorLines: error
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .slice(0, ERROR_LINES),
    occurrences: r.occurrences,
    state: r.state,
    flapping: r.flapping,
    url,
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
  };
}

function summaryOf(incidents: readonly IncidentSummary[]): string {
  const [first] = incidents;
  if (!first) return 'no incidents';
  if (incidents.length === 1) return first.title;
  const oneRun = first.runId !== null && incidents.every((i) => i.runId === first.runId);
  const where = first.dagId ? ` in ${oneRun ? `run ${first.runId} of ` : ''}${first.dagId}` : '';
  return `${incidents.length} incidents${where}: ${first.title}, and ${incidents.length - 1} more`;
}

function highest(severities: readonly Severity[]): Severity {
  for (const s of SEVERITIES) if (severities.includes(s)) return s;
  return 'info';
}
