// Owns the user_profiles dimension as the transform sees it: a user's profile is the row of the
// latest snapshot (by key, which sorts by time taken) that has them. When new snapshots arrived,
// `p_users` holds the users whose plan changed, whose events get re-enriched this run.
// Tables it leaves: profiles (user_id, plan, signup_date), p_users (user_id).
import type { DuckSession } from './duck.ts';
import { litList } from './duck.ts';
import { columnList, TABLE_COLUMNS } from './tables.ts';

export async function resolveProfiles(
  duck: DuckSession,
  snapshotFiles: readonly string[] | undefined,
  previousFile: string | undefined,
): Promise<void> {
  await duck.run(`CREATE TEMP TABLE profiles_before (${columnList(TABLE_COLUMNS.user_profiles)})`);
  if (previousFile)
    await duck.run(
      `INSERT INTO profiles_before BY NAME SELECT * FROM read_parquet(${litList([previousFile])}, hive_partitioning = false)`,
    );
  if (snapshotFiles === undefined) {
    await duck.run('CREATE TEMP TABLE profiles AS SELECT * FROM profiles_before');
    await duck.run('CREATE TEMP TABLE p_users (user_id VARCHAR)');
    return;
  }
  await duck.run(`
    CREATE TEMP TABLE profiles AS
    SELECT user_id, plan, TRY_CAST(signup_date AS DATE) AS signup_date
    FROM read_json(${litList(snapshotFiles)}, format = 'newline_delimited', compression = 'gzip', filename = true,
                   columns = {user_id: 'VARCHAR', plan: 'VARCHAR', signup_date: 'VARCHAR'})
    WHERE user_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY filename DESC) = 1`);
  await duck.run(`
    CREATE TEMP TABLE p_users AS
    SELECT n.user_id FROM profiles n LEFT JOIN profiles_before o USING (user_id)
    WHERE o.user_id IS NULL OR n.plan IS DISTINCT FROM o.plan`);
}
