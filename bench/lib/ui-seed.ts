// Owns the history the UI part of the bench reads: DAGs, runs, task instances and one long log,
// written straight into the tables with set-based SQL (INSERT … SELECT generate_series), as if
// the scheduler and workers had produced them over months. Nothing runs on it: no scheduler or
// worker is started against this database. Serialized DAGs come from the SDK, so the pages
// read exactly what the dag processor would have stored.
import { createHash } from 'node:crypto';
import { dag, type SerializedDag, serializeDag } from '@weir/sdk';
import type pg from 'pg';

/** 1,000 tasks × 25 runs: the grid of a wide DAG. */
export const WIDE_DAG = 'bench_ui_wide';
export const WIDE_TASKS = 1_000;
export const WIDE_RUNS = 25;
/** 50 tasks × 1,000 runs: the latest page of a long history. */
export const HISTORY_DAG = 'bench_ui_history';
export const HISTORY_TASKS = 50;
export const HISTORY_RUNS = 1_000;
/** Small DAGs that make up the DAG list (with the two above, 1,000 in all). */
export const FILLER_DAGS = 998;
export const FILLER_RUNS = 10;
export const FILLER_TASKS = 3;
/** The task of the history DAG's latest run whose first try logged this many lines. */
export const LOG_TASK = 't00';
export const LOG_LINES = 100_000;

export interface UiSeed {
  readonly dags: number;
  readonly runs: number;
  readonly taskInstances: number;
  readonly failedTaskInstances: number;
  readonly logLines: number;
  /** The run of the 100,000-line log (the history DAG's latest). */
  readonly logRunId: string;
  readonly seconds: number;
}

/** Layers of 50 tasks, each task after the one in its column of the layer before. */
function wideDag(): SerializedDag {
  const perLayer = 50;
  return serializeDag(
    dag({ id: WIDE_DAG, schedule: null, startDate: '2026-01-01', owner: 'bench' }, (d) => {
      const previous: ReturnType<typeof d.task>[] = [];
      for (let i = 0; i < WIDE_TASKS; i++) {
        const id = `layer_${String(Math.floor(i / perLayer)).padStart(2, '0')}_task_${String(i % perLayer).padStart(2, '0')}`;
        const upstream = previous[i - perLayer];
        previous.push(
          upstream
            ? d.task(id, { after: [upstream] }, async () => undefined)
            : d.task(id, async () => undefined),
        );
      }
    }),
  );
}

/** A chain t00 → t01 → … of `tasks`. */
function chainDag(dagId: string, tasks: number, schedule: string | null): SerializedDag {
  return serializeDag(
    dag({ id: dagId, schedule, startDate: '2023-01-01', owner: 'bench', tags: ['bench'] }, (d) => {
      let previous: ReturnType<typeof d.task> | undefined;
      for (let i = 0; i < tasks; i++) {
        const id = `t${String(i).padStart(2, '0')}`;
        previous = previous
          ? d.task(id, { after: [previous] }, async () => undefined)
          : d.task(id, async () => undefined);
      }
    }),
  );
}

const hash = (serialized: SerializedDag) =>
  createHash('sha256').update(JSON.stringify(serialized)).digest('hex');

/**
 * Fills an empty, migrated database. Run states: the latest run of each DAG is running, one
 * older run in five failed, the rest succeeded. Task instances follow their run: in a
 * successful run they succeeded (one in twenty skipped); in a failed run some failed, some are
 * upstream_failed, the rest succeeded; in a running run they are spread over success, running,
 * queued and none.
 */
export async function seedUiHistory(pool: pg.Pool): Promise<UiSeed> {
  const started = Date.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const defs = [
      { serialized: wideDag(), schedule: null, runs: WIDE_RUNS },
      { serialized: chainDag(HISTORY_DAG, HISTORY_TASKS, '@daily'), schedule: '@daily', runs: HISTORY_RUNS },
    ];
    for (const { serialized, schedule } of defs) {
      await client.query(
        `INSERT INTO dag (dag_id, fileloc, schedule, owner, tags, serialized, serialized_hash, updated_at)
         VALUES ($1, $2, $3, 'bench', '{bench}', $4, $5, now() AT TIME ZONE 'UTC')`,
        [serialized.dagId, `/bench/${serialized.dagId}.ts`, schedule, serialized, hash(serialized)],
      );
    }
    // One template for the small DAGs, its id replaced in SQL.
    const filler = chainDag('bench_ui_filler', FILLER_TASKS, '@hourly');
    await client.query(
      `INSERT INTO dag (dag_id, fileloc, schedule, owner, tags, is_paused, serialized, serialized_hash, updated_at)
       SELECT id, '/bench/' || id || '.ts', '@hourly', 'team_' || (i % 7),
              ARRAY['bench', 'tag_' || (i % 13)], i % 10 = 0,
              jsonb_set($1::jsonb, '{dagId}', to_jsonb(id)), md5(id), now() AT TIME ZONE 'UTC'
       FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT 'bench_ui_dag_' || lpad(i::text, 4, '0') AS id) n`,
      [filler, FILLER_DAGS],
    );
    await client.query(
      `INSERT INTO dag_version (dag_id, version_number, serialized_hash, serialized, fileloc)
       SELECT dag_id, 1, serialized_hash, serialized, fileloc FROM dag`,
    );
    // Runs: one a day back from today (the latest first), per DAG.
    const runCounts = [
      [WIDE_DAG, WIDE_RUNS],
      [HISTORY_DAG, HISTORY_RUNS],
    ] as const;
    for (const [dagId, runs] of runCounts)
      await insertRuns(client, `SELECT $1::text AS dag_id`, runs, [dagId]);
    await insertRuns(client, `SELECT dag_id FROM dag WHERE dag_id LIKE 'bench\\_ui\\_dag\\_%'`, FILLER_RUNS);
    // Task instances: one per run and task of its DAG's serialized definition.
    await client.query(
      `INSERT INTO task_instance (dag_run_id, dag_id, run_id, task_id, state, try_number, queued_at,
                                  started_at, ended_at, duration, hostname, pid, updated_at)
       SELECT r.id, r.dag_id, r.run_id, t.task_id, s.state, CASE WHEN s.state IN ('none', 'queued') THEN 0 ELSE 1 END,
              r.started_at, r.started_at + make_interval(secs => t.n), 
              CASE WHEN s.state IN ('success', 'failed', 'skipped', 'upstream_failed') THEN r.started_at + make_interval(secs => t.n + 1) END,
              CASE WHEN s.state IN ('success', 'failed') THEN 1 END, 'bench-host', 4242, r.updated_at
       FROM dag_run r
       JOIN dag d ON d.dag_id = r.dag_id
       CROSS JOIN LATERAL (SELECT x.value->>'taskId' AS task_id, x.n::int AS n
                           FROM jsonb_array_elements(d.serialized->'tasks') WITH ORDINALITY AS x(value, n)) t
       CROSS JOIN LATERAL (SELECT abs(hashtext(r.run_id || t.task_id)) % 100 AS h) hh
       CROSS JOIN LATERAL (SELECT (CASE
         WHEN r.state = 'running' THEN CASE WHEN hh.h < 50 THEN 'success' WHEN hh.h < 60 THEN 'running'
                                           WHEN hh.h < 70 THEN 'queued' ELSE 'none' END
         WHEN r.state = 'failed' THEN CASE WHEN hh.h < 30 THEN 'failed' WHEN hh.h < 60 THEN 'upstream_failed'
                                          ELSE 'success' END
         ELSE CASE WHEN hh.h < 5 THEN 'skipped' ELSE 'success' END
       END)::"TaskInstanceState" AS state) s`,
    );
    // The 100,000-line log: the first task of the history DAG's latest run, try 1.
    const logTi = await client.query<{ id: number; run_id: string }>(
      `UPDATE task_instance SET state = 'success', try_number = 1
       WHERE id = (SELECT ti.id FROM task_instance ti JOIN dag_run r ON r.id = ti.dag_run_id
                   WHERE ti.dag_id = $1 AND ti.task_id = $2 ORDER BY r.logical_date DESC LIMIT 1)
       RETURNING id, run_id`,
      [HISTORY_DAG, LOG_TASK],
    );
    const ti = logTi.rows[0];
    if (!ti) throw new Error('the log task instance was not seeded');
    await client.query(
      `INSERT INTO task_attempt (task_instance_id, try_number, started_at, ended_at, outcome, hostname, pid, dag_hash)
       SELECT id, 1, started_at, ended_at, 'success', hostname, pid, (SELECT serialized_hash FROM dag WHERE dag_id = $2)
       FROM task_instance WHERE id = $1`,
      [ti.id, HISTORY_DAG],
    );
    await client.query(
      `INSERT INTO task_log (task_instance_id, try_number, at, level, message)
       SELECT $1, 1, (now() AT TIME ZONE 'UTC') - make_interval(secs => ($2 - i) / 1000.0),
              CASE WHEN i % 50 = 0 THEN 'warn' ELSE 'info' END,
              'row batch ' || i || ': processed ' || (i * 37 % 1000) || ' records from partition dt=2026-12-0' || (i % 9 + 1) || ' in ' || (i % 97) || ' ms'
       FROM generate_series(1, $2::int) AS i`,
      [ti.id, LOG_LINES],
    );
    await client.query('COMMIT');
    // Fresh statistics and visibility map, as a database that has lived with this data has.
    await client.query('VACUUM ANALYZE dag, dag_run, task_instance, task_attempt, task_log, dag_version');
    const counts = await client.query<{ dags: number; runs: number; tis: number; failed: number }>(
      `SELECT (SELECT COUNT(*)::int FROM dag) AS dags, (SELECT COUNT(*)::int FROM dag_run) AS runs,
              (SELECT COUNT(*)::int FROM task_instance) AS tis,
              (SELECT COUNT(*)::int FROM task_instance WHERE state = 'failed') AS failed`,
    );
    const c = counts.rows[0] as { dags: number; runs: number; tis: number; failed: number };
    return {
      dags: c.dags,
      runs: c.runs,
      taskInstances: c.tis,
      failedTaskInstances: c.failed,
      logLines: LOG_LINES,
      logRunId: ti.run_id,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** `runs` daily runs of each DAG `dags` selects, the newest (today) running. */
async function insertRuns(
  client: pg.PoolClient,
  dags: string,
  runs: number,
  params: unknown[] = [],
): Promise<void> {
  await client.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, logical_date, data_interval_start, data_interval_end,
                          state, dag_hash, queued_at, started_at, ended_at, created_at, updated_at)
     SELECT g.dag_id, 'scheduled__' || to_char(ld, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), 'scheduled', ld, ld,
            ld + interval '1 day', st, d.serialized_hash, ld + interval '1 day', ld + interval '1 day',
            CASE WHEN st = 'running' THEN NULL ELSE ld + interval '1 day 5 minutes' END,
            ld + interval '1 day', ld + interval '1 day'
     FROM (${dags}) g
     JOIN dag d ON d.dag_id = g.dag_id
     CROSS JOIN generate_series(0, ${Number(runs)} - 1) AS k
     CROSS JOIN LATERAL (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => k + 1) AS ld) l
     CROSS JOIN LATERAL (SELECT (CASE WHEN k = 0 THEN 'running' WHEN abs(hashtext(g.dag_id || k)) % 5 = 0
                                      THEN 'failed' ELSE 'success' END)::"DagRunState" AS st) s`,
    params,
  );
}
