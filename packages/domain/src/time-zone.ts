// Owns the arithmetic between instants and wall-clock times in an IANA time zone (Intl only, no
// I/O): a zone's UTC offset at an instant, and the instants a wall-clock time maps to, which are
// none (spring-forward gap), one, or two (autumn fold).
//
// A "wall time" here is a wall-clock reading encoded as milliseconds on a zone-less timeline
// (as if the wall clock were UTC), so cron can be evaluated on it without DST.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset at `instant` in milliseconds (positive east of Greenwich). */
export function offsetAt(instant: number, timeZone: string): number {
  const seconds = Math.floor(instant / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(new Date(seconds))) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  return wall.getTime() - seconds;
}

/** The wall-clock reading of `instant` in `timeZone`, as a wall time. */
export function wallTime(instant: number, timeZone: string): number {
  return instant + offsetAt(instant, timeZone);
}

// Real zones change offset at most once in a few weeks, so the offsets a day either side of a
// wall time are the only two it can resolve with.
const DAY_MS = 86_400_000;

export type WallTimeResolution =
  | { readonly kind: 'unique'; readonly instant: number }
  /** The wall time happens twice (the clock was set back); `first` < `second`. */
  | { readonly kind: 'ambiguous'; readonly first: number; readonly second: number }
  /**
   * The wall time never happens (the clock jumped forward over it); `shifted` reads it with the
   * offset before the jump, i.e. moves it forward by the gap (02:30 → 03:30 CEST), as pendulum
   * and therefore Airflow do.
   */
  | { readonly kind: 'gap'; readonly shifted: number };

export function resolveWallTime(wall: number, timeZone: string): WallTimeResolution {
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const valid = [...new Set([wall - before, wall - after])]
    .filter((instant) => wallTime(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  const [first, second] = valid;
  if (first === undefined) return { kind: 'gap', shifted: wall - before };
  if (second === undefined) return { kind: 'unique', instant: first };
  return { kind: 'ambiguous', first, second };
}
