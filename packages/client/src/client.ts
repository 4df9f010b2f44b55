// The client: queues tracked events, cuts them into batches (10 events, 5 s or 500 KB, whichever
// comes first), sends one batch at a time so the collector sees them in order, retries a failed
// batch with the same bytes (hence the same event_ids), bounds its memory, and hands what is left
// to a beacon when the page goes away.
import { backoffDelayMs, sleep } from './backoff.ts';
import { defaultBeacon, MAX_BEACON_BYTES } from './beacon.ts';
import { buildEvent, type TrackOptions } from './build-event.ts';
import { WeirClientError, type WeirClientErrorCode } from './errors.ts';
import type { ClientEvent } from './event.ts';
import { arrayBytes, batchBody, EventQueue, type QueuedEvent, utf8Bytes } from './event-queue.ts';
import {
  type BeaconSender,
  type ClientOptions,
  type EventRejection,
  type ResolvedOptions,
  resolveOptions,
} from './options.ts';
import { sendBatch } from './transport.ts';

/** The collector's per-request event limit, which beacons must respect too. */
const MAX_EVENTS_PER_REQUEST = 1_000;

export interface ClientStats {
  /** Events waiting to be sent. */
  queued: number;
  /** Events of the batch being sent or retried. */
  inFlight: number;
  /** Events the collector accepted. */
  accepted: number;
  /** Events refused one by one (by the collector's answer, or locally for an event larger than a batch). */
  rejected: number;
  /** Events given up on: unparsable batch, bad key, retries exhausted, close() timed out. */
  failed: number;
  /** Oldest waiting events dropped because the queue was full (`maxQueueSize`). */
  dropped: number;
  /** Events handed to a beacon on page unload (no answer is ever seen for them). */
  beaconed: number;
  /** Retries of a batch (each try after the first). */
  retries: number;
}

export interface WeirClient {
  /** Queues an event and returns it as it will be sent. Throws WeirClientError INVALID_EVENT or CLIENT_CLOSED. */
  track(eventType: string, properties?: Record<string, unknown>, options?: TrackOptions): ClientEvent;
  /** The user of the events tracked from now on (null: anonymous). */
  identify(userId: string | null): void;
  /** Sends everything tracked so far; resolves once each of those events is accepted, rejected or given up. */
  flush(): Promise<void>;
  /** Stops accepting events, sends what is left and waits for it (at most `closeTimeoutMs`). */
  close(): Promise<void>;
  stats(): ClientStats;
}

export function createClient(options: ClientOptions): WeirClient {
  return new BatchingClient(resolveOptions(options));
}

class BatchingClient implements WeirClient {
  private readonly queue = new EventQueue();
  private readonly fetch: typeof fetch;
  private readonly beacon: BeaconSender | undefined;
  private readonly stopped = new AbortController();
  private readonly counters = { accepted: 0, rejected: 0, failed: 0, dropped: 0, beaconed: 0, retries: 0 };
  private userId: string | null;
  private lastSeq = 0;
  /** Every event up to this seq is accepted, rejected or given up (delivery is in order). */
  private settledSeq = 0;
  /** Events up to this seq go out now, full batch or not (timer, flush, close). */
  private flushUntil = 0;
  private inFlight = 0;
  /** The batch being sent or retried, and whether a pagehide already re-sent it by beacon. */
  private current: QueuedEvent[] = [];
  private currentBeaconed = false;
  /** Events of the batch in flight when close() gave up. */
  private abandoned = 0;
  private pumping: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private closing: Promise<void> | undefined;
  private readonly detachPage: () => void;

  constructor(private readonly opts: ResolvedOptions) {
    const fetchImpl = opts.fetch ?? globalThis.fetch?.bind(globalThis);
    if (typeof fetchImpl !== 'function') {
      throw new WeirClientError('INVALID_OPTIONS', 'createClient: no global fetch here; pass options.fetch');
    }
    this.fetch = fetchImpl;
    this.beacon = opts.beacon ?? defaultBeacon(fetchImpl);
    this.userId = opts.userId;
    this.detachPage = this.attachPage();
  }

  track(eventType: string, properties?: Record<string, unknown>, options: TrackOptions = {}): ClientEvent {
    if (this.closing) {
      throw new WeirClientError('CLIENT_CLOSED', `track("${eventType}") after close(): create a new client`);
    }
    const event = buildEvent(eventType, properties, options, {
      userId: this.userId,
      platform: this.opts.platform,
      appVersion: this.opts.appVersion,
    });
    const json = JSON.stringify(event);
    const bytes = utf8Bytes(json);
    if (arrayBytes(bytes, 1) > this.opts.maxBatchBytes) {
      // It fits no batch, so no send could ever succeed: refuse it now, like the collector would.
      this.counters.rejected++;
      this.report('onRejected', [
        { event, reason: `event is ${bytes} bytes, over maxBatchBytes (${this.opts.maxBatchBytes})` },
      ]);
      return event;
    }
    this.queue.push({ event, json, bytes, seq: ++this.lastSeq });
    // Memory bound: the batch in flight stays (it may already be accepted); the oldest waiting go.
    while (this.queue.length + this.inFlight > this.opts.maxQueueSize && this.queue.length > 0) {
      this.queue.dropOldest();
      this.counters.dropped++;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushUntil = this.lastSeq;
        this.kick();
      }, this.opts.flushIntervalMs);
    }
    this.kick();
    return event;
  }

  identify(userId: string | null): void {
    if (userId !== null && (typeof userId !== 'string' || userId.length === 0)) {
      throw new WeirClientError('INVALID_EVENT', 'identify: userId must be a non-empty string, or null');
    }
    this.userId = userId;
  }

  flush(): Promise<void> {
    const target = this.lastSeq;
    if (this.isIdle() || this.settledSeq >= target) return Promise.resolve();
    this.flushUntil = Math.max(this.flushUntil, target);
    const settled = new Promise<void>((resolve) => this.waiters.push({ seq: target, resolve }));
    this.kick();
    return settled;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  stats(): ClientStats {
    return { queued: this.queue.length, inFlight: this.inFlight, ...this.counters };
  }

  private async shutDown(): Promise<void> {
    this.detachPage();
    this.clearTimer();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<true>((resolve) => {
      deadline = setTimeout(() => resolve(true), this.opts.closeTimeoutMs);
    });
    const late = await Promise.race([this.flush().then(() => false as const), timedOut]);
    clearTimeout(deadline);
    if (!late) return;
    this.stopped.abort();
    await this.pumping;
    const left = this.abandoned + this.queue.clear().length;
    this.abandoned = 0;
    this.counters.failed += left;
    this.resolveWaiters(Infinity);
    if (left > 0) {
      this.fail(
        'CLOSE_TIMEOUT',
        `close() gave up after ${this.opts.closeTimeoutMs} ms with ${left} event(s) not delivered; ` +
          'raise closeTimeoutMs or check that the collector answers',
        left,
      );
    }
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  private isReady(): boolean {
    const head = this.queue.headSeq;
    if (head === undefined || this.stopped.signal.aborted) return false;
    return head <= this.flushUntil || this.queue.planHead(this.opts.flushAt, this.opts.maxBatchBytes).full;
  }

  /** Starts the send loop unless it runs; only one batch is ever in flight. */
  private kick(): void {
    if (this.pumping || !this.isReady()) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.isIdle()) {
        this.clearTimer();
        this.resolveWaiters(Infinity);
      }
      // Something may have become ready between the loop's last check and now.
      this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (this.isReady()) {
      const plan = this.queue.planHead(this.opts.flushAt, this.opts.maxBatchBytes);
      const batch = this.queue.take(plan.count);
      if (this.queue.length === 0) this.clearTimer();
      this.inFlight = batch.length;
      this.current = batch;
      this.currentBeaconed = false;
      await this.deliver(batch);
      this.inFlight = 0;
      this.current = [];
      const last = batch[batch.length - 1];
      if (last) this.settledSeq = Math.max(this.settledSeq, last.seq);
      this.resolveWaiters(this.settledSeq);
    }
  }

  /** Sends one batch until it is settled: delivered, split and delivered, or given up. */
  private async deliver(batch: QueuedEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await sendBatch({
        fetch: this.fetch,
        url: this.opts.eventsUrl,
        writeKey: this.opts.writeKey,
        body: batchBody(batch),
        eventCount: batch.length,
        timeoutMs: this.opts.requestTimeoutMs,
        signal: this.stopped.signal,
      });
      if (this.stopped.signal.aborted && outcome.kind !== 'delivered') {
        this.abandoned += batch.length;
        return;
      }
      switch (outcome.kind) {
        case 'delivered': {
          const rejections: EventRejection[] = [];
          for (const { index, reason } of outcome.response.errors) {
            const item = batch[index];
            if (item) rejections.push({ event: item.event, reason });
          }
          this.counters.accepted += batch.length - rejections.length;
          this.counters.rejected += rejections.length;
          if (rejections.length > 0) this.report('onRejected', rejections);
          return;
        }
        case 'too-large': {
          const [only] = batch;
          if (batch.length === 1 && only) {
            this.counters.rejected++;
            this.report('onRejected', [
              { event: only.event, reason: 'the collector refused the event as too large (413)' },
            ]);
            return;
          }
          // Halves keep the order; each gets its own tries.
          const half = Math.ceil(batch.length / 2);
          await this.deliver(batch.slice(0, half));
          await this.deliver(batch.slice(half));
          return;
        }
        case 'fatal':
          this.counters.failed += batch.length;
          this.fail(outcome.code, `${outcome.reason} (${batch.length} event(s) dropped)`, batch.length);
          return;
        case 'retry': {
          if (attempt >= this.opts.retry.maxAttempts) {
            this.counters.failed += batch.length;
            this.fail(
              'GAVE_UP',
              `${outcome.reason}; gave up on ${batch.length} event(s) after ${attempt} tries (retry.maxAttempts)`,
              batch.length,
            );
            return;
          }
          this.counters.retries++;
          await sleep(outcome.retryAfterMs ?? backoffDelayMs(attempt, this.opts.retry), this.stopped.signal);
          if (this.stopped.signal.aborted) {
            this.abandoned += batch.length;
            return;
          }
          break;
        }
        default:
          return assertNever(outcome);
      }
    }
  }

  private attachPage(): () => void {
    const page = this.opts.page;
    if (!page) return () => {};
    // The page is going away (or into the back-forward cache): the browser may cancel the batch
    // in flight, so it goes by beacon too; the pipeline drops the duplicate by event_id.
    const onPageHide = (): void => this.sendByBeacon(true);
    // Hidden is often the last moment a mobile page gets, but the tab may come back with its
    // request still running: only what waits leaves.
    const onVisibilityChange = (): void => {
      if (page.document.visibilityState === 'hidden') this.sendByBeacon(false);
    };
    page.window.addEventListener('pagehide', onPageHide);
    page.document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      page.window.removeEventListener('pagehide', onPageHide);
      page.document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }

  /** Hands events to the beacon: the batch in flight when asked, then the waiting ones. */
  private sendByBeacon(withInFlight: boolean): void {
    const beacon = this.beacon;
    if (!beacon) return;
    if (withInFlight && this.current.length > 0 && !this.currentBeaconed) {
      this.currentBeaconed = true;
      const inFlight = new EventQueue();
      for (const item of this.current) inFlight.push(item);
      // Whatever the beacon refuses stays with the fetch still trying.
      this.counters.beaconed += beaconFrom(inFlight, beacon, this.opts.beaconUrl);
    }
    this.counters.beaconed += beaconFrom(this.queue, beacon, this.opts.beaconUrl);
    if (this.queue.length === 0) this.clearTimer();
    if (this.isIdle()) this.resolveWaiters(Infinity);
  }

  private resolveWaiters(upTo: number): void {
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.seq <= upTo) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fail(code: WeirClientErrorCode, message: string, eventCount: number): void {
    this.report('onError', new WeirClientError(code, message, { eventCount }));
  }

  /** Calls a user callback; a callback that throws must not stop delivery. */
  private report(kind: 'onError', arg: WeirClientError): void;
  private report(kind: 'onRejected', arg: EventRejection[]): void;
  private report(kind: 'onError' | 'onRejected', arg: WeirClientError | EventRejection[]): void {
    try {
      if (kind === 'onError') this.opts.onError(arg as WeirClientError);
      else this.opts.onRejected?.(arg as EventRejection[]);
    } catch {
      // the caller's bug; delivery goes on
    }
  }
}

/**
 * Sends a queue's events by beacon in chunks the browser takes (64 KB, 1,000 events), oldest first,
 * and returns how many left. At the first refusal the chunk goes back to the head of the queue: it
 * leaves with the next batch if the page comes back.
 */
function beaconFrom(queue: EventQueue, beacon: BeaconSender, url: string): number {
  let sent = 0;
  while (queue.length > 0) {
    const plan = queue.planHead(MAX_EVENTS_PER_REQUEST, MAX_BEACON_BYTES);
    if (plan.bytes > MAX_BEACON_BYTES) break;
    const chunk = queue.take(plan.count);
    let taken = false;
    try {
      taken = beacon(url, batchBody(chunk));
    } catch {
      taken = false;
    }
    if (!taken) {
      queue.returnToHead(chunk);
      break;
    }
    sent += chunk.length;
  }
  return sent;
}

function assertNever(value: never): never {
  throw new Error(`unexpected send outcome ${JSON.stringify(value)}`);
}
