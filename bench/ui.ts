// The UI part of `npm run bench` (`--only=ui`): a private database seeded with months of history
// (bench/lib/ui-seed.ts), the production web app (`weir web`, built first when its sources
// changed) on a free port, then: HTTP latency of the grid, the task-instance list filtered by
// state and the DAG list (N requests each after a warm-up), and in Chromium the time until the
// 1,000-task grid and the first screen of a 100,000-line log are visible. Baselines from the
// same run: GET /api/health on the same server (Next's own round trip with a PostgreSQL and a
// Redis ping) and the raw SQL of the same reads through node-postgres.
import { ApiTokens, SESSION_COOKIE, Sessions, Users } from '@weir/auth';
import { createRawSql } from '@weir/db';
import { freePort } from '@weir/testing';
import type pg from 'pg';
import { BenchBrowser, type VisibleTiming } from './lib/ui-browser.ts';
import { BenchEnvironment } from './lib/environment.ts';
import type { WeirProcess } from './lib/processes.ts';
import { percentile, ratio } from './lib/stats.ts';
import { sleep } from './lib/timeout.ts';
import {
  HISTORY_DAG,
  HISTORY_RUNS,
  HISTORY_TASKS,
  LOG_LINES,
  LOG_TASK,
  seedUiHistory,
  type UiSeed,
  WIDE_DAG,
  WIDE_RUNS,
  WIDE_TASKS,
} from './lib/ui-seed.ts';

/** Requests measured per HTTP figure, after WARM_UP unmeasured ones. */
const REQUESTS = 40;
const WARM_UP = 5;
/**
 * Wall time one HTTP figure may take: a read of several seconds gets fewer samples (reported as
 * `samples`) instead of holding the bench for minutes; its p95 is then its slowest sample.
 */
const FIGURE_CAP_MS = 45_000;
/** Navigations measured per browser figure (the median is reported), within BROWSER_CAP_MS. */
const NAVIGATIONS = 7;
const BROWSER_CAP_MS = 60_000;
const GRID_RUNS = 25;

export interface HttpTiming {
  readonly path: string;
  readonly status: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly max_ms: number | null;
  /** Requests measured (fewer than asked when the figure's time cap ran out). */
  readonly samples: number;
  /** Size of the (decompressed) body of the last response. */
  readonly bytes: number;
}

export interface UiResult {
  readonly grid_p50_ms: number | null;
  readonly grid_p95_ms: number | null;
  readonly grid_1000_tasks_p95_ms: number | null;
  readonly ti_list_p95_ms: number | null;
  readonly dag_list_p95_ms: number | null;
  readonly grid_render_ms: number | null;
  readonly log_100k_first_screen_ms: number | null;
  /** What the grid figures measured: the grid API, or the DAG page's HTML when it has none. */
  readonly grid_source: 'api' | 'page';
  readonly baseline_health_p50_ms: number | null;
  readonly baseline_health_p95_ms: number | null;
  readonly seed: UiSeed;
  readonly http: Record<string, HttpTiming>;
  /** The same reads in raw SQL through node-postgres, p95 ms. */
  readonly sql_p95_ms: Record<string, number | null>;
  /** HTTP p95 ÷ raw SQL p95 of the same read. */
  readonly ratio_to_sql: Record<string, number | null>;
  /** HTTP p95 ÷ GET /api/health p95 on the same server: how far above the server's own floor. */
  readonly ratio_to_health: Record<string, number | null>;
  readonly browser: { readonly grid: VisibleTiming; readonly log: VisibleTiming };
  readonly web_start_s: number;
}

/**
 * Runs the whole part in its own environment (database `weir_bench_<pid>_ui`), which is closed
 * before it returns; `track` receives it at once, so a signal can close it too.
 */
export async function measureUi(
  signal: AbortSignal,
  log: (message: string) => void,
  track: (env: BenchEnvironment) => void,
  progress: Record<string, unknown> = {},
  timeoutMs = 420_000,
): Promise<UiResult> {
  // Caps shrink to what is left, so a short budget (the end of a full `npm run bench`) still
  // yields every figure, from fewer samples.
  const deadline = Date.now() + timeoutMs - 10_000;
  const env = await BenchEnvironment.open('ui');
  track(env);
  try {
    return await measureIn(env, signal, log, progress, (preferred, figuresLeft) =>
      Math.max(2_000, Math.min(preferred, (deadline - Date.now()) / figuresLeft)),
    );
  } finally {
    await env.close();
  }
}

/** `progress` gets each figure as it is measured, so a part that times out still reports them. */
async function measureIn(
  env: BenchEnvironment,
  signal: AbortSignal,
  log: (message: string) => void,
  progress: Record<string, unknown>,
  cap: (preferredMs: number, figuresLeft: number) => number,
): Promise<UiResult> {
  log('ui: seeding 1,000 DAGs, 11,000 runs, 105,000 task instances, a 100,000-line log (SQL)');
  const seed = await seedUiHistory(env.pool);
  progress.seed = seed;
  const secretKey = env.weirEnv().WEIR_SECRET_KEY as string;
  const sql = createRawSql(env.databaseUrl);
  let bearer: string;
  let cookie: string;
  try {
    const admin = await new Users(sql).create({
      username: 'bench-admin',
      password: 'bench-admin-password-1',
      role: 'admin',
    });
    bearer = (await new ApiTokens(sql).create({ userId: admin.id, name: 'bench', createdBy: 'bench' })).token;
    cookie = (await new Sessions(sql, secretKey).create(admin.id, 'bench')).cookie;
  } finally {
    await sql.end();
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  log(`ui: starting weir web on ${base} (next build first if its sources changed)`);
  const webStarted = Date.now();
  const web = env.startWeb(port);
  await waitForHealth(base, web, signal);
  const webStartS = (Date.now() - webStarted) / 1000;
  progress.web_start_s = webStartS;

  const asApi = { authorization: `Bearer ${bearer}` };
  const asPage = { cookie: `${SESSION_COOKIE}=${encodeURIComponent(cookie)}` };
  const http: Record<string, HttpTiming> = {};
  progress.http = http;
  // Figures still to measure, for sharing what is left of the time limit.
  let figuresLeft = 8;
  const time = async (key: string, path: string, headers: Record<string, string>) => {
    log(`ui: ${REQUESTS} × GET ${path}`);
    http[key] = await timeRequests(base, path, headers, cap(FIGURE_CAP_MS, figuresLeft--), signal);
    if (http[key].status !== 200) throw new Error(`GET ${path} answered ${http[key].status}`);
    return http[key];
  };

  await time('health', '/api/health', {});
  // The grid API when it answers; until then the DAG page, which renders the grid on the server.
  const gridApi = (dagId: string) => `/api/v1/dags/${encodeURIComponent(dagId)}/grid`;
  const probe = await fetch(`${base}${gridApi(HISTORY_DAG)}`, { headers: asApi });
  await probe.arrayBuffer();
  const gridSource = probe.status === 200 ? 'api' : 'page';
  progress.grid_source = gridSource;
  const grid = (dagId: string) =>
    gridSource === 'api'
      ? time(`grid_${dagId}`, gridApi(dagId), asApi)
      : time(`grid_${dagId}`, `/dags/${encodeURIComponent(dagId)}`, asPage);
  // The reads expected to be fast first; the 1,000-task grid may take seconds a request.
  const gridHistory = await grid(HISTORY_DAG);
  const tiList = await time('ti_list', '/api/v1/taskInstances?state=failed', asApi);
  const dagList = await time('dag_list', '/api/v1/dags', asApi);
  log('ui: the same reads in raw SQL');
  const sqlP95 = await timeSql(env.pool, cap(FIGURE_CAP_MS, figuresLeft--), signal);
  progress.sql_p95_ms = sqlP95;
  const gridWide = await grid(WIDE_DAG);

  log(`ui: Chromium, ${NAVIGATIONS} navigations each to the 1,000-task grid and the 100,000-line log`);
  const browser = await BenchBrowser.open(base, { name: SESSION_COOKIE, value: encodeURIComponent(cookie) });
  let gridView: VisibleTiming;
  let logView: VisibleTiming;
  try {
    // The log first: the grid's navigations may use up their cap.
    logView = await browser.timeVisible(
      `${base}/dags/${encodeURIComponent(HISTORY_DAG)}/runs/${encodeURIComponent(seed.logRunId)}/tasks/${LOG_TASK}?try=1`,
      '[data-testid="log-line"]',
      'pre.log',
      NAVIGATIONS,
      cap(BROWSER_CAP_MS, figuresLeft--),
      signal,
    );
    progress.browser_log = logView;
    gridView = await browser.timeVisible(
      `${base}/dags/${encodeURIComponent(WIDE_DAG)}`,
      '[data-testid="grid"]',
      'table.grid',
      NAVIGATIONS,
      cap(BROWSER_CAP_MS, figuresLeft--),
      signal,
    );
  } finally {
    await browser.close();
  }
  web.assertAlive();

  const over = (key: string, httpP95: number | null) => ratio(httpP95, sqlP95[key] ?? null);
  return {
    grid_p50_ms: gridHistory.p50_ms,
    grid_p95_ms: gridHistory.p95_ms,
    grid_1000_tasks_p95_ms: gridWide.p95_ms,
    ti_list_p95_ms: tiList.p95_ms,
    dag_list_p95_ms: dagList.p95_ms,
    grid_render_ms: gridView.median_ms,
    log_100k_first_screen_ms: logView.median_ms,
    grid_source: gridSource,
    baseline_health_p50_ms: http.health?.p50_ms ?? null,
    baseline_health_p95_ms: http.health?.p95_ms ?? null,
    seed,
    http,
    sql_p95_ms: sqlP95,
    ratio_to_sql: {
      grid_1000_tasks: over('grid_1000_tasks', gridWide.p95_ms),
      grid: over('grid', gridHistory.p95_ms),
      ti_list: over('ti_list', tiList.p95_ms),
      dag_list: over('dag_list', dagList.p95_ms),
    },
    ratio_to_health: {
      grid_1000_tasks: ratio(gridWide.p95_ms, http.health?.p95_ms ?? null),
      grid: ratio(gridHistory.p95_ms, http.health?.p95_ms ?? null),
      ti_list: ratio(tiList.p95_ms, http.health?.p95_ms ?? null),
      dag_list: ratio(dagList.p95_ms, http.health?.p95_ms ?? null),
    },
    browser: { grid: gridView, log: logView },
    web_start_s: webStartS,
  };
}

async function waitForHealth(base: string, web: WeirProcess, signal: AbortSignal): Promise<void> {
  for (;;) {
    const ok = await fetch(`${base}/api/health`).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) return;
    web.assertAlive();
    await sleep(500, signal);
  }
}

async function timeRequests(
  base: string,
  path: string,
  headers: Record<string, string>,
  capMs: number,
  signal: AbortSignal,
): Promise<HttpTiming> {
  const ms: number[] = [];
  let status = 0;
  let bytes = 0;
  let measuring: number | undefined;
  // A read of seconds needs no long warm-up: its first request has compiled and cached its path.
  let warmUp = WARM_UP;
  for (let i = 0; i < warmUp + REQUESTS; i++) {
    signal.throwIfAborted();
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { headers, redirect: 'manual', signal });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    status = response.status;
    bytes = body.byteLength;
    if (status !== 200) break;
    if (i === 0 && elapsed > 2_000) warmUp = 1;
    if (i >= warmUp) {
      measuring ??= performance.now();
      ms.push(elapsed);
      if (ms.length >= 3 && performance.now() - measuring > capMs) break;
    }
  }
  return {
    path,
    status,
    p50_ms: percentile(ms, 50),
    p95_ms: percentile(ms, 95),
    max_ms: percentile(ms, 100),
    samples: ms.length,
    bytes,
  };
}

/**
 * The statements the pages and routes send for the same reads (the DAG page's runs and grid
 * cells, the task-instance page and its count, the DAG list), timed through node-postgres with
 * their values inline, so the HTTP figures can be read against what PostgreSQL alone takes.
 */
async function timeSql(
  pool: pg.Pool,
  capMs: number,
  signal: AbortSignal,
): Promise<Record<string, number | null>> {
  const gridStatements = (dagId: string) => async (client: pg.PoolClient) => {
    const runs = await client.query<{ run_id: string }>(
      `SELECT id, dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end,
              queued_at, started_at, ended_at, conf, triggered_by, backfill_id
       FROM dag_run WHERE dag_id = $1 ORDER BY logical_date DESC, id DESC LIMIT $2`,
      [dagId, GRID_RUNS],
    );
    await client.query(
      `SELECT run_id, task_id, MIN(state::text) AS state, COUNT(*)::int AS n, MAX(try_number) AS try_number
       FROM task_instance WHERE dag_id = $1 AND run_id = ANY($2::text[]) GROUP BY run_id, task_id`,
      [dagId, runs.rows.map((r) => r.run_id)],
    );
  };
  const reads: Record<string, (client: pg.PoolClient) => Promise<unknown>> = {
    grid_1000_tasks: gridStatements(WIDE_DAG),
    grid: gridStatements(HISTORY_DAG),
    ti_list: async (client) => {
      await client.query(
        `SELECT id, task_id, map_index, state, try_number, max_tries, queued_at, started_at, ended_at,
                duration, hostname, pool, queue, dag_id, run_id
         FROM task_instance WHERE state = 'failed' ORDER BY id DESC LIMIT 25`,
      );
      await client.query(`SELECT COUNT(*) FROM task_instance WHERE state = 'failed'`);
    },
    dag_list: (client) =>
      client.query(
        `SELECT d.dag_id, d.description, d.owner, d.tags, d.is_paused, d.fileloc,
                COALESCE(d.schedule, CASE WHEN jsonb_typeof(d.serialized->'assetSchedule') = 'object' THEN 'on assets' END) AS schedule,
                d.next_dagrun_logical_date AS next_run,
                (SELECT json_agg(json_build_object('run_id', r.run_id, 'state', r.state, 'logical_date', r.logical_date)
                                 ORDER BY r.logical_date DESC, r.id DESC)
                 FROM (SELECT run_id, state, logical_date, id FROM dag_run WHERE dag_id = d.dag_id
                       ORDER BY logical_date DESC, id DESC LIMIT 10) r) AS runs
         FROM dag d WHERE d.is_active ORDER BY d.dag_id`,
      ),
  };
  const client = await pool.connect();
  try {
    const result: Record<string, number | null> = {};
    for (const [key, read] of Object.entries(reads)) {
      const ms: number[] = [];
      const begun = performance.now();
      for (let i = 0; i < WARM_UP + REQUESTS; i++) {
        signal.throwIfAborted();
        if (ms.length >= 3 && performance.now() - begun > capMs / Object.keys(reads).length) break;
        const started = performance.now();
        await read(client);
        if (i >= WARM_UP) ms.push(performance.now() - started);
      }
      result[key] = percentile(ms, 95);
    }
    return result;
  } finally {
    client.release();
  }
}

/** What the part measured, for the notes under the table. */
export function describeUiScale(): string {
  return `grid of ${WIDE_TASKS} tasks × ${WIDE_RUNS} runs; latest ${GRID_RUNS} of ${HISTORY_RUNS} runs × ${HISTORY_TASKS} tasks; log of ${LOG_LINES.toLocaleString('en-US')} lines`;
}
