// Owns reading durations as DAG authors write them: '30s', '5m', '1h30m', '2d', '250ms', or a
// number of seconds (as Airflow's timedelta-or-seconds options accept).

export type Duration = string | number;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** Milliseconds in `value`. Throws a TypeError naming the bad value. */
export function parseDuration(value: Duration, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new TypeError(`${what} must be a non-negative number of seconds, got ${value}`);
    return Math.round(value * 1_000);
  }
  const text = value.trim().replace(/\s+/g, '');
  let total = 0;
  let matched = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    matched = PART.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    throw new TypeError(
      `${what} "${value}" is not a duration; write it like '30s', '5m', '1h30m', '2d' or '250ms'`,
    );
  }
  return Math.round(total);
}
