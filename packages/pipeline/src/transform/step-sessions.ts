// Owns sessionization. A session is a maximal run of one user's events (ordered by client_ts)
// whose consecutive gaps are all under 30 minutes; it may cross any hour or day boundary.
//
// Incremental rule: the sessions of a set of events are the connected components of "gap < 30
// min" over the sorted timestamps, and an existing session is such a component, so adding events
// can only join components. Merging the old sessions of a user (as intervals [start, end] with
// their counts) with the new events (as points) by the same gap rule therefore gives exactly the
// sessions of the union. Only when a copy that won before loses to one with another client_ts or
// user (a "moved" event) can a session shrink; those users are recomputed from their events.
//
// weir_session_id = md5(user_id | session_start): deterministic, and unique per user since two
// sessions of one user never start at the same instant. Users with a null user_id have no
// sessions. Tables it reads: winners, replaced, a_users, r_users, sess_old, r_points.
// Tables it leaves: sess_new_a (A's sessions now), sess_cur (every loaded user's sessions now).
import type { DuckSession } from './duck.ts';

export const SESSION_GAP = 'INTERVAL 30 MINUTE';

const finishSql = (from: string) => `
  SELECT md5(user_id || '|' || strftime(session_start, '%Y-%m-%dT%H:%M:%S.%gZ')) AS weir_session_id,
         user_id, session_start, session_end, event_count,
         (epoch_ms(session_end) - epoch_ms(session_start)) / 1000.0 AS duration_seconds
  FROM ${from}`;

/** Sessions from `items` (user_id, s, e, n): intervals and points merged by the gap rule. */
export const mergeItemsSql = (items: string) => `
  WITH flagged AS (
    SELECT user_id, s, e, n,
           CASE WHEN max(e) OVER w IS NULL OR s - max(e) OVER w >= ${SESSION_GAP} THEN 1 ELSE 0 END AS starts
    FROM ${items}
    WINDOW w AS (PARTITION BY user_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ), grouped AS (
    SELECT *, sum(starts) OVER (PARTITION BY user_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS g FROM flagged
  ), merged AS (
    SELECT user_id, min(s) AS session_start, max(e) AS session_end, sum(n)::BIGINT AS event_count
    FROM grouped GROUP BY user_id, g
  )
  ${finishSql('merged')}`;

export async function mergeSessions(duck: DuckSession): Promise<void> {
  await duck.run(`
    CREATE TEMP TABLE session_items AS
    SELECT user_id, session_start AS s, session_end AS e, event_count AS n FROM sess_old
    WHERE user_id IN (SELECT user_id FROM a_users) AND user_id NOT IN (SELECT user_id FROM r_users)
    UNION ALL
    -- A better copy of an event already counted (same user and client_ts) is no new point.
    SELECT user_id, client_ts, client_ts, 1 FROM winners
    WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT user_id FROM r_users)
      AND event_id NOT IN (SELECT event_id FROM replaced)
    UNION ALL
    SELECT user_id, client_ts, client_ts, 1 FROM r_points`);
  await duck.run(`CREATE TEMP TABLE sess_new_a AS ${mergeItemsSql('session_items')}`);
  await duck.run(`
    CREATE TEMP TABLE sess_cur AS
    SELECT * FROM sess_old WHERE user_id NOT IN (SELECT user_id FROM a_users)
    UNION ALL SELECT * FROM sess_new_a`);
}

/** The hours (`hour` TIMESTAMPTZ) that the sessions selected by `from` have events in, at most. */
export const spannedHoursSql = (from: string) => `
  SELECT DISTINCT unnest(range(date_trunc('hour', session_start), session_end + INTERVAL 1 MICROSECOND,
                                INTERVAL 1 HOUR)) AS hour
  FROM ${from}`;

/** Sessions of A that are new or different: their events' weir_session_id may have changed. */
export const CHANGED_SESSIONS_SQL = `
  SELECT * FROM sess_new_a
  EXCEPT SELECT * FROM sess_old WHERE user_id IN (SELECT user_id FROM a_users)`;
