// Owns the unhealthy-Weir alert: an orchestrator that silently stops scheduling is the worst
// failure on-call can have. Every component that runs the alert pass checks, from the heartbeat
// rows (component_heartbeat), that a scheduler has been seen within WEIR_UNHEALTHY_AFTER_MS, and
// that every queue with tasks waiting that long has a live worker serving it. Whichever
// component is still alive raises the alert; it resolves when the scheduler (or a worker for
// the queue) is back.
import type { RawSql } from '@weir/db';
import { raiseAlerts } from '@weir/engine';

const SCHEDULER_KEY = 'unhealthy:scheduler';
const queueKey = (queue: string) => `unhealthy:queue:${queue}`;

/** Raises or resolves the unhealthy incidents; returns the keys open after the check. */
export async function checkHealth(tx: RawSql, now: Date, unhealthyAfterMs: number): Promise<string[]> {
  const since = new Date(now.getTime() - unhealthyAfterMs);
  const [scheduler] = await tx.$queryRaw<{ last: Date | null }[]>`
    SELECT MAX(last_seen_at) AS last FROM component_heartbeat WHERE component = 'scheduler'`;
  const unhealthy: { key: string; title: string; details: Record<string, unknown> }[] = [];
  // Only a scheduler that was seen and went away: a worker started alone is not an incident.
  if (scheduler?.last && scheduler.last < since)
    unhealthy.push({
      key: SCHEDULER_KEY,
      title: `no scheduler heartbeat since ${scheduler.last.toISOString()}: nothing new is being scheduled`,
      details: { lastSchedulerHeartbeat: scheduler.last.toISOString() },
    });
  const starved = await tx.$queryRaw<{ queue: string; waiting: number; oldest: Date }[]>`
    SELECT t.queue, COUNT(*)::int AS waiting, MIN(t.queued_at) AS oldest
    FROM task_instance t
    WHERE t.state = 'queued' AND t.queued_at < ${since}
    GROUP BY t.queue
    HAVING NOT EXISTS (SELECT 1 FROM component_heartbeat w
                       WHERE w.component = 'worker' AND w.stopped_at IS NULL AND w.last_seen_at >= ${since}
                         AND t.queue = ANY(w.queues))`;
  for (const q of starved)
    unhealthy.push({
      key: queueKey(q.queue),
      title: `queue ${q.queue} has ${q.waiting} task${q.waiting === 1 ? '' : 's'} waiting since ${q.oldest.toISOString()} and no worker serving it`,
      details: { queue: q.queue, waiting: q.waiting, oldestQueuedAt: q.oldest.toISOString() },
    });
  const keys = unhealthy.map((u) => u.key);
  await tx.$executeRaw`
    UPDATE alert SET state = 'resolved', open_key = NULL, resolved_at = ${now}, resolved_by = 'healthy again'
    WHERE kind = 'unhealthy' AND state IN ('open', 'acknowledged') AND NOT (dedup_key = ANY(${keys}::text[]))`;
  if (unhealthy.length === 0) return [];
  // Raised once per incident, not once per check: occurrences would only count checks.
  const open = await tx.$queryRaw<{ open_key: string }[]>`
    SELECT open_key FROM alert WHERE open_key = ANY(${keys}::text[])`;
  const already = new Set(open.map((o) => o.open_key));
  await raiseAlerts(
    tx,
    unhealthy
      .filter((u) => !already.has(u.key))
      .map((u) => ({
        kind: 'unhealthy' as const,
        severity: 'critical' as const,
        dedupKey: u.key,
        title: `Weir is unhealthy: ${u.title}`,
        details: u.details,
        dagId: null,
        runId: null,
        taskId: null,
        at: now,
      })),
  );
  return keys;
}
