// Owns the read model of the two pages an operator opens first: the dashboard ("is my system
// healthy?": components' heartbeats, queues, runs, alerts, import errors, pools) and the DAG
// list (every DAG with its schedule, paused state, latest runs and next run). Plain DTOs, each
// read in a few indexed statements whatever the history's size.
import type { RawSql } from '@weir/db';

export interface ComponentView {
  readonly component: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
  readonly queues: readonly string[];
  /** Seen within the last `aliveWithinMs`, and not stopped. */
  readonly alive: boolean;
}

export interface QueueView {
  readonly queue: string;
  readonly queued: number;
  readonly running: number;
  readonly oldestQueuedAt: Date | null;
}

export interface PoolView {
  readonly name: string;
  readonly slots: number;
  readonly used: number;
}

export interface DashboardView {
  readonly components: readonly ComponentView[];
  readonly queues: readonly QueueView[];
  readonly runs: { readonly running: number; readonly failed24h: number; readonly succeeded24h: number };
  readonly openAlerts: number;
  readonly importErrors: number;
  readonly pools: readonly PoolView[];
}

export async function dashboard(sql: RawSql, now: Date, aliveWithinMs: number): Promise<DashboardView> {
  const since = new Date(now.getTime() - aliveWithinMs);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [components, queues, runs, alerts, errors, pools] = await Promise.all([
    sql.$queryRaw<
      {
        component: string;
        host: string;
        pid: number;
        started_at: Date;
        last_seen_at: Date;
        stopped_at: Date | null;
        queues: string[];
      }[]
    >`
      SELECT component, host, pid, started_at, last_seen_at, stopped_at, queues FROM component_heartbeat
      WHERE last_seen_at > ${new Date(now.getTime() - 3_600_000)}
      ORDER BY component, host, pid, started_at DESC`,
    sql.$queryRaw<{ queue: string; queued: number; running: number; oldest: Date | null }[]>`
      SELECT queue, COUNT(*) FILTER (WHERE state = 'queued')::int AS queued,
             COUNT(*) FILTER (WHERE state = 'running')::int AS running,
             MIN(queued_at) FILTER (WHERE state = 'queued') AS oldest
      FROM task_instance WHERE state IN ('queued', 'running') GROUP BY queue ORDER BY queue`,
    sql.$queryRaw<{ running: number; failed: number; succeeded: number }[]>`
      SELECT (SELECT COUNT(*)::int FROM dag_run WHERE state = 'running') AS running,
             (SELECT COUNT(*)::int FROM dag_run WHERE state = 'failed' AND ended_at > ${dayAgo}) AS failed,
             (SELECT COUNT(*)::int FROM dag_run WHERE state = 'success' AND ended_at > ${dayAgo}) AS succeeded`,
    sql.$queryRaw<
      { n: number }[]
    >`SELECT COUNT(*)::int AS n FROM alert WHERE state IN ('open', 'acknowledged')`,
    sql.$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM import_error`,
    sql.$queryRaw<{ name: string; slots: number; used: number }[]>`
      SELECT p.name, p.slots,
             (SELECT COALESCE(SUM(t.pool_slots), 0)::int FROM task_instance t
              WHERE t.pool = p.name AND t.state IN ('queued', 'running')) AS used
      FROM pool p ORDER BY p.name`,
  ]);
  return {
    components: components.map((c) => ({
      component: c.component,
      host: c.host,
      pid: c.pid,
      startedAt: c.started_at,
      lastSeenAt: c.last_seen_at,
      queues: c.queues,
      alive: c.stopped_at === null && c.last_seen_at > since,
    })),
    queues: queues.map((q) => ({
      queue: q.queue,
      queued: q.queued,
      running: q.running,
      oldestQueuedAt: q.oldest,
    })),
    runs: {
      running: runs[0]?.running ?? 0,
      failed24h: runs[0]?.failed ?? 0,
      succeeded24h: runs[0]?.succeeded ?? 0,
    },
    openAlerts: alerts[0]?.n ?? 0,
    importErrors: errors[0]?.n ?? 0,
    pools,
  };
}

export interface DagListEntry {
  readonly dagId: string;
  readonly description: string | null;
  readonly owner: string | null;
  readonly tags: readonly string[];
  readonly isPaused: boolean;
  readonly fileloc: string;
  /** The cron expression or preset, 'on assets', or null (manual only). */
  readonly schedule: string | null;
  readonly nextRunAt: Date | null;
  /** Newest first, at most 10. */
  readonly recentRuns: readonly {
    readonly runId: string;
    readonly state: string;
    readonly logicalDate: Date;
  }[];
}

export interface DagListQuery {
  readonly search?: string;
  readonly tag?: string;
  readonly paused?: boolean;
}

/** Active DAGs by id, each with its 10 latest runs (one statement, a lateral index probe per DAG). */
export async function listDagsOverview(sql: RawSql, query: DagListQuery = {}): Promise<DagListEntry[]> {
  const search = query.search?.trim() ? `%${query.search.trim()}%` : null;
  const rows = await sql.$queryRaw<
    {
      dag_id: string;
      description: string | null;
      owner: string | null;
      tags: string[] | null;
      is_paused: boolean;
      fileloc: string;
      schedule: string | null;
      next_run: Date | null;
      runs: { run_id: string; state: string; logical_date: string }[] | null;
    }[]
  >`
    SELECT d.dag_id, d.description, d.owner, d.tags, d.is_paused, d.fileloc,
           COALESCE(d.schedule, CASE WHEN jsonb_typeof(d.serialized->'assetSchedule') = 'object' THEN 'on assets' END) AS schedule,
           d.next_dagrun_logical_date AS next_run,
           (SELECT json_agg(json_build_object('run_id', r.run_id, 'state', r.state, 'logical_date', r.logical_date)
                            ORDER BY r.logical_date DESC, r.id DESC)
            FROM (SELECT run_id, state, logical_date, id FROM dag_run WHERE dag_id = d.dag_id
                  ORDER BY logical_date DESC, id DESC LIMIT 10) r) AS runs
    FROM dag d
    WHERE d.is_active
      AND (${search}::text IS NULL OR d.dag_id ILIKE ${search}::text)
      AND (${query.tag ?? null}::text IS NULL OR ${query.tag ?? ''}::text = ANY(d.tags))
      AND (${query.paused ?? null}::boolean IS NULL OR d.is_paused = ${query.paused ?? null}::boolean)
    ORDER BY d.dag_id`;
  return rows.map((r) => ({
    dagId: r.dag_id,
    description: r.description,
    owner: r.owner,
    tags: r.tags ?? [],
    isPaused: r.is_paused,
    fileloc: r.fileloc,
    schedule: r.schedule,
    nextRunAt: r.next_run,
    recentRuns: (r.runs ?? []).map((run) => ({
      runId: run.run_id,
      state: run.state,
      logicalDate: new Date(`${run.logical_date}Z`),
    })),
  }));
}
