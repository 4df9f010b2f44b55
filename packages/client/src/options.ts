// The client's options: their public type, their defaults and their validation (by hand, since the
// package has no runtime dependencies). Validation throws at createClient(), never later.
import type { ClientEvent, Platform } from './event.ts';
import { WeirClientError } from './errors.ts';
import { PLATFORMS } from './event.ts';

/** Sends a body without waiting for an answer (the page is going away); false when the browser refused it. */
export type BeaconSender = (url: string, body: string) => boolean;

export interface RetryOptions {
  /** First backoff delay (default 500 ms); each retry doubles it, with jitter. */
  baseMs?: number;
  /** Longest backoff delay (default 30 s). */
  maxMs?: number;
  /** Tries per batch, the first included (default 10); `Infinity` retries until close() gives up. */
  maxAttempts?: number;
}

export interface EventRejection {
  event: ClientEvent;
  reason: string;
}

/** Where the client listens for `pagehide` and `visibilitychange` (browsers: window and document). */
export interface PageLifecycle {
  window: EventTarget;
  document: EventTarget & { readonly visibilityState: string };
}

export interface ClientOptions {
  /** The Weir web app or `weir collector` base URL, e.g. `https://weir.example.com`. */
  endpoint: string;
  /** The source's write key (`npx weir sources create <name>` prints it). */
  writeKey: string;
  /** Send when this many events are waiting (default 10; the collector takes at most 1,000). */
  flushAt?: number;
  /** Send what is waiting this long after the oldest waiting event arrived (default 5,000 ms). */
  flushIntervalMs?: number;
  /** A batch's JSON never passes this many bytes (default 500,000; the collector takes at most 1 MB). */
  maxBatchBytes?: number;
  /** Most events held (waiting and in flight); past it the oldest waiting ones are dropped (default 10,000). */
  maxQueueSize?: number;
  retry?: RetryOptions;
  /** One request's time limit before it counts as a network failure (default 15,000 ms). */
  requestTimeoutMs?: number;
  /** How long close() waits for delivery before giving up on what is left (default 10,000 ms). */
  closeTimeoutMs?: number;
  /** Defaults for every event; track() options override them. */
  platform?: Platform | null;
  appVersion?: string | null;
  userId?: string | null;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Page-unload delivery (default: `navigator.sendBeacon`, else fetch with `keepalive`). */
  beacon?: BeaconSender;
  /** Where to listen for page unload (default `window`/`document` when present; `false` turns it off). */
  page?: PageLifecycle | false;
  /** Delivery problems (bad key, unparsable batch, retries exhausted, close timeout); default console.warn. */
  onError?: (error: WeirClientError) => void;
  /** Events the collector (or the client, for an event larger than a batch) refused; never retried. */
  onRejected?: (rejections: EventRejection[]) => void;
}

export interface ResolvedOptions {
  eventsUrl: string;
  beaconUrl: string;
  writeKey: string;
  flushAt: number;
  flushIntervalMs: number;
  maxBatchBytes: number;
  maxQueueSize: number;
  retry: Required<RetryOptions>;
  requestTimeoutMs: number;
  closeTimeoutMs: number;
  platform: Platform | null;
  appVersion: string | null;
  userId: string | null;
  fetch: typeof fetch | undefined;
  beacon: BeaconSender | undefined;
  page: PageLifecycle | undefined;
  onError: (error: WeirClientError) => void;
  onRejected: ((rejections: EventRejection[]) => void) | undefined;
}

/** The collector's per-request event limit. */
const COLLECTOR_MAX_EVENTS = 1_000;
/** setTimeout fires at once for longer delays (they overflow a 32-bit integer). */
const MAX_TIMER_MS = 2_147_483_647;

function positive(name: string, value: number | undefined, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || value > max) {
    const range = max === Infinity ? 'a positive number' : `a number in (0, ${max}]`;
    throw new WeirClientError(
      'INVALID_OPTIONS',
      `createClient: ${name} must be ${range}, got ${String(value)}`,
    );
  }
  return value;
}

function detectPage(): PageLifecycle | undefined {
  const g = globalThis as { window?: EventTarget; document?: PageLifecycle['document'] };
  if (
    typeof g.window?.addEventListener !== 'function' ||
    typeof g.document?.addEventListener !== 'function'
  ) {
    return undefined;
  }
  return { window: g.window, document: g.document };
}

function defaultOnError(error: WeirClientError): void {
  console.warn(`[@weir/client] ${error.code}: ${error.message}`);
}

export function resolveOptions(opts: ClientOptions): ResolvedOptions {
  if (typeof opts !== 'object' || opts === null) {
    throw new WeirClientError('INVALID_OPTIONS', 'createClient: pass { endpoint, writeKey }');
  }
  let base: URL;
  try {
    base = new URL(opts.endpoint);
  } catch {
    throw new WeirClientError(
      'INVALID_OPTIONS',
      `createClient: endpoint must be an absolute URL such as https://weir.example.com, got ${String(opts.endpoint)}`,
    );
  }
  if (typeof opts.writeKey !== 'string' || opts.writeKey.length === 0) {
    throw new WeirClientError(
      'INVALID_OPTIONS',
      'createClient: writeKey is required (`npx weir sources create <name>` prints one)',
    );
  }
  if (opts.platform != null && !PLATFORMS.includes(opts.platform)) {
    throw new WeirClientError(
      'INVALID_OPTIONS',
      `createClient: platform must be one of ${PLATFORMS.join(', ')}, got ${String(opts.platform)}`,
    );
  }
  const flushAt = positive('flushAt', opts.flushAt, 10, COLLECTOR_MAX_EVENTS);
  if (!Number.isInteger(flushAt)) {
    throw new WeirClientError('INVALID_OPTIONS', `createClient: flushAt must be an integer, got ${flushAt}`);
  }
  const maxQueueSize = positive('maxQueueSize', opts.maxQueueSize, 10_000);
  if (maxQueueSize < flushAt) {
    throw new WeirClientError(
      'INVALID_OPTIONS',
      `createClient: maxQueueSize (${maxQueueSize}) must be at least flushAt (${flushAt})`,
    );
  }
  const retryBase = positive('retry.baseMs', opts.retry?.baseMs, 500, MAX_TIMER_MS);
  const retry: Required<RetryOptions> = {
    baseMs: retryBase,
    maxMs: positive('retry.maxMs', opts.retry?.maxMs, Math.max(30_000, retryBase), MAX_TIMER_MS),
    maxAttempts: positive('retry.maxAttempts', opts.retry?.maxAttempts, 10),
  };

  // The endpoint may carry a path prefix (a reverse proxy mounting Weir under /weir).
  const prefix = base.pathname.replace(/\/+$/, '');
  const eventsUrl = new URL(`${prefix}/api/v1/events`, base).toString();
  const beacon = new URL(eventsUrl);
  beacon.searchParams.set('writeKey', opts.writeKey);

  const page = opts.page === false ? undefined : (opts.page ?? detectPage());
  return {
    eventsUrl,
    beaconUrl: beacon.toString(),
    writeKey: opts.writeKey,
    flushAt,
    flushIntervalMs: positive('flushIntervalMs', opts.flushIntervalMs, 5_000, MAX_TIMER_MS),
    maxBatchBytes: positive('maxBatchBytes', opts.maxBatchBytes, 500_000),
    maxQueueSize,
    retry,
    requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs, 15_000, MAX_TIMER_MS),
    closeTimeoutMs: positive('closeTimeoutMs', opts.closeTimeoutMs, 10_000, MAX_TIMER_MS),
    // In a page the platform can only be the web; elsewhere (Node, a React Native app) the caller says.
    platform: opts.platform !== undefined ? opts.platform : opts.page || detectPage() ? 'web' : null,
    appVersion: opts.appVersion ?? null,
    userId: opts.userId ?? null,
    fetch: opts.fetch,
    beacon: opts.beacon,
    page,
    onError: opts.onError ?? defaultOnError,
    onRejected: opts.onRejected,
  };
}
