// Owns the window aggregates, on client_ts, for the hours whose set of events changed (`ch_hours`):
//   event_counts_1m  TUMBLE [m, m+1min): events per event_type; partition = window_start's hour,
//                    which depends on that hour's events only.
//   active_users_5m  HOP [m, m+5min) starting every minute: distinct user_ids (nulls not
//                    counted); one row per start whose window holds any event. A window starting
//                    in the 4 minutes before an hour holds events of that hour too, so a changed
//                    hour H recomputes the window-start hours H and H-1, from the events of
//                    H-1, H and H+1 (`win_events`).
// Tables it reads: ev_new, ch_hours, wh_hours, win_events.
import { hourPartSql } from './write-partitions.ts';

export const COUNTS_SQL = `
  SELECT date_trunc('minute', client_ts) AS window_start, event_type, count(*)::BIGINT AS event_count,
         ${hourPartSql('client_ts')} AS _p
  FROM ev_new
  WHERE date_trunc('hour', client_ts) IN (SELECT hour FROM ch_hours)
  GROUP BY ALL`;

export const ACTIVE_USERS_SQL = `
  WITH starts AS (
    SELECT user_id, date_trunc('minute', client_ts) - to_minutes(k) AS window_start
    FROM win_events, range(5) AS offsets(k)
  )
  SELECT window_start, window_start + INTERVAL 5 MINUTE AS window_end,
         count(DISTINCT user_id)::BIGINT AS active_users, ${hourPartSql('window_start')} AS _p
  FROM starts
  WHERE date_trunc('hour', window_start) IN (SELECT hour FROM wh_hours)
  GROUP BY window_start`;
