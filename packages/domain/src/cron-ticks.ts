// Owns the instants a cron expression fires at in a time zone, across DST changes.
//
// Cron is matched against wall-clock time (cron-parser on a zone-less timeline) and each
// matching wall time is turned into instants the way Airflow 2's CronMixin does:
// - a schedule that fires in every hour (hour field `*`, e.g. `@hourly`, `*/15 * * * *`) fires
//   at every instant whose wall time matches: twice in the repeated hour when the clock is set
//   back, and not at all for wall times the clock skips (they would duplicate the next hour's);
// - any other schedule fires once per matching wall time: at the first of the two instants in
//   the repeated hour, and, for a wall time the clock skips, that much later (a daily 02:30 job
//   in Europe/Amsterdam runs at 03:30 CEST on the spring-forward day).
// So consecutive ticks always strictly increase; intervals around a DST change are 23 h or 25 h
// long for daily schedules and never overlap.
//
// cron-parser's own `tz` mode is not used: its prev() skips the shifted spring-forward tick and
// returns the repeated autumn tick that next() never yields, which would make intervals overlap.
import { CronExpressionParser } from 'cron-parser';
import { assertNever } from './states.ts';
import { offsetAt, resolveWallTime, wallTime } from './time-zone.ts';

export interface CronTicks {
  /** The first tick strictly after `instant` (epoch ms). */
  next(instant: number): number;
  /** The last tick strictly before `instant` (epoch ms). */
  prev(instant: number): number;
}

/** Wider than any DST change (at most 2 h in the tz database). */
const WINDOW_MS = 3 * 3_600_000;
/** A runaway scan means a broken expression, not a legitimate schedule. */
const MAX_SCAN_STEPS = 100_000;

/** `expression` is a five-field cron expression (presets already expanded). Throws if invalid. */
export function cronTicks(expression: string, timeZone: string): CronTicks {
  const cron = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date(0) });
  const everyHour = cron.fields.hour.values.length === 24;

  const wallStep = (wall: number, reverse: boolean): number => {
    cron.reset(new Date(wall));
    return (reverse ? cron.prev() : cron.next()).getTime();
  };

  const instantsOf = (wall: number): number[] => {
    const resolved = resolveWallTime(wall, timeZone);
    switch (resolved.kind) {
      case 'unique':
        return [resolved.instant];
      case 'ambiguous':
        return everyHour ? [resolved.first, resolved.second] : [resolved.first];
      case 'gap':
        return everyHour ? [] : [resolved.shifted];
      default:
        return assertNever(resolved);
    }
  };

  // Without a DST change anywhere near, wall time and instant differ by one constant offset.
  const constantOffsetStep = (instant: number, reverse: boolean): number | null => {
    const offset = offsetAt(instant, timeZone);
    if (offsetAt(instant - WINDOW_MS, timeZone) !== offset) return null;
    const candidate = wallStep(instant + offset, reverse) - offset;
    for (const probe of [candidate - WINDOW_MS, candidate, candidate + WINDOW_MS]) {
      if (offsetAt(probe, timeZone) !== offset) return null;
    }
    return candidate;
  };

  // Near a DST change: walk wall times from a little before (or after) and keep the closest.
  const scan = (instant: number, reverse: boolean): number => {
    let wall = wallTime(instant, timeZone) + (reverse ? WINDOW_MS : -WINDOW_MS);
    let best: number | null = null;
    for (let steps = 0; steps < MAX_SCAN_STEPS; steps++) {
      wall = wallStep(wall, reverse);
      if (best !== null) {
        const bestWall = wallTime(best, timeZone);
        if (reverse ? wall < bestWall - WINDOW_MS : wall > bestWall + WINDOW_MS) return best;
      }
      for (const candidate of instantsOf(wall)) {
        if (
          reverse
            ? candidate < instant && (best === null || candidate > best)
            : candidate > instant && (best === null || candidate < best)
        ) {
          best = candidate;
        }
      }
    }
    throw new Error(
      `cron expression "${expression}" in ${timeZone} has no fire time near ${new Date(instant).toISOString()}`,
    );
  };

  return {
    next: memoized((instant) => constantOffsetStep(instant, false) ?? scan(instant, false)),
    prev: memoized((instant) => constantOffsetStep(instant, true) ?? scan(instant, true)),
  };
}

const MEMO_LIMIT = 1024;

/**
 * Ticks are a pure function of the instant, and the scheduler asks the same questions for every
 * DAG sharing a schedule (1,000 hourly DAGs: the same `now` and the same hour boundaries), so
 * recent answers are kept.
 */
function memoized(step: (instant: number) => number): (instant: number) => number {
  const answers = new Map<number, number>();
  return (instant) => {
    let answer = answers.get(instant);
    if (answer === undefined) {
      answer = step(instant);
      if (answers.size >= MEMO_LIMIT) answers.clear();
      answers.set(instant, answer);
    }
    return answer;
  };
}
