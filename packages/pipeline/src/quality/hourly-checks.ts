// Owns the data-quality checks of one arrival hour (events whose server_ts falls in it, the batch
// that ingest_to_lake landed for that hour): volume against the same hour yesterday, null rates
// of key fields, freshness (p95 of client_ts → loaded_at), and the dead-letter rate. Each returns
// a row for `dq_results`; `passed` false means the alert of its kind should be raised.
// The arrival hour is used, not the event-time hour, because these checks watch the pipeline's
// health (an SDK outage shows as fewer arrivals), and a late event must not move an old hour.
import type { SqlValue, WarehouseReader } from './warehouse-reader.ts';

export type DqSeverity = 'error' | 'warn';

/** One row of `dq_results`. */
export interface DqResult {
  readonly check_name: string;
  /** `dt=YYYY-MM-DD/hour=HH`, as the lake names the hour. */
  readonly partition: string;
  readonly passed: boolean;
  readonly severity: DqSeverity;
  /** What was measured (a percentage, a rate, seconds), or null when nothing could be (no rows). */
  readonly observed: number | null;
  readonly threshold: number;
  readonly checked_at: string;
}

export interface HourlyThresholds {
  /** Largest drop against the same hour yesterday, in percent (20). */
  readonly volumeDropPercent: number;
  /** Largest share of null user_id / event_type (0.01). */
  readonly nullRate: number;
  /** Largest p95 of client_ts → loaded_at, in seconds (600). */
  readonly freshnessP95Seconds: number;
  /** Largest share of the hour's arrivals that were dead letters (0.01). */
  readonly deadLetterRate: number;
}

export const DEFAULT_THRESHOLDS: HourlyThresholds = {
  volumeDropPercent: 20,
  nullRate: 0.01,
  freshnessP95Seconds: 600,
  deadLetterRate: 0.01,
};

const HOUR_MS = 3_600_000;

export function hourPartition(hourStart: Date): string {
  const iso = hourStart.toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

function hourBounds(hourStart: Date, offsetHours = 0): [string, string] {
  const start = Math.floor(hourStart.getTime() / HOUR_MS) * HOUR_MS + offsetHours * HOUR_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  return [iso(start), iso(start + HOUR_MS)];
}

async function one(
  warehouse: WarehouseReader,
  sql: string,
  params: SqlValue[],
): Promise<Record<string, unknown>> {
  return (await warehouse.query(sql, params))[0] ?? {};
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Every hourly check of `hourStart`'s arrivals. */
export async function runHourlyChecks(
  warehouse: WarehouseReader,
  hourStart: Date,
  now: Date,
  thresholds: HourlyThresholds = DEFAULT_THRESHOLDS,
): Promise<DqResult[]> {
  const partition = hourPartition(hourStart);
  const checked_at = now.toISOString();
  const [from, to] = hourBounds(hourStart);
  const [yFrom, yTo] = hourBounds(hourStart, -24);
  const inHour = 'server_ts >= CAST($1 AS TIMESTAMPTZ) AND server_ts < CAST($2 AS TIMESTAMPTZ)';
  const counts = await one(
    warehouse,
    `SELECT COUNT(*) AS n,
            SUM(CASE WHEN user_id IS NULL THEN 1 ELSE 0 END) AS null_user_id,
            SUM(CASE WHEN event_type IS NULL THEN 1 ELSE 0 END) AS null_event_type,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY date_part('epoch', loaded_at - client_ts)) AS p95
     FROM events WHERE ${inHour}`,
    [from, to],
  );
  const yesterday = await one(warehouse, `SELECT COUNT(*) AS n FROM events WHERE ${inHour}`, [yFrom, yTo]);
  const dead = await one(
    warehouse,
    'SELECT COUNT(*) AS n FROM dead_letters WHERE received_at >= CAST($1 AS TIMESTAMPTZ) AND received_at < CAST($2 AS TIMESTAMPTZ)',
    [from, to],
  );
  const n = num(counts.n) ?? 0;
  const before = num(yesterday.n) ?? 0;
  const deadLetters = num(dead.n) ?? 0;
  const row = (
    check_name: string,
    observed: number | null,
    threshold: number,
    passed: boolean,
  ): DqResult => ({
    check_name,
    partition,
    passed,
    severity: 'error',
    observed,
    threshold,
    checked_at,
  });
  // No baseline yesterday: nothing to compare, the check passes with nothing observed.
  const drop = before > 0 ? (100 * (before - n)) / before : null;
  const nullRate = (column: string, nulls: number | null) => {
    const rate = n > 0 ? (nulls ?? 0) / n : null;
    return row(
      `null_rate.${column}`,
      rate,
      thresholds.nullRate,
      rate === null || rate <= thresholds.nullRate,
    );
  };
  const p95 = num(counts.p95);
  const arrivals = n + deadLetters;
  const deadRate = arrivals > 0 ? deadLetters / arrivals : null;
  return [
    row('volume', drop, thresholds.volumeDropPercent, drop === null || drop <= thresholds.volumeDropPercent),
    nullRate('user_id', num(counts.null_user_id)),
    nullRate('event_type', num(counts.null_event_type)),
    row(
      'freshness_p95_seconds',
      p95,
      thresholds.freshnessP95Seconds,
      p95 === null || p95 <= thresholds.freshnessP95Seconds,
    ),
    row(
      'dead_letter_rate',
      deadRate,
      thresholds.deadLetterRate,
      deadRate === null || deadRate <= thresholds.deadLetterRate,
    ),
  ];
}
