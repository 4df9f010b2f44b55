// Owns deadlines (SLA monitors) as DAG authors write them: "must succeed within <interval> of
// <reference>". The engine checks them while runs are still going.
import { type Duration, parseDuration } from './duration.ts';

/** What a deadline counts from. `timeOfDay` is a wall-clock time ('06:00') in the DAG's time zone, on the run's logical date. */
export type DeadlineReference =
  | 'dataIntervalEnd'
  | 'queuedAt'
  | 'logicalDate'
  | { readonly timeOfDay: string };

export interface DeadlineOptions {
  /** Names the deadline in alerts; default `<reference>+<interval>`. */
  readonly id?: string;
  readonly reference: DeadlineReference;
  readonly interval: Duration;
}

export interface SerializedDeadline {
  readonly id: string;
  readonly reference:
    | { readonly kind: 'dataIntervalEnd' | 'queuedAt' | 'logicalDate' }
    | { readonly kind: 'timeOfDay'; readonly hour: number; readonly minute: number };
  readonly intervalMs: number;
}

const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function serializeDeadline(deadline: DeadlineOptions, where: string): SerializedDeadline {
  const intervalMs = parseDuration(deadline.interval, `${where}: deadline interval`);
  const ref = deadline.reference;
  let reference: SerializedDeadline['reference'];
  let label: string;
  if (typeof ref === 'string') {
    if (!['dataIntervalEnd', 'queuedAt', 'logicalDate'].includes(ref)) {
      throw new TypeError(
        `${where}: deadline reference "${ref}" must be dataIntervalEnd, queuedAt, logicalDate or { timeOfDay: 'HH:MM' }`,
      );
    }
    reference = { kind: ref };
    label = ref;
  } else {
    const m = TIME_OF_DAY.exec(ref.timeOfDay ?? '');
    if (!m) throw new TypeError(`${where}: deadline timeOfDay "${ref.timeOfDay}" must be HH:MM`);
    reference = { kind: 'timeOfDay', hour: Number(m[1]), minute: Number(m[2]) };
    label = `timeOfDay(${ref.timeOfDay})`;
  }
  return {
    id:
      deadline.id ??
      `${label}+${typeof deadline.interval === 'number' ? `${deadline.interval}s` : deadline.interval}`,
    reference,
    intervalMs,
  };
}
