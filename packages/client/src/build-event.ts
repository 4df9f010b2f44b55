// Turns a track() call into the wire event: fills event_id and client_ts, applies the client's
// defaults, and refuses what the collector would refuse anyway (so the mistake shows at the call).
import { WeirClientError } from './errors.ts';
import { type ClientEvent, PLATFORMS, type Platform } from './event.ts';

export interface TrackOptions {
  /** Overrides the client's user (identify()); null for an anonymous user. */
  userId?: string | null;
  sessionId?: string | null;
  /** When it happened (default now); stored as UTC with milliseconds. */
  timestamp?: Date | string | number;
  platform?: Platform | null;
  appVersion?: string | null;
  /** The registry version of `properties` this event follows. */
  schemaVersion?: number | null;
  /** Reuse an id (for an event re-sent from your own storage); default a fresh UUID. */
  eventId?: string;
}

export interface EventDefaults {
  userId: string | null;
  platform: Platform | null;
  appVersion: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A v4 UUID. `crypto.randomUUID` only exists in secure contexts (https, localhost), so plain-http
 * pages fall back to `crypto.getRandomValues`, which every browser and Node ≥ 20 have; a runtime
 * with neither (React Native without a polyfill) gets Math.random, enough for an id that only has
 * to be unique. */
export function newEventId(): string {
  const c = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < b.length; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function invalid(message: string): WeirClientError {
  return new WeirClientError('INVALID_EVENT', `track: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function toClientTs(timestamp: TrackOptions['timestamp']): string {
  const date = timestamp === undefined ? new Date() : new Date(timestamp);
  if (Number.isNaN(date.getTime())) throw invalid(`timestamp ${String(timestamp)} is not a valid date`);
  return date.toISOString();
}

export function buildEvent(
  eventType: string,
  properties: Record<string, unknown> | undefined,
  opts: TrackOptions,
  defaults: EventDefaults,
): ClientEvent {
  if (typeof eventType !== 'string' || eventType.length === 0) {
    throw invalid(`eventType must be a non-empty string, got ${JSON.stringify(eventType)}`);
  }
  const props = properties ?? {};
  if (!isPlainObject(props)) throw invalid(`properties of "${eventType}" must be a plain object`);
  const userId = opts.userId !== undefined ? opts.userId : defaults.userId;
  if (userId !== null && (typeof userId !== 'string' || userId.length === 0)) {
    throw invalid('userId must be a non-empty string, or null for an anonymous user');
  }
  const platform = opts.platform !== undefined ? opts.platform : defaults.platform;
  if (platform !== null && !PLATFORMS.includes(platform)) {
    throw invalid(`platform must be one of ${PLATFORMS.join(', ')}, got ${String(platform)}`);
  }
  const schemaVersion = opts.schemaVersion ?? null;
  if (schemaVersion !== null && !(Number.isInteger(schemaVersion) && schemaVersion > 0)) {
    throw invalid(`schemaVersion must be a positive integer, got ${String(schemaVersion)}`);
  }
  const eventId = opts.eventId ?? newEventId();
  if (!UUID.test(eventId)) throw invalid(`eventId must be a UUID, got ${eventId}`);

  const event: ClientEvent = {
    event_id: eventId,
    event_type: eventType,
    user_id: userId,
    properties: props,
    client_ts: toClientTs(opts.timestamp),
  };
  // Absent optional fields stay off the wire: the collector reads absent as null, and batches stay smaller.
  const sessionId = opts.sessionId ?? null;
  if (sessionId !== null) event.session_id = sessionId;
  const appVersion = opts.appVersion !== undefined ? opts.appVersion : defaults.appVersion;
  if (appVersion !== null) event.app_version = appVersion;
  if (platform !== null) event.platform = platform;
  if (schemaVersion !== null) event.schema_version = schemaVersion;
  return event;
}
