// Owns the bench's output: results/latest.json (the keys other tools read, with details beside
// them) and a table on stdout comparing each figure with its target.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchExecutor } from './lib/environment.ts';
import { round } from './lib/stats.ts';

export const TARGETS = {
  hop_p50_ms: 3,
  hop_p99_ms: 20,
  chain40_total_ms: 200,
  trigger_to_first_start_p50_ms: 20,
  tasks_per_s: 3_000,
  throughput_ratio: 0.2,
  full_parse_ms: 20_000,
  scheduler_tick_ms: 100,
  grid_1000_tasks_p95_ms: 150,
  grid_p95_ms: 100,
  ti_list_p95_ms: 100,
  dag_list_p95_ms: 200,
  grid_render_ms: 1_500,
  log_100k_first_screen_ms: 1_000,
  collector_events_per_s: 20_000,
  transform_1m_ms: 60_000,
  transform_vs_plain_ratio: 2,
  incremental_hour_ratio_vs_empty: 3,
} as const;

export interface BenchResults {
  readonly machine: string;
  readonly at: string;
  readonly hop: Record<string, unknown> & {
    p50_ms: number | null;
    p99_ms: number | null;
    chain40_total_ms: number | null;
    baseline_p50_ms: number | null;
    ratio_p50: number | null;
  };
  readonly throughput: Record<string, unknown> & {
    tasks_per_s: number | null;
    baseline_jobs_per_s: number | null;
    ratio: number | null;
  };
  readonly runs: Record<string, unknown> & {
    runs: number;
    tasks_per_run: number;
    runs_per_s: number | null;
    wall_s: number | null;
    hop_p50_ms: number | null;
    hop_p99_ms: number | null;
    trigger_to_first_start_ms: { p50_ms: number | null; p99_ms: number | null };
    baseline_runs_per_s: number | null;
    ratio: number | null;
  };
  readonly parse: Record<string, unknown> & {
    dags: number;
    full_parse_ms: number | null;
    scheduler_tick_ms: number | null;
  };
  readonly [key: string]: unknown;
}

export function describeMachine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `${model} × ${list.length}, ${gib} GiB RAM, Node ${process.version}, executor ${benchExecutor()}`;
}

/** Rounds every number in a JSON-like value, for a readable results file. */
export function rounded<T>(value: T): T {
  if (typeof value === 'number') return round(value) as T;
  if (Array.isArray(value)) return value.map((v) => rounded(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  }
  return value;
}

export function writeResults(results: BenchResults, file: URL): void {
  mkdirSync(new URL('.', file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(rounded(results), null, 2)}\n`);
}

type Row = [
  measure: string,
  weir: number | null,
  baseline: number | null,
  target: string,
  met: boolean | null,
];

export function printTable(results: BenchResults): void {
  const { hop, throughput, runs, parse } = results;
  const runsBaseline = runs.baseline as
    | { hop_p50_ms?: number | null; hop_p99_ms?: number | null; add_to_first_start_p50_ms?: number | null }
    | undefined;
  const runsLabel = `${runs.runs.toLocaleString('en-US')} runs × ${runs.tasks_per_run} tasks`;
  const detail = parse.detail as
    | {
        stale_tick_ms?: number | null;
        ticks?: { p90_ms?: number | null; all_created_ms?: number | null };
      }
    | undefined;
  const ticks = detail?.ticks;
  const precise = (hop.precise ?? {}) as { p50_ms?: number | null; p99_ms?: number | null };
  const baseline = hop.baseline as Record<string, unknown> | undefined;
  const baselineChain = (baseline?.chain40_total_ms as number | null | undefined) ?? null;
  const anatomy = hop.anatomy as { sum_p50_ms?: number; statements_per_hop?: number } | undefined;
  const trigger = hop.trigger_to_first_start_ms as
    | { p50_ms?: number | null; p99_ms?: number | null; cli_p50_ms?: number | null }
    | undefined;
  const atMost = (v: number | null, t: number) => (v === null ? null : v <= t);
  const atLeast = (v: number | null, t: number) => (v === null ? null : v >= t);
  const rows: Row[] = [
    [
      'hop p50, ms (PostgreSQL timestamps)',
      hop.p50_ms,
      hop.baseline_p50_ms,
      `≤ ${TARGETS.hop_p50_ms}`,
      atMost(hop.p50_ms, TARGETS.hop_p50_ms),
    ],
    [
      'hop p99, ms (PostgreSQL timestamps)',
      hop.p99_ms,
      (hop.baseline_p99_ms as number | null) ?? null,
      `≤ ${TARGETS.hop_p99_ms}`,
      atMost(hop.p99_ms, TARGETS.hop_p99_ms),
    ],
    [
      'hop p50, ms (task functions, XCom)',
      precise.p50_ms ?? null,
      (baseline?.processor_p50_ms as number | null) ?? null,
      '',
      null,
    ],
    ['hop p99, ms (task functions, XCom)', precise.p99_ms ?? null, null, '', null],
    ['hop, engine steps alone (in-process), ms', anatomy?.sum_p50_ms ?? null, null, '', null],
    ['  PostgreSQL statements per hop', anatomy?.statements_per_hop ?? null, null, '', null],
    [
      'trigger (engine API) → first task start p50, ms',
      trigger?.p50_ms ?? null,
      null,
      `≤ ${TARGETS.trigger_to_first_start_p50_ms}`,
      atMost(trigger?.p50_ms ?? null, TARGETS.trigger_to_first_start_p50_ms),
    ],
    ['  trigger (engine API) → first task start p99, ms', trigger?.p99_ms ?? null, null, '', null],
    ['  `weir dags trigger` → first task start p50, ms', trigger?.cli_p50_ms ?? null, null, '', null],
    [
      'chain of 40, total ms (median of runs)',
      hop.chain40_total_ms,
      baselineChain ?? null,
      `≤ ${TARGETS.chain40_total_ms}`,
      atMost(hop.chain40_total_ms, TARGETS.chain40_total_ms),
    ],
    [
      'throughput, tasks/s (10,000 mapped)',
      throughput.tasks_per_s,
      throughput.baseline_jobs_per_s,
      `≥ ${TARGETS.tasks_per_s}`,
      atLeast(throughput.tasks_per_s, TARGETS.tasks_per_s),
    ],
    [
      'throughput ÷ raw BullMQ',
      throughput.ratio,
      null,
      `≥ ${TARGETS.throughput_ratio}`,
      atLeast(throughput.ratio, TARGETS.throughput_ratio),
    ],
    [`many runs, runs/s (${runsLabel})`, runs.runs_per_s, runs.baseline_runs_per_s, '', null],
    ['  many runs ÷ raw BullMQ flows', runs.ratio, null, '', null],
    ['  many runs, wall s', runs.wall_s, null, '', null],
    ['  hop p50 under that load, ms', runs.hop_p50_ms, runsBaseline?.hop_p50_ms ?? null, '', null],
    ['  hop p99 under that load, ms', runs.hop_p99_ms, runsBaseline?.hop_p99_ms ?? null, '', null],
    [
      '  trigger → first task start p50 under load, ms',
      runs.trigger_to_first_start_ms.p50_ms,
      runsBaseline?.add_to_first_start_p50_ms ?? null,
      '',
      null,
    ],
    [
      '  trigger → first task start p99 under load, ms',
      runs.trigger_to_first_start_ms.p99_ms,
      null,
      '',
      null,
    ],
    [
      `parse ${parse.dags} DAG files, ms`,
      parse.full_parse_ms,
      null,
      `< ${TARGETS.full_parse_ms}`,
      parse.full_parse_ms === null ? null : parse.full_parse_ms < TARGETS.full_parse_ms,
    ],
    [
      `scheduler tick, ${parse.dags} DAGs, ms (median)`,
      parse.scheduler_tick_ms,
      null,
      `< ${TARGETS.scheduler_tick_ms}`,
      parse.scheduler_tick_ms === null ? null : parse.scheduler_tick_ms < TARGETS.scheduler_tick_ms,
    ],
    ['  scheduler tick p90, ms', ticks?.p90_ms ?? null, null, '', null],
    [`  every DAG's first run created, ms`, ticks?.all_created_ms ?? null, null, '', null],
    [`  tick, ${parse.dags} runs running and stale, ms`, detail?.stale_tick_ms ?? null, null, '', null],
    [
      'alert: final failure → Slack, p50 ms (baseline: a direct post)',
      alertsOf(results)?.single?.p50_ms ?? null,
      alertsOf(results)?.baseline_post_p50_ms ?? null,
      '',
      null,
    ],
    ['alert: final failure → Slack, p99 ms', alertsOf(results)?.single?.p99_ms ?? null, null, '', null],
    [
      'alert: 1,000 failures at once, first failure → message, ms',
      alertsOf(results)?.burst?.from_first_failure_ms ?? null,
      null,
      '',
      null,
    ],
  ];
  rows.push(...uiRows(results), ...pipelineRows(results));
  const cells = rows.map(([measure, weir, baseline, target, met]) => [
    measure,
    format(weir),
    format(baseline),
    target,
    met === null ? (target ? 'n/a' : '') : met ? 'met' : 'MISSED',
  ]);
  const header = ['measure', 'weir', 'baseline', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  const load = (results.load_average as { at_start?: number[] } | undefined)?.at_start ?? [];
  process.stdout.write(`\nWeir bench, ${results.machine}, load average at start ${load.join(' ')}\n\n`);
  process.stdout.write(`${line(header)}\n`);
  process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
  for (const [part, value] of [
    ['hop', hop],
    ['throughput', throughput],
    ['runs', runs],
    ['parse', parse],
    ['alerts', (results.alerts ?? {}) as { skipped?: unknown }],
    ['ui', (results.ui ?? {}) as { skipped?: unknown }],
    ['pipeline', (results.pipeline ?? {}) as { skipped?: unknown }],
  ] as const) {
    if (typeof value.skipped === 'string') process.stdout.write(`\n${part} skipped: ${value.skipped}`);
  }
  const failures = runs.failures as { runs: number; first_error: string | null } | null | undefined;
  if (failures && failures.runs > 0)
    process.stdout.write(`\nmany runs: ${failures.runs} runs not successful; first: ${failures.first_error}`);
  const partial = runs.partial as { success?: number; runs_per_s?: number | null } | undefined;
  if (partial)
    process.stdout.write(
      `\nmany runs, when the part stopped: ${partial.success ?? 0} of ${runs.runs} succeeded, ${format(partial.runs_per_s ?? null)} runs/s`,
    );
  if (runs.runs_per_s !== null || partial)
    process.stdout.write(
      `\nmany runs: no target. For scale, Hatchet publishes 2,000 runs/s on a database with 8 CPUs; this machine has ${cpus().length} cores for everything.`,
    );
  process.stdout.write(
    '\nbaseline: raw BullMQ for the engine rows; for the UI rows the same read in raw SQL (node-postgres), and GET /api/health on the same server; for the pipeline rows raw XADD pipelines of the same events, one plain DuckDB script, the same hour on an empty lake.',
  );
  process.stdout.write('\n');
}

/** The UI part's rows: HTTP p95 against raw SQL of the same read, browser medians. */
function uiRows(results: BenchResults): Row[] {
  const ui = results.ui as
    | {
        grid_p50_ms?: number | null;
        grid_p95_ms?: number | null;
        grid_1000_tasks_p95_ms?: number | null;
        ti_list_p95_ms?: number | null;
        dag_list_p95_ms?: number | null;
        grid_render_ms?: number | null;
        log_100k_first_screen_ms?: number | null;
        grid_source?: string;
        baseline_health_p50_ms?: number | null;
        baseline_health_p95_ms?: number | null;
        sql_p95_ms?: Record<string, number | null>;
      }
    | undefined;
  const below = (v: number | null | undefined, t: number): [number | null, string, boolean | null] => [
    v ?? null,
    `< ${t.toLocaleString('en-US')}`,
    v === null || v === undefined ? null : v < t,
  ];
  const sqlOf = (key: string) => ui?.sql_p95_ms?.[key] ?? null;
  const source = ui?.grid_source === 'api' ? 'grid API' : 'DAG page HTML';
  const row = (measure: string, v: number | null | undefined, baseline: number | null, t: number): Row => {
    const [value, target, met] = below(v, t);
    return [measure, value, baseline, target, met];
  };
  return [
    row(
      `UI: grid 1,000 tasks × 25 runs p95, ms (${source}; baseline raw SQL)`,
      ui?.grid_1000_tasks_p95_ms,
      sqlOf('grid_1000_tasks'),
      TARGETS.grid_1000_tasks_p95_ms,
    ),
    row(
      '  grid, latest 25 of 1,000 runs × 50 tasks p95, ms',
      ui?.grid_p95_ms,
      sqlOf('grid'),
      TARGETS.grid_p95_ms,
    ),
    ['  grid, latest 25 of 1,000 runs p50, ms', ui?.grid_p50_ms ?? null, null, '', null],
    row(
      '  task instances, 105,000, state=failed p95, ms',
      ui?.ti_list_p95_ms,
      sqlOf('ti_list'),
      TARGETS.ti_list_p95_ms,
    ),
    row('  DAG list, 1,000 DAGs p95, ms', ui?.dag_list_p95_ms, sqlOf('dag_list'), TARGETS.dag_list_p95_ms),
    [
      '  GET /api/health p50 / p95, ms (the server alone)',
      ui?.baseline_health_p50_ms ?? null,
      ui?.baseline_health_p95_ms ?? null,
      '',
      null,
    ],
    row('  Chromium: 1,000-task grid visible, ms (median)', ui?.grid_render_ms, null, TARGETS.grid_render_ms),
    row(
      '  Chromium: 100,000-line log, first screen, ms (median)',
      ui?.log_100k_first_screen_ms,
      null,
      TARGETS.log_100k_first_screen_ms,
    ),
  ];
}

/** The pipeline part's rows: collector against raw XADD, transform against plain DuckDB. */
function pipelineRows(results: BenchResults): Row[] {
  const p = results.pipeline as
    | {
        collector_events_per_s?: number | null;
        collector_p99_request_ms?: number | null;
        baseline_xadd_events_per_s?: number | null;
        collector_vs_xadd_ratio?: number | null;
        transform_1m_ms?: number | null;
        plain_duckdb_1m_ms?: number | null;
        transform_vs_plain_ratio?: number | null;
        new_hour_empty_ms?: number | null;
        new_hour_on_history_ms?: number | null;
        incremental_hour_ratio_vs_empty?: number | null;
        history_events?: number;
        history_hours?: number;
        collector?: { p99_request_ms?: number | null; baseline_p99_batch_ms?: number | null };
      }
    | undefined;
  const v = (x: number | null | undefined) => x ?? null;
  const atMost = (x: number | null, t: number) => (x === null ? null : x <= t);
  const history = `${(p?.history_events ?? 0).toLocaleString('en-US')} events over ${p?.history_hours ?? 0} h`;
  const collectorRate = v(p?.collector_events_per_s);
  const transformMs = v(p?.transform_1m_ms);
  const transformRatio = v(p?.transform_vs_plain_ratio);
  const incremental = v(p?.incremental_hour_ratio_vs_empty);
  return [
    [
      'pipeline: collector, events/s (batches of 100; baseline raw XADD)',
      collectorRate,
      v(p?.baseline_xadd_events_per_s),
      `≥ ${TARGETS.collector_events_per_s.toLocaleString('en-US')}`,
      collectorRate === null ? null : collectorRate >= TARGETS.collector_events_per_s,
    ],
    [
      '  collector request p99, ms (baseline: XADD pipeline of 100)',
      v(p?.collector_p99_request_ms),
      v(p?.collector?.baseline_p99_batch_ms),
      '',
      null,
    ],
    ['  collector ÷ raw XADD', v(p?.collector_vs_xadd_ratio), null, '', null],
    [
      '  transform, 1,000,000 events, ms (baseline plain DuckDB)',
      transformMs,
      v(p?.plain_duckdb_1m_ms),
      `< ${TARGETS.transform_1m_ms.toLocaleString('en-US')}`,
      transformMs === null ? null : transformMs < TARGETS.transform_1m_ms,
    ],
    [
      '  transform ÷ plain DuckDB',
      transformRatio,
      null,
      `≤ ${TARGETS.transform_vs_plain_ratio}`,
      atMost(transformRatio, TARGETS.transform_vs_plain_ratio),
    ],
    [
      `  new hour of 10,000 on ${history}, ms (baseline empty lake)`,
      v(p?.new_hour_on_history_ms),
      v(p?.new_hour_empty_ms),
      '',
      null,
    ],
    [
      '  new hour on history ÷ on empty lake',
      incremental,
      null,
      `< ${TARGETS.incremental_hour_ratio_vs_empty}`,
      incremental === null ? null : incremental < TARGETS.incremental_hour_ratio_vs_empty,
    ],
  ];
}

function format(value: number | null): string {
  if (value === null) return '–';
  if (Number.isInteger(value) && Math.abs(value) < 100) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}

function alertsOf(results: BenchResults):
  | {
      single?: { p50_ms: number | null; p99_ms: number | null };
      burst?: { from_first_failure_ms: number | null };
      baseline_post_p50_ms?: number | null;
    }
  | undefined {
  return results.alerts as ReturnType<typeof alertsOf>;
}
