// Owns rebuilding the curated events of the hours a run rewrites (`rh_hours`): the rows there
// before, less every event_id that has a new winner, plus the winners; then, for the users this
// run touched (new events, moved events, changed plans), the plan from `profiles` and the
// weir_session_id of the session holding each event (an ASOF join: the user's latest session
// starting at or before the event). Other users' rows are kept as they were.
// Tables it reads: winners, touched_users, profiles, sess_cur. Leaves: ev_new.
import type { DuckSession } from './duck.ts';
import { litList, tsLit } from './duck.ts';
import { columnList, TABLE_COLUMNS } from './tables.ts';

const E = TABLE_COLUMNS.events.map(([name]) => name);
const PASS_THROUGH = E.filter((name) => name !== 'plan' && name !== 'weir_session_id');

export async function rebuildEvents(
  duck: DuckSession,
  oldFiles: readonly string[],
  loadedAt: Date,
): Promise<void> {
  await duck.run(`CREATE TEMP TABLE ev_base (${columnList(TABLE_COLUMNS.events)})`);
  if (oldFiles.length > 0) {
    await duck.run(`
      INSERT INTO ev_base BY NAME
      SELECT * FROM read_parquet(${litList(oldFiles)}, hive_partitioning = false)
      WHERE event_id NOT IN (SELECT event_id FROM winners)`);
  }
  await duck.run(`
    INSERT INTO ev_base BY NAME
    SELECT ${PASS_THROUGH.filter((n) => n !== 'loaded_at').join(', ')}, ${tsLit(loadedAt)} AS loaded_at,
           NULL AS plan, NULL AS weir_session_id
    FROM winners`);
  await duck.run(`
    CREATE TEMP TABLE ev_new AS
    SELECT ${PASS_THROUGH.map((n) => `b.${n}`).join(', ')},
           CASE WHEN t.user_id IS NULL THEN b.plan ELSE p.plan END AS plan,
           CASE WHEN t.user_id IS NULL THEN b.weir_session_id ELSE s.weir_session_id END AS weir_session_id
    FROM ev_base b
    LEFT JOIN touched_users t ON t.user_id = b.user_id
    LEFT JOIN profiles p ON p.user_id = b.user_id
    ASOF LEFT JOIN sess_cur s ON s.user_id = b.user_id AND b.client_ts >= s.session_start`);
}

/** The curated events' columns in contract order, for writing. */
export const EVENT_COLUMNS = E.join(', ');
