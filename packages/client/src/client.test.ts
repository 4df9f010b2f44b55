// The client against a real HTTP server that follows the collector contract: when batches leave
// (10 events, the timer, 500 KB), one request at a time in order, close(), and the queue bound.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientOptions, createClient, type WeirClient, type WeirClientError } from './index.ts';
import {
  eventsOf,
  type FakeCollector,
  startFakeCollector,
  TEST_WRITE_KEY,
} from './test-support/fake-collector.ts';

let collector: FakeCollector;
const clients: WeirClient[] = [];
const errors: WeirClientError[] = [];

function client(opts: Partial<ClientOptions> = {}): WeirClient {
  const c = createClient({
    endpoint: collector.url,
    writeKey: TEST_WRITE_KEY,
    // Long enough that only the rule under test sends a batch.
    flushIntervalMs: 60_000,
    retry: { baseMs: 10, maxMs: 50 },
    onError: (e) => errors.push(e),
    page: false,
    ...opts,
  });
  clients.push(c);
  return c;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  collector = await startFakeCollector();
  errors.length = 0;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await collector.stop();
});

describe('batching', () => {
  it('sends a batch at every 10th event and keeps the rest until close()', async () => {
    const c = client();
    const ids = Array.from({ length: 25 }, (_, i) => c.track('page_view', { i }, { userId: 'u1' }).event_id);

    const [first, second] = await collector.waitForRequests(2);
    expect(eventsOf(first).map((e) => e.event_id)).toEqual(ids.slice(0, 10));
    expect(eventsOf(second).map((e) => e.event_id)).toEqual(ids.slice(10, 20));
    await pause(200);
    expect(collector.requests).toHaveLength(2);
    expect(c.stats().queued).toBe(5);

    await c.close();
    expect(collector.requests).toHaveLength(3);
    expect(eventsOf(collector.requests[2]).map((e) => e.event_id)).toEqual(ids.slice(20));
    expect(collector.accepted.map((e) => e.event_id)).toEqual(ids);
    expect(c.stats()).toMatchObject({ queued: 0, inFlight: 0, accepted: 25, rejected: 0, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('sends fewer than 10 events when the interval passes, without flush()', async () => {
    const c = client({ flushIntervalMs: 150 });
    c.track('a', {}, { userId: 'u1' });
    c.track('b', {}, { userId: 'u1' });
    const [req] = await collector.waitForRequests(1);
    expect(eventsOf(req).map((e) => e.event_type)).toEqual(['a', 'b']);
    // The next lone event gets its own timer.
    c.track('c', {}, { userId: 'u1' });
    const [, next] = await collector.waitForRequests(2);
    expect(eventsOf(next).map((e) => e.event_type)).toEqual(['c']);
  });

  it('with the default interval (5 s) a lone event waits, then leaves by itself', async () => {
    const c = createClient({ endpoint: collector.url, writeKey: TEST_WRITE_KEY, page: false });
    clients.push(c);
    const { event_id } = c.track('lonely', {}, { userId: 'u1' });
    await pause(500);
    expect(collector.requests).toHaveLength(0);
    const [req] = await collector.waitForRequests(1, 20_000);
    expect(eventsOf(req).map((e) => e.event_id)).toEqual([event_id]);
  });

  it('sends early so that no batch passes 500 KB (UTF-8 bytes, not characters)', async () => {
    const c = client();
    // 'é' is two bytes: 60,000 of them make a ~120 KB event, so four fit a batch, not eight.
    const big = 'é'.repeat(60_000);
    const ids = Array.from({ length: 9 }, () => c.track('upload', { big }, { userId: 'u1' }).event_id);
    // Nine events is under flushAt and the timer is a minute away: only the byte limit sends.
    const [first, second] = await collector.waitForRequests(2);
    for (const req of [first, second]) {
      expect(Buffer.byteLength(req?.bodyText ?? '')).toBeLessThanOrEqual(500_000);
      expect(eventsOf(req)).toHaveLength(4);
    }
    expect(c.stats().queued).toBe(1);
    await c.close();
    expect(collector.accepted.map((e) => e.event_id)).toEqual(ids);
  });

  it('keeps one request in flight: later batches wait and arrive in order', async () => {
    const c = client();
    const release = collector.hold();
    const ids = Array.from({ length: 30 }, (_, i) => c.track('click', { i }, { userId: 'u1' }).event_id);
    await collector.waitForRequests(1);
    await pause(200);
    expect(collector.requests).toHaveLength(1);
    expect(c.stats()).toMatchObject({ inFlight: 10, queued: 20 });
    release();
    await c.flush();
    expect(collector.requests).toHaveLength(3);
    expect(collector.maxConcurrent()).toBe(1);
    expect(collector.accepted.map((e) => e.event_id)).toEqual(ids);
  });
});

describe('flush() and close()', () => {
  it('close() delivers everything left and then refuses new events', async () => {
    const c = client();
    const ids = Array.from({ length: 7 }, () => c.track('x', {}, { userId: 'u1' }).event_id);
    expect(collector.requests).toHaveLength(0);
    await c.close();
    expect(collector.accepted.map((e) => e.event_id)).toEqual(ids);
    expect(() => c.track('late')).toThrow(expect.objectContaining({ code: 'CLIENT_CLOSED' }));
  });

  it('flush() resolves once the events tracked before it are delivered', async () => {
    const c = client();
    c.track('x', {}, { userId: 'u1' });
    c.track('y', {}, { userId: 'u1' });
    await c.flush();
    expect(collector.accepted.map((e) => e.event_type)).toEqual(['x', 'y']);
    await c.flush(); // nothing waiting: resolves at once
    expect(collector.requests).toHaveLength(1);
  });

  it('identify() sets the user of the events tracked after it; track options still win', async () => {
    const c = client({ userId: 'first' });
    c.track('a');
    c.identify('second');
    c.track('b');
    c.track('c', {}, { userId: null });
    c.identify(null);
    c.track('d');
    await c.flush();
    expect(collector.accepted.map((e) => e.user_id)).toEqual(['first', 'second', null, null]);
  });

  it('close() stops waiting after closeTimeoutMs and reports what it gave up', async () => {
    collector.always(503);
    const c = client({ closeTimeoutMs: 300, retry: { baseMs: 20, maxMs: 50, maxAttempts: Infinity } });
    for (let i = 0; i < 3; i++) c.track('x', {}, { userId: 'u1' });
    await c.close();
    expect(errors.map((e) => [e.code, e.eventCount])).toEqual([['CLOSE_TIMEOUT', 3]]);
    expect(c.stats()).toMatchObject({ queued: 0, inFlight: 0, accepted: 0, failed: 3 });
    expect(collector.requests.length).toBeGreaterThan(1);
  });
});

describe('memory bound', () => {
  it('past maxQueueSize drops the oldest waiting events and counts them', async () => {
    const c = client({ maxQueueSize: 20 });
    const release = collector.hold();
    const ids = Array.from({ length: 10 }, (_, i) => c.track('e', { i }, { userId: 'u1' }).event_id);
    await collector.waitForRequests(1); // the first 10 are in flight
    const more = Array.from({ length: 25 }, (_, i) => c.track('e', { i: 10 + i }, { userId: 'u1' }).event_id);
    expect(c.stats()).toMatchObject({ inFlight: 10, queued: 10, dropped: 15 });
    release();
    await c.close();
    // The in-flight batch and the 10 newest made it; the 15 oldest waiting never left.
    expect(collector.accepted.map((e) => e.event_id)).toEqual([...ids, ...more.slice(15)]);
    expect(c.stats()).toMatchObject({ accepted: 20, dropped: 15 });
  });
});
