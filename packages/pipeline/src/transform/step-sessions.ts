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
// Tables it leaves: sess_new_a (A's sessions now), sess_cur (every loaded user's sessions now),
// and the maps events use to find their session: by_old (old weir_session_id → new) and
// by_event (event_id of a new point → its session).
import type { DuckSession } from './duck.ts';

export const SESSION_GAP = 'INTERVAL 30 MINUTE';

const idSql = (user: string, start: string) =>
  `md5(${user} || '|' || strftime(${start}, '%Y-%m-%dT%H:%M:%S.%gZ'))`;

export async function mergeSessions(duck: DuckSession): Promise<void> {
  // Items: old sessions (intervals, with their id) and new events (points, with their event_id).
  await duck.run(`
    CREATE TEMP TABLE session_items AS
    SELECT user_id, session_start AS s, session_end AS e, event_count AS n,
           weir_session_id AS old_id, NULL::VARCHAR AS event_id
    FROM sess_old
    WHERE user_id IN (SELECT user_id FROM a_users) AND user_id NOT IN (SELECT user_id FROM r_users)
    UNION ALL
    -- A better copy of an event already counted (same user and client_ts) is no new point.
    SELECT user_id, client_ts, client_ts, 1, NULL, event_id FROM winners
    WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT user_id FROM r_users)
      AND event_id NOT IN (SELECT event_id FROM replaced)
    UNION ALL
    SELECT user_id, client_ts, client_ts, 1, NULL, event_id FROM r_points`);
  // An item starts a session when it begins 30 minutes or more after the latest end before it
  // (a running max, since a point may fall inside an earlier interval). `tie` makes the order
  // total, so the windows below see one order. With points only (no old sessions: a first load)
  // the latest end before an item is simply the previous item's.
  const [{ intervals }] = (await duck.rows<{ intervals: string }>(
    'SELECT count(*) AS intervals FROM session_items WHERE old_id IS NOT NULL',
  )) as [{ intervals: string }];
  const order = 'PARTITION BY user_id ORDER BY s, e, tie';
  const previousEnd =
    Number(intervals) === 0
      ? `SELECT *, lag(e) OVER (${order}) AS prev_e FROM items`
      : `SELECT *, lag(max_e) OVER (${order}) AS prev_e
         FROM (SELECT *, max(e) OVER (${order} ROWS UNBOUNDED PRECEDING) AS max_e FROM items)`;
  await duck.run(`
    CREATE TEMP TABLE session_grouped AS
    WITH items AS (SELECT *, coalesce(old_id, event_id) AS tie FROM session_items),
    flagged AS (${previousEnd})
    SELECT user_id, s, e, n, old_id, event_id,
           sum(CASE WHEN prev_e IS NULL OR s - prev_e >= ${SESSION_GAP} THEN 1 ELSE 0 END)
             OVER (${order} ROWS UNBOUNDED PRECEDING) AS g
    FROM flagged`);
  await duck.run(`
    CREATE TEMP TABLE session_groups AS
    SELECT user_id, g, min(s) AS session_start, max(e) AS session_end, sum(n)::BIGINT AS event_count,
           ${idSql('user_id', 'min(s)')} AS weir_session_id
    FROM session_grouped GROUP BY user_id, g`);
  await duck.run(`
    CREATE TEMP TABLE sess_new_a AS
    SELECT weir_session_id, user_id, session_start, session_end, event_count,
           (epoch_ms(session_end) - epoch_ms(session_start)) / 1000.0 AS duration_seconds
    FROM session_groups`);
  await duck.run(`
    CREATE TEMP TABLE session_item_ids AS
    SELECT i.old_id, i.event_id, g.weir_session_id AS new_id
    FROM session_grouped i JOIN session_groups g USING (user_id, g)`);
  await duck.run(
    'CREATE TEMP TABLE by_old AS SELECT old_id, new_id FROM session_item_ids WHERE old_id IS NOT NULL',
  );
  await duck.run(
    'CREATE TEMP TABLE by_event AS SELECT event_id, new_id FROM session_item_ids WHERE event_id IS NOT NULL',
  );
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

/**
 * Old sessions whose events now carry another weir_session_id: those merged into a session that
 * starts earlier. A session that only grows forward keeps its id, so its old events stay as they
 * are and a new event at the end of a long session rewrites only its own hour.
 */
export const RENAMED_SESSIONS_SQL = `
  SELECT s.* FROM sess_old s JOIN by_old b ON b.old_id = s.weir_session_id WHERE b.new_id <> b.old_id`;
