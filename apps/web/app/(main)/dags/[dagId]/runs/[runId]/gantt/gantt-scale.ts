// Owns the Gantt's time scale: the span shown (the run, and every try in it), where an instant
// falls in it (a percentage), and round tick marks for the axis. Pure.

export interface Span {
  readonly start: number;
  readonly end: number;
}

const STEPS_MS = [
  100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
  1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** The span covering every instant given; a degenerate span widens to one second. */
export function spanOf(instants: readonly number[]): Span {
  const start = Math.min(...instants);
  const end = Math.max(...instants);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { start: 0, end: 1_000 };
  return end - start < 1_000 ? { start, end: start + 1_000 } : { start, end };
}

/** Where an instant falls, 0..100. */
export function percentOf(span: Span, at: number): number {
  return ((at - span.start) / (span.end - span.start)) * 100;
}

/** Tick instants on round multiples of a step giving at most `most` ticks. */
export function ticksOf(span: Span, most = 8): { readonly step: number; readonly at: readonly number[] } {
  const length = span.end - span.start;
  const step = STEPS_MS.find((s) => length / s <= most) ?? Math.ceil(length / most / 86_400_000) * 86_400_000;
  const at: number[] = [];
  for (let t = Math.ceil(span.start / step) * step; t <= span.end; t += step) at.push(t);
  return { step, at };
}

/** A tick's label: UTC clock time, to the precision the step needs. */
export function tickLabel(at: number, step: number): string {
  const iso = new Date(at).toISOString();
  if (step < 1_000) return iso.slice(11, 21);
  if (step < 60_000) return iso.slice(11, 19);
  if (step < 86_400_000) return iso.slice(11, 16);
  return iso.slice(0, 10);
}

/** "0.4 s", "12 s", "3 min 5 s", "2 h 10 min". */
export function elapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}
