// Owns turning a wall-clock date string in a time zone into an instant, with Intl only.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * '2026-01-01' or '2026-01-01T06:00' is read in `timeZone`; a string with an offset or 'Z', or a
 * Date, is taken as is. Throws a TypeError naming `what` for anything else.
 */
export function toInstant(value: string | Date, timeZone: string, what: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${what} is an invalid Date`);
    return value;
  }
  const m = LOCAL.exec(value.trim());
  if (!m) {
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime()) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) {
      throw new TypeError(
        `${what} "${value}" is not a date; write it like '2026-01-01' or '2026-01-01T06:00:00Z'`,
      );
    }
    return parsed;
  }
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // The zone's offset differs around DST changes; two rounds settle it.
  let instant = wall - offsetMs(wall, timeZone);
  instant = wall - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** The zone's UTC offset at `instant`, in milliseconds (positive east of Greenwich). */
export function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
