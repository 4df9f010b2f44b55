// Owns rebuilding the curated events of the hours a run rewrites: the rows there before, less
// every event_id that has a new winner, plus the winners (a winner that replaces a copy in the
// same hour keeps that copy's session id until remapped); then, for the users this run touched
// (new events, moved events, changed plans), the plan from `profiles` and the session id from the
// sessions step's maps: a new point by its event_id, an old row by its old session's id. Other
// users' rows are kept as they were. Plain hash joins only, no range join.
// Tables it reads: winners, touched_users, profiles, by_event, by_old. Leaves: ev_new.
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
  await duck.run(`CREATE TEMP TABLE ev_old (${columnList(TABLE_COLUMNS.events)})`);
  if (oldFiles.length > 0) {
    await duck.run(
      `INSERT INTO ev_old BY NAME SELECT * FROM read_parquet(${litList(oldFiles)}, hive_partitioning = false)`,
    );
  }
  await duck.run(`
    CREATE TEMP TABLE ev_base AS
    SELECT * FROM ev_old WHERE event_id NOT IN (SELECT event_id FROM winners)
    UNION ALL BY NAME
    SELECT ${PASS_THROUGH.filter((n) => n !== 'loaded_at')
      .map((n) => `w.${n}`)
      .join(', ')}, ${tsLit(loadedAt)} AS loaded_at, NULL::VARCHAR AS plan, o.weir_session_id
    FROM winners w LEFT JOIN ev_old o USING (event_id)`);
  await duck.run(`
    CREATE TEMP TABLE ev_new AS
    SELECT ${PASS_THROUGH.map((n) => `b.${n}`).join(', ')},
           CASE WHEN t.user_id IS NULL THEN b.plan ELSE p.plan END AS plan,
           CASE WHEN t.user_id IS NULL THEN b.weir_session_id
                ELSE coalesce(be.new_id, bo.new_id, b.weir_session_id) END AS weir_session_id
    FROM ev_base b
    LEFT JOIN touched_users t ON t.user_id = b.user_id
    LEFT JOIN profiles p ON p.user_id = b.user_id
    LEFT JOIN by_event be ON be.event_id = b.event_id
    LEFT JOIN by_old bo ON bo.old_id = b.weir_session_id`);
}

/** The curated events' columns in contract order, for writing. */
export const EVENT_COLUMNS = E.join(', ');
