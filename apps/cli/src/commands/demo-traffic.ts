// Owns what `weir demo events` sends, as a pure function of its options and a seed: users with a
// platform, sessions of page views, clicks, carts and checkouts spread over the last hours (so
// each event's client_ts is earlier than the collector's server_ts), gaps between sessions on
// both sides of the pipeline's 30-minute rule, sessions that cross an hour, client retries that
// re-send an event_id, a few malformed events for the dead-letter path, and one profile per user.
// No I/O and no clock: the same options and seed give the same traffic.
import type { UserProfile } from '@weir/pipeline';

export interface DemoTrafficOptions {
  readonly users: number;
  readonly hours: number;
  /** About this many events per user and hour. */
  readonly rate: number;
  readonly seed: number;
  /** The end of the window; events fall in [now − hours, now]. */
  readonly now: Date;
}

export type DemoPlatform = 'ios' | 'android' | 'web';

/** One event as the client SDK's track() is given it. */
export interface DemoEvent {
  readonly eventId: string;
  readonly eventType: 'page_view' | 'click' | 'add_to_cart' | 'checkout';
  readonly userId: string;
  readonly sessionId: string;
  readonly properties: Record<string, unknown>;
  readonly timestamp: Date;
  readonly platform: DemoPlatform;
  readonly appVersion: string;
}

export interface DemoTraffic {
  /** In sending order; a retry (an earlier event sent again, same event_id) has `retry: true`. */
  readonly sends: ReadonlyArray<{ readonly event: DemoEvent; readonly retry: boolean }>;
  /** Distinct events (sends without the retries). */
  readonly events: number;
  readonly retries: number;
  /** Raw bodies the collector must refuse, each with what is wrong with it. */
  readonly malformed: ReadonlyArray<{ readonly flaw: string; readonly body: Record<string, unknown> }>;
  readonly profiles: readonly UserProfile[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Share of events a client sends twice (its first try timed out after the collector stored it). */
const RETRY_SHARE = 0.03;

/** mulberry32: small, fast and good enough for demo data; the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const between = (random: Random, min: number, max: number) => min + random() * (max - min);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  let r = random() * choices.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  return (choices[choices.length - 1] as readonly [T, number])[0];
}

function uuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Math.floor(random() * 4) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function demoUserId(index: number): string {
  return `demo-user-${String(index + 1).padStart(3, '0')}`;
}

const PATHS = ['/', '/products', '/products/running', '/products/outdoor', '/search', '/cart', '/account'];
const ELEMENTS = ['nav_link', 'product_card', 'buy_button', 'search_box', 'banner', 'filter'];
const APP_VERSIONS: Record<DemoPlatform, readonly string[]> = {
  ios: ['3.4.1', '3.5.0'],
  android: ['3.4.0', '3.5.0'],
  web: ['web-2026.12.1'],
};

interface Session {
  readonly start: number;
  readonly end: number;
}

/**
 * A user's sessions in [from, to]: 3 to 25 minutes long, separated by 5 to 29 minutes (one
 * session for the pipeline, two for the client) or 31 to 90 (two for both). Half the users
 * start just before an hour boundary with a session long enough to cross it.
 */
function sessionsOf(random: Random, from: number, to: number, crossHour: boolean): Session[] {
  const sessions: Session[] = [];
  let t = from + between(random, 0, 15 * MINUTE);
  if (crossHour) {
    const boundary = Math.ceil((from + 10 * MINUTE) / HOUR) * HOUR;
    if (boundary + 10 * MINUTE <= to) {
      const start = boundary - between(random, 2, 8) * MINUTE;
      const end = boundary + between(random, 5, 15) * MINUTE;
      sessions.push({ start, end });
      t = end + gap(random);
    }
  }
  while (t < to) {
    const end = Math.min(to, t + between(random, 3, 25) * MINUTE);
    if (end - t >= MINUTE) sessions.push({ start: t, end });
    t = end + gap(random);
  }
  return sessions;
}

function gap(random: Random): number {
  return (random() < 0.4 ? between(random, 5, 29) : between(random, 31, 90)) * MINUTE;
}

/** Session sizes proportional to their length, adding up to `total`, each at least 2. */
function sizes(random: Random, sessions: readonly Session[], total: number): number[] {
  const length = sessions.reduce((sum, s) => sum + (s.end - s.start), 0);
  return sessions.map((s) =>
    Math.max(2, Math.round(((s.end - s.start) / length) * total * between(random, 0.8, 1.2))),
  );
}

function sessionEvents(
  random: Random,
  session: Session,
  count: number,
  user: { id: string; platform: DemoPlatform; appVersion: string },
): DemoEvent[] {
  const times = [session.start, session.end];
  for (let i = 2; i < count; i++) times.push(between(random, session.start, session.end));
  times.sort((a, b) => a - b);
  const sessionId = `s-${uuid(random).slice(0, 13)}`;
  const cart: number[] = [];
  return times.map((t, i) => {
    let eventType: DemoEvent['eventType'] =
      i === 0
        ? 'page_view'
        : weighted(random, [
            ['page_view', 50],
            ['click', 30],
            ['add_to_cart', 13],
            ['checkout', 7],
          ] as const);
    if (eventType === 'checkout' && cart.length === 0) eventType = 'click';
    const path = pick(random, PATHS);
    let properties: Record<string, unknown>;
    if (eventType === 'page_view') properties = { path, title: `Shop ${path}` };
    else if (eventType === 'click') properties = { element: pick(random, ELEMENTS), path };
    else if (eventType === 'add_to_cart') {
      const price = Math.round(between(random, 5, 120) * 100) / 100;
      const quantity = 1 + Math.floor(random() * 3);
      cart.push(price * quantity);
      properties = { sku: `SKU-${1000 + Math.floor(random() * 200)}`, price, quantity, currency: 'EUR' };
    } else {
      const amount = Math.round(cart.reduce((a, b) => a + b, 0) * 100) / 100;
      properties = { order_id: `o-${uuid(random).slice(0, 8)}`, amount, items: cart.length, currency: 'EUR' };
      cart.length = 0;
    }
    return {
      eventId: uuid(random),
      eventType,
      userId: user.id,
      sessionId,
      properties,
      timestamp: new Date(Math.round(t)),
      platform: user.platform,
      appVersion: user.appVersion,
    };
  });
}

/** Bodies the collector refuses, each for one reason (so each is one dead letter with that reason). */
function malformedEvents(random: Random, count: number, at: number): DemoTraffic['malformed'] {
  const base = () => ({
    event_id: uuid(random),
    event_type: 'page_view',
    user_id: demoUserId(0),
    properties: { path: '/' },
    client_ts: new Date(at).toISOString(),
  });
  const kinds: ReadonlyArray<[string, () => Record<string, unknown>]> = [
    [
      'no client_ts',
      () => {
        const { client_ts: _, ...rest } = base();
        return rest;
      },
    ],
    ['user_id is a number', () => ({ ...base(), user_id: 42 })],
    ['properties is a string', () => ({ ...base(), properties: 'path=/' })],
    ['client_ts without a zone', () => ({ ...base(), client_ts: '2026-12-04 10:00:00' })],
    ['unknown platform', () => ({ ...base(), platform: 'windows' })],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [flaw, make] = kinds[i % kinds.length] as [string, () => Record<string, unknown>];
    return { flaw, body: make() };
  });
}

function profileOf(index: number, to: number): UserProfile {
  // Seeded by the user alone, so a user keeps their plan and signup date from run to run.
  const random = seededRandom(0x5eed + index);
  const plan = weighted(random, [
    ['free', 60],
    ['pro', 30],
    ['team', 10],
  ] as const);
  const signup = new Date(to - Math.floor(between(random, 1, 400)) * 24 * HOUR);
  return { user_id: demoUserId(index), plan, signup_date: signup.toISOString().slice(0, 10) };
}

export function generateDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
  const random = seededRandom(options.seed);
  const to = options.now.getTime();
  const from = to - options.hours * HOUR;
  const all: DemoEvent[] = [];
  for (let u = 0; u < options.users; u++) {
    const platform = weighted(random, [
      ['ios', 35],
      ['android', 30],
      ['web', 35],
    ] as const);
    const user = { id: demoUserId(u), platform, appVersion: pick(random, APP_VERSIONS[platform]) };
    const total = Math.max(2, Math.round(options.rate * options.hours * between(random, 0.7, 1.3)));
    const sessions = sessionsOf(random, from, to, u % 2 === 0);
    const counts = sizes(random, sessions, total);
    sessions.forEach((s, i) => {
      all.push(...sessionEvents(random, s, counts[i] as number, user));
    });
  }
  // Sent roughly as they happened, across users, the way a busy app's traffic reaches a collector.
  all.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.eventId.localeCompare(b.eventId));
  const sends: Array<{ event: DemoEvent; retry: boolean }> = [];
  const pendingRetries: Array<{ event: DemoEvent; after: number }> = [];
  all.forEach((event, i) => {
    sends.push({ event, retry: false });
    if (random() < RETRY_SHARE) pendingRetries.push({ event, after: i + 1 + Math.floor(random() * 20) });
    while (pendingRetries.length > 0 && (pendingRetries[0] as { after: number }).after <= i) {
      sends.push({ event: (pendingRetries.shift() as { event: DemoEvent }).event, retry: true });
    }
  });
  for (const { event } of pendingRetries) sends.push({ event, retry: true });
  // Even a tiny run exercises deduplication.
  const middle = all[Math.floor(all.length / 2)];
  if (sends.length === all.length && middle) sends.push({ event: middle, retry: true });
  const malformed = malformedEvents(random, Math.max(5, Math.round(all.length * 0.005)), to);
  return {
    sends,
    events: all.length,
    retries: sends.length - all.length,
    malformed,
    profiles: Array.from({ length: options.users }, (_, u) => profileOf(u, to)),
  };
}
