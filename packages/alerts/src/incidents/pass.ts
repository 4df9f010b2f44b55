// Owns the alert pass: what turns incident rows into deliveries. Raising an alert only writes its
// incident (in the transaction of the state change, @weir/engine's alert-raise.ts); this pass,
// run about every second by every scheduler and worker (one at a time, under an advisory lock),
// does what Alertmanager does with them:
//   - resolves incidents whose task (or DAG) has succeeded since, and files that import again;
//   - holds back incidents matching a silence (still recorded);
//   - groups the incidents of one DAG (so of each of its runs) opened within groupWait into one
//     notification, attaches task failures of a run whose run failure is already notified to it
//     (inhibition), and notifies a flapping incident at most once an hour;
//   - re-notifies open, unacknowledged groups every repeatInterval;
//   - notifies a group's resolution once every incident in it has resolved;
//   - and hands pending deliveries to the delivery queue, again when their job was lost.
// Channels are picked by routing (the DAG's and task's `alerts`, then the route).
import type { RawSql } from '@weir/db';
import type { SerializedDag } from '@weir/sdk';
import { channelsFor } from '../routing.ts';
import type { AlertKind, AlertsConfig, ChannelConfig } from '../types.ts';
import { checkHealth } from './health.ts';
import { channelTarget } from './targets.ts';

/** Hands a delivery to the delivery queue (@weir/queue's AlertQueue). */
export interface DeliveryEnqueuer {
  enqueueDelivery(job: { deliveryId: number; attempt: number }, delayMs: number): Promise<void>;
}

export interface AlertPassOptions {
  readonly sql: RawSql;
  readonly config: AlertsConfig;
  readonly queue: DeliveryEnqueuer;
  readonly now: Date;
  /** WEIR_UNHEALTHY_AFTER_MS: the health check's threshold. */
  readonly unhealthyAfterMs: number;
}

export interface AlertPassReport {
  /** False when another process held the pass's lock. */
  readonly ran: boolean;
  readonly resolved: number;
  readonly groupsNotified: number;
  readonly deliveriesCreated: number;
  readonly enqueued: number;
}

const PASS_LOCK = 0x5745_4952; // 'WEIR'
/** A pending delivery whose next attempt is this late has lost its job: enqueue it again. */
const LOST_JOB_AFTER_MS = 30_000;
const FLAP_WINDOW_MS = 3_600_000;
const FLAP_OPENINGS = 3;
/** Kinds whose incident belongs to a run, and so to the run's group. */
const RUN_SCOPED: ReadonlySet<string> = new Set([
  'task_failed',
  'run_failed',
  'retrying',
  'sensor_timed_out',
  'deadline_missed',
  'data_quality_failed',
  'volume_drop',
  'freshness',
]);
const TASK_KINDS = ['task_failed', 'retrying', 'sensor_timed_out'];

interface PendingRow {
  id: number;
  kind: AlertKind;
  dedup_key: string;
  dag_id: string | null;
  /** The run it opened in. */
  run_id: string | null;
  task_id: string | null;
  first_seen_at: Date;
}

/** One pass; a no-op (ran: false) while another process runs one. */
export async function runAlertPass(options: AlertPassOptions): Promise<AlertPassReport> {
  const { sql, now } = options;
  const report = await sql.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { ok: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(${PASS_LOCK}) AS ok`;
    if (!lock?.ok) return null;
    await checkHealth(tx, now, options.unhealthyAfterMs);
    const resolved = await resolveIncidents(tx, now);
    await markSilenced(tx, now);
    const { groups, deliveries } = await notifyNewGroups(tx, options);
    const repeated = await notifyRepeats(tx, options);
    const resolutions = await notifyResolutions(tx, now);
    return { resolved, groupsNotified: groups, deliveriesCreated: deliveries + repeated + resolutions };
  });
  if (!report) return { ran: false, resolved: 0, groupsNotified: 0, deliveriesCreated: 0, enqueued: 0 };
  const enqueued = await enqueuePending(sql, options.queue, now);
  return { ran: true, ...report, enqueued };
}

/** Incidents whose cause is over: the task (every instance of it in a later run) or DAG succeeded. */
async function resolveIncidents(tx: RawSql, now: Date): Promise<number> {
  const tasks = await tx.$executeRaw`
    UPDATE alert a SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = 'task succeeded'
    WHERE a.state IN ('open', 'acknowledged') AND a.kind::text = ANY(${TASK_KINDS}::text[])
      AND EXISTS (
        SELECT 1 FROM dag_run r
        JOIN task_instance t ON t.dag_run_id = r.id AND t.task_id = a.task_id
        WHERE r.dag_id = a.dag_id
          AND r.logical_date >= COALESCE((SELECT o.logical_date FROM dag_run o WHERE o.dag_id = a.dag_id AND o.run_id = a.run_id), '-infinity')
          AND t.state = 'success' AND t.ended_at > a.last_seen_at
          AND NOT EXISTS (SELECT 1 FROM task_instance u WHERE u.dag_run_id = r.id AND u.task_id = a.task_id
                          AND u.state::text NOT IN ('success', 'skipped')))`;
  const runs = await tx.$executeRaw`
    UPDATE alert a SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = 'run succeeded'
    WHERE a.state IN ('open', 'acknowledged') AND a.kind IN ('run_failed', 'deadline_missed')
      AND (a.task_id IS NULL OR a.kind = 'run_failed')
      AND EXISTS (SELECT 1 FROM dag_run r WHERE r.state = 'success' AND r.dag_id = a.dag_id AND r.ended_at > a.last_seen_at)`;
  const taskDeadlines = await tx.$executeRaw`
    UPDATE alert a SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = 'task succeeded'
    WHERE a.state IN ('open', 'acknowledged') AND a.kind = 'deadline_missed' AND a.task_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM dag_run r JOIN task_instance t ON t.dag_run_id = r.id AND t.task_id = a.task_id
                  WHERE r.dag_id = a.dag_id AND t.state = 'success' AND t.ended_at > a.last_seen_at)`;
  const files = await tx.$executeRaw`
    UPDATE alert a SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = 'the file imports again'
    WHERE a.state IN ('open', 'acknowledged') AND a.kind = 'import_error'
      AND NOT EXISTS (SELECT 1 FROM import_error e WHERE e.fileloc = a.details->>'fileloc')`;
  return tasks + runs + taskDeadlines + files;
}

/** Waiting incidents that an active silence matches are held back (and say which silence). */
async function markSilenced(tx: RawSql, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE alert a SET silence_id = s.id
    FROM alert_silence s
    WHERE a.group_id IS NULL AND a.notified_at IS NULL AND a.state = 'open'
      AND s.starts_at <= ${now} AND s.ends_at > ${now}
      AND s.dag_id = a.dag_id AND (s.task_id IS NULL OR s.task_id = a.task_id)
      AND a.silence_id IS DISTINCT FROM s.id`;
}

/** Waiting incidents, not silenced now. */
async function pendingIncidents(tx: RawSql, now: Date): Promise<PendingRow[]> {
  return tx.$queryRaw<PendingRow[]>`
    SELECT a.id, a.kind::text AS kind, a.dedup_key, a.dag_id, a.opened_run_id AS run_id, a.task_id, a.first_seen_at
    FROM alert a
    WHERE a.group_id IS NULL AND a.notified_at IS NULL AND a.state = 'open'
      AND NOT EXISTS (SELECT 1 FROM alert_silence s WHERE s.starts_at <= ${now} AND s.ends_at > ${now}
                      AND s.dag_id = a.dag_id AND (s.task_id IS NULL OR s.task_id = a.task_id))
    ORDER BY a.first_seen_at, a.id
    LIMIT 5000`;
}

async function notifyNewGroups(
  tx: RawSql,
  options: AlertPassOptions,
): Promise<{ groups: number; deliveries: number }> {
  const { now, config } = options;
  const pending = await pendingIncidents(tx, now);
  if (pending.length === 0) return { groups: 0, deliveries: 0 };
  const remaining = await attachToNotifiedRunFailures(tx, pending, now);
  const clusters = new Map<string, PendingRow[]>();
  for (const row of remaining) {
    // By DAG, not only by run: runs of one DAG failing together (a catchup, a bad deploy) are
    // one message too; a run's incidents are always in one group.
    const key = RUN_SCOPED.has(row.kind) && row.dag_id ? `dag:${row.dag_id}` : `#${row.id}`;
    clusters.set(key, [...(clusters.get(key) ?? []), row]);
  }
  const dags = await serializedDags(tx, [...new Set(remaining.flatMap((r) => (r.dag_id ? [r.dag_id] : [])))]);
  let groups = 0;
  let deliveries = 0;
  for (const cluster of clusters.values()) {
    const opened = Math.min(...cluster.map((r) => r.first_seen_at.getTime()));
    if (opened + config.groupWaitMs > now.getTime()) continue;
    const notified = await withoutFlappingRepeats(tx, cluster, now);
    if (notified.length === 0) continue;
    const first = notified[0] as PendingRow;
    const [group] = await tx.$queryRaw<{ id: number }[]>`
      INSERT INTO alert_group (dag_id, run_id, created_at, last_notified_at)
      VALUES (${first.dag_id}, ${RUN_SCOPED.has(first.kind) ? first.run_id : null}, ${now}, ${now}) RETURNING id`;
    if (!group) continue;
    const ids = notified.map((r) => r.id);
    await tx.$executeRaw`UPDATE alert SET group_id = ${group.id}, notified_at = ${now} WHERE id = ANY(${ids}::int[])`;
    // Task failures of the run attach to the run's failure in the same group (inhibition).
    const runFailure = notified.find((r) => r.kind === 'run_failed');
    if (runFailure)
      await tx.$executeRaw`
        UPDATE alert SET parent_id = ${runFailure.id}
        WHERE id = ANY(${ids}::int[]) AND id <> ${runFailure.id} AND kind::text = ANY(${TASK_KINDS}::text[])`;
    const channels = new Set<string>();
    for (const row of notified) {
      const dag = row.dag_id ? (dags.get(row.dag_id) ?? null) : null;
      for (const name of channelsFor(config, row.kind, dag, row.task_id)) channels.add(name);
    }
    deliveries += await insertDeliveries(tx, config, group.id, [...channels], 'trigger', now);
    groups += 1;
  }
  return { groups, deliveries };
}

/**
 * Inhibition: what on-call was told about already does not page again. Task incidents of a run
 * whose run failure was notified go into that group without a message of their own; a run failure
 * whose failed task was notified (and is still open) goes into that task's group. The others are
 * returned.
 */
async function attachToNotifiedRunFailures(
  tx: RawSql,
  pending: PendingRow[],
  now: Date,
): Promise<PendingRow[]> {
  const tasks = pending.filter((r) => TASK_KINDS.includes(r.kind) && r.dag_id && r.run_id);
  const runs = pending.filter((r) => r.kind === 'run_failed' && r.dag_id && r.run_id);
  const gone = new Set<number>();
  if (tasks.length > 0) {
    const attached = await tx.$queryRaw<{ id: number }[]>`
      UPDATE alert a SET parent_id = p.id, group_id = p.group_id, notified_at = ${now}
      FROM alert p
      WHERE a.id = ANY(${tasks.map((r) => r.id)}::int[])
        AND p.kind = 'run_failed' AND p.state IN ('open', 'acknowledged') AND p.group_id IS NOT NULL
        AND p.dag_id = a.dag_id AND (p.run_id = a.run_id OR p.run_id = a.opened_run_id)
      RETURNING a.id`;
    for (const r of attached) gone.add(r.id);
  }
  if (runs.length > 0) {
    const attached = await tx.$queryRaw<{ id: number }[]>`
      UPDATE alert a SET group_id = c.group_id, notified_at = ${now}
      FROM (
        SELECT DISTINCT ON (r.id) r.id, t.group_id
        FROM alert r
        JOIN alert t ON t.dag_id = r.dag_id AND t.kind::text = ANY(${TASK_KINDS}::text[])
                    AND t.state IN ('open', 'acknowledged') AND t.group_id IS NOT NULL
        JOIN task_instance ti ON ti.dag_id = r.dag_id AND ti.run_id = r.opened_run_id AND ti.task_id = t.task_id
                             AND ti.state = 'failed'
        WHERE r.id = ANY(${runs.map((r) => r.id)}::int[])
        ORDER BY r.id, t.id
      ) c
      WHERE a.id = c.id
      RETURNING a.id`;
    for (const r of attached) gone.add(r.id);
  }
  return pending.filter((r) => !gone.has(r.id));
}

/**
 * Marks incidents that opened more than 3 times within the hour as flapping; those of them whose
 * key was notified within the hour are recorded as notified without a message. Returns the rest.
 */
async function withoutFlappingRepeats(tx: RawSql, cluster: PendingRow[], now: Date): Promise<PendingRow[]> {
  const since = new Date(now.getTime() - FLAP_WINDOW_MS);
  const rows = await tx.$queryRaw<{ id: number; openings: number; notified_recently: boolean }[]>`
    SELECT a.id,
           (SELECT COUNT(*)::int FROM alert b WHERE b.dedup_key = a.dedup_key AND b.first_seen_at > ${since}) AS openings,
           EXISTS (SELECT 1 FROM alert b WHERE b.dedup_key = a.dedup_key AND b.id <> a.id
                   AND b.notified_at > ${since} AND b.group_id IS NOT NULL) AS notified_recently
    FROM alert a WHERE a.id = ANY(${cluster.map((r) => r.id)}::int[])`;
  const flapping = rows.filter((r) => r.openings > FLAP_OPENINGS);
  if (flapping.length === 0) return cluster;
  await tx.$executeRaw`UPDATE alert SET flapping = true WHERE id = ANY(${flapping.map((r) => r.id)}::int[])`;
  const quiet = new Set(flapping.filter((r) => r.notified_recently).map((r) => r.id));
  if (quiet.size === 0) return cluster;
  await tx.$executeRaw`
    UPDATE alert SET notified_at = ${now}, details = details || '{"suppressed":"flapping: notified within the hour"}'::jsonb
    WHERE id = ANY(${[...quiet]}::int[])`;
  return cluster.filter((r) => !quiet.has(r.id));
}

/** Open, unacknowledged groups not notified for repeatInterval: "still failing". */
async function notifyRepeats(tx: RawSql, options: AlertPassOptions): Promise<number> {
  const { now, config } = options;
  const due = await tx.$queryRaw<{ id: number }[]>`
    UPDATE alert_group g SET last_notified_at = ${now}
    WHERE g.resolved_at IS NULL AND g.acknowledged_at IS NULL
      AND g.last_notified_at <= ${new Date(now.getTime() - config.repeatIntervalMs)}
      AND EXISTS (SELECT 1 FROM alert a WHERE a.group_id = g.id AND a.state = 'open')
    RETURNING g.id`;
  let created = 0;
  for (const group of due) created += await followUp(tx, group.id, 'repeat', now);
  return created;
}

/** Groups whose every incident has resolved: tell each channel that heard of them. */
async function notifyResolutions(tx: RawSql, now: Date): Promise<number> {
  const done = await tx.$queryRaw<{ id: number }[]>`
    UPDATE alert_group g SET resolved_at = ${now}
    WHERE g.resolved_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.group_id = g.id AND a.state <> 'resolved')
    RETURNING g.id`;
  let created = 0;
  for (const group of done) created += await followUp(tx, group.id, 'resolve', now);
  return created;
}

/**
 * A later event of a group, for every channel its trigger went to (or is going to): the
 * delivery waits for the trigger's message, so that it can reply in its thread.
 */
export async function followUp(
  tx: Pick<RawSql, '$executeRaw'>,
  groupId: number,
  event: 'repeat' | 'acknowledge' | 'resolve',
  now: Date,
): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO alert_delivery (group_id, channel, channel_type, event, target, dedup_key, next_attempt_at, created_at)
    SELECT t.group_id, t.channel, t.channel_type, ${event}, t.target, t.dedup_key, ${now}, ${now}
    FROM alert_delivery t
    WHERE t.group_id = ${groupId} AND t.event = 'trigger'
      -- PagerDuty has nothing to say about a repeat: the incident is open there until resolved.
      AND NOT (${event} = 'repeat' AND t.channel_type = 'pagerduty')
      -- Email and Slack have no acknowledge to show but a reply; PagerDuty's is its own event.
      AND NOT (${event} = 'acknowledge' AND t.channel_type = 'email')
    ORDER BY t.id`;
}

async function insertDeliveries(
  tx: RawSql,
  config: AlertsConfig,
  groupId: number,
  channels: readonly string[],
  event: 'trigger',
  now: Date,
): Promise<number> {
  const known = channels.flatMap((name) => {
    const channel = config.channels[name];
    return channel ? [{ name, channel }] : [];
  });
  if (known.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO alert_delivery (group_id, channel, channel_type, event, target, dedup_key, next_attempt_at, created_at)
    SELECT ${groupId}, c.name, c.type, ${event}, c.target, ${groupDedupKey(groupId)}, ${now}, ${now}
    FROM unnest(${known.map((k) => k.name)}::text[], ${known.map((k) => k.channel.type)}::text[],
                ${known.map((k) => channelTarget(k.channel as ChannelConfig))}::text[]) AS c(name, type, target)`;
}

/** PagerDuty's dedup_key of a group: stable, so its resolve closes the same incident. */
export function groupDedupKey(groupId: number): string {
  return `weir-group-${groupId}`;
}

async function serializedDags(tx: RawSql, dagIds: readonly string[]): Promise<Map<string, SerializedDag>> {
  if (dagIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ dag_id: string; serialized: SerializedDag }[]>`
    SELECT dag_id, serialized FROM dag WHERE dag_id = ANY(${[...dagIds]}::text[])`;
  return new Map(rows.map((r) => [r.dag_id, r.serialized]));
}

/**
 * Pending deliveries never handed to the queue, or whose job was lost (its next attempt is long
 * overdue: Redis was flushed, a worker died mid-send). Job ids are per attempt, so a job still
 * in Redis is not added twice.
 */
async function enqueuePending(sql: RawSql, queue: DeliveryEnqueuer, now: Date): Promise<number> {
  const rows = await sql.$queryRaw<{ id: number; attempts: number; next_attempt_at: Date }[]>`
    UPDATE alert_delivery SET enqueued_at = ${now}
    WHERE id IN (SELECT id FROM alert_delivery
                 WHERE status = 'pending'
                   AND (enqueued_at IS NULL OR next_attempt_at < ${new Date(now.getTime() - LOST_JOB_AFTER_MS)})
                 ORDER BY id LIMIT 1000)
    RETURNING id, attempts, next_attempt_at`;
  for (const row of rows)
    await queue.enqueueDelivery(
      { deliveryId: row.id, attempt: row.attempts },
      Math.max(0, row.next_attempt_at.getTime() - now.getTime()),
    );
  return rows.length;
}
