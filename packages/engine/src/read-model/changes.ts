// Owns telling readers that something they may be showing changed: a token that differs whenever
// a run that is queued or running (or ended in the last minute) changes state or has a task
// instance change, or an incident is raised or changes state. Readers poll it (the web server
// once a second for all its open pages) instead of the engine notifying on its hot path.
import type { RawSql } from '@weir/db';

export async function changeToken(sql: RawSql, now: Date): Promise<string> {
  const since = new Date(now.getTime() - 60_000);
  const [row] = await sql.$queryRaw<{ token: string | null }[]>`
    SELECT md5(COALESCE(string_agg(x.part, ',' ORDER BY x.part), '')) AS token FROM (
      SELECT r.id || ':' || r.state::text || ':' ||
             COALESCE((SELECT MAX(t.updated_at)::text || '#' || COUNT(*) FROM task_instance t WHERE t.dag_run_id = r.id), '') AS part
      FROM dag_run r WHERE r.state IN ('queued', 'running')
      UNION ALL
      SELECT r.id || ':' || r.state::text FROM dag_run r WHERE r.ended_at > ${since}
      UNION ALL
      SELECT 'alerts:' || COUNT(*) || ':' || COALESCE(MAX(a.last_seen_at)::text, '') || ':' ||
             COUNT(*) FILTER (WHERE a.state = 'open')
      FROM alert a WHERE a.state IN ('open', 'acknowledged') OR a.resolved_at > ${since}
    ) x`;
  return row?.token ?? '';
}
