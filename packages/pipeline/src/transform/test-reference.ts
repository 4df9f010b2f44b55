// Test-only: the curated tables computed straight from their definitions in plain TypeScript
// (no SQL, nothing shared with the transform), for the transform's tests to compare against.
import type { BusEvent } from '../event/envelope.ts';
import type { UserProfile } from '../lake/profiles.ts';

const MINUTE = 60_000;
const GAP = 30 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

export interface ReferenceSession {
  user_id: string;
  session_start: string;
  session_end: string;
  event_count: number;
  duration_seconds: number;
  event_ids: string[];
}

export interface ReferenceTables {
  events: Map<string, BusEvent & { plan: string | null }>;
  sessions: ReferenceSession[];
  counts: { window_start: string; event_type: string; event_count: number }[];
  active: { window_start: string; window_end: string; active_users: number }[];
}

/** `snapshots` oldest first; a user's plan is from the latest snapshot that has them. */
export function referenceTables(
  copies: readonly BusEvent[],
  snapshots: readonly UserProfile[][],
): ReferenceTables {
  const winners = new Map<string, BusEvent>();
  for (const copy of copies) {
    const best = winners.get(copy.event_id);
    if (!best || Date.parse(copy.server_ts) < Date.parse(best.server_ts)) winners.set(copy.event_id, copy);
  }
  const plans = new Map<string, string | null>();
  for (const snapshot of snapshots) for (const p of snapshot) plans.set(p.user_id, p.plan);
  const events = new Map(
    [...winners.values()].map((e) => [
      e.event_id,
      { ...e, plan: e.user_id ? (plans.get(e.user_id) ?? null) : null },
    ]),
  );

  const byUser = new Map<string, BusEvent[]>();
  for (const e of winners.values()) {
    if (e.user_id === null) continue;
    byUser.set(e.user_id, [...(byUser.get(e.user_id) ?? []), e]);
  }
  const sessions: ReferenceSession[] = [];
  for (const [user, list] of byUser) {
    list.sort((a, b) => Date.parse(a.client_ts) - Date.parse(b.client_ts));
    let current: BusEvent[] = [];
    const close = () => {
      if (current.length === 0) return;
      const start = Date.parse((current[0] as BusEvent).client_ts);
      const end = Date.parse((current.at(-1) as BusEvent).client_ts);
      sessions.push({
        user_id: user,
        session_start: iso(start),
        session_end: iso(end),
        event_count: current.length,
        duration_seconds: (end - start) / 1000,
        event_ids: current.map((e) => e.event_id).sort(),
      });
      current = [];
    };
    for (const e of list) {
      const last = current.at(-1);
      if (last && Date.parse(e.client_ts) - Date.parse(last.client_ts) >= GAP) close();
      current.push(e);
    }
    close();
  }

  const counts = new Map<string, number>();
  const active = new Map<number, Set<string | null>>();
  for (const e of winners.values()) {
    const minute = Math.floor(Date.parse(e.client_ts) / MINUTE) * MINUTE;
    const key = `${iso(minute)}|${e.event_type}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    // Window [m, m+5min) holds the event when m <= t < m + 5min.
    for (let k = 0; k < 5; k++) {
      const start = minute - k * MINUTE;
      const users = active.get(start) ?? new Set();
      users.add(e.user_id);
      active.set(start, users);
    }
  }
  return {
    events,
    sessions,
    counts: [...counts].map(([key, n]) => {
      const [window_start, event_type] = key.split('|') as [string, string];
      return { window_start, event_type, event_count: n };
    }),
    active: [...active].map(([start, users]) => ({
      window_start: iso(start),
      window_end: iso(start + 5 * MINUTE),
      active_users: [...users].filter((u) => u !== null).length,
    })),
  };
}
