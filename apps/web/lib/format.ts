// Owns how times read on the pages: "12 s ago", durations, ISO instants in UTC.

export function ago(at: Date, now: Date = new Date()): string {
  const s = Math.round((now.getTime() - at.getTime()) / 1000);
  if (s < 0) return `in ${duration(-s)}`;
  return `${duration(s)} ago`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

/** 2026-12-03 18:47:06 UTC */
export function instant(at: Date | null | undefined): string {
  return at ? `${at.toISOString().replace('T', ' ').slice(0, 19)} UTC` : '–';
}
