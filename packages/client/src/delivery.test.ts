// What the client does with each collector answer: retries 503s and 429s with the same event_ids,
// honours Retry-After, splits on 413, and never retries a 400, a 401 or a per-event rejection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  type EventRejection,
  type WeirClient,
  type WeirClientError,
} from './index.ts';
import {
  eventsOf,
  type FakeCollector,
  type FakeCollectorOptions,
  startFakeCollector,
  TEST_WRITE_KEY,
} from './test-support/fake-collector.ts';

let collector: FakeCollector;
const clients: WeirClient[] = [];
const errors: WeirClientError[] = [];
const rejections: EventRejection[] = [];

async function useCollector(opts: FakeCollectorOptions = {}): Promise<void> {
  await collector.stop();
  collector = await startFakeCollector(opts);
}

function client(opts: Partial<ClientOptions> = {}): WeirClient {
  const c = createClient({
    endpoint: collector.url,
    writeKey: TEST_WRITE_KEY,
    flushIntervalMs: 60_000,
    retry: { baseMs: 10, maxMs: 50 },
    onError: (e) => errors.push(e),
    onRejected: (r) => rejections.push(...r),
    page: false,
    ...opts,
  });
  clients.push(c);
  return c;
}

const track = (c: WeirClient, n: number, props: (i: number) => Record<string, unknown> = (i) => ({ i })) =>
  Array.from({ length: n }, (_, i) => c.track('order_placed', props(i), { userId: `u${i}` }).event_id);
const idsOf = (events: Array<{ event_id: string }>) => events.map((e) => e.event_id);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  collector = await startFakeCollector();
  errors.length = 0;
  rejections.length = 0;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await collector.stop();
});

describe('retries', () => {
  it('retries a 503 with the same event_ids and delivers exactly once', async () => {
    collector.script(503, 503);
    const c = client();
    const ids = track(c, 3);
    await c.flush();
    expect(collector.requests).toHaveLength(3);
    for (const req of collector.requests) expect(idsOf(eventsOf(req))).toEqual(ids);
    expect(idsOf(collector.accepted)).toEqual(ids);
    expect(c.stats()).toMatchObject({ accepted: 3, retries: 2, failed: 0 });
    expect(errors).toEqual([]);
  });

  it('retries a network failure (nothing listening) like a 503', async () => {
    await collector.stop();
    const c = createClient({
      endpoint: collector.url, // the port is closed now
      writeKey: TEST_WRITE_KEY,
      retry: { baseMs: 10, maxMs: 20, maxAttempts: 3 },
      onError: (e) => errors.push(e),
      page: false,
    });
    clients.push(c);
    track(c, 2);
    await c.flush();
    expect(errors.map((e) => [e.code, e.eventCount])).toEqual([['GAVE_UP', 2]]);
    expect(errors[0]?.message).toMatch(/network error.*3 tries/);
    expect(c.stats()).toMatchObject({ retries: 2, failed: 2 });
    collector = await startFakeCollector();
  });

  it('gives up after retry.maxAttempts and goes on with the next batch', async () => {
    collector.script(500, 500);
    const c = client({ retry: { baseMs: 10, maxMs: 20, maxAttempts: 2 } });
    track(c, 2);
    await c.flush();
    const later = track(c, 1);
    await c.flush();
    expect(errors.map((e) => e.code)).toEqual(['GAVE_UP']);
    expect(idsOf(collector.accepted)).toEqual(later);
    expect(c.stats()).toMatchObject({ failed: 2, accepted: 1 });
  });

  it('waits what 429 Retry-After says, not its own shorter backoff', async () => {
    collector.script({ status: 429, headers: { 'retry-after': '2' } });
    const c = client({ retry: { baseMs: 1, maxMs: 1 } });
    const ids = track(c, 2);
    const flushed = c.flush();
    await collector.waitForRequests(1);
    await pause(700);
    expect(collector.requests).toHaveLength(1);
    await flushed;
    expect(collector.requests).toHaveLength(2);
    expect(idsOf(eventsOf(collector.requests[1]))).toEqual(ids);
    expect(idsOf(collector.accepted)).toEqual(ids);
  });

  it('waits what 429 Retry-After says, not its own longer backoff', async () => {
    collector.script({ status: 429, headers: { 'retry-after': '1' } });
    // A backoff of 30 s or more would outlast the test's timeout.
    const c = client({ retry: { baseMs: 60_000, maxMs: 60_000 } });
    const ids = track(c, 2);
    await c.flush();
    expect(collector.requests).toHaveLength(2);
    expect(idsOf(collector.accepted)).toEqual(ids);
  }, 20_000);
});

describe('answers that are not retried', () => {
  it('reports per-event rejections of a 200 through onRejected and never resends them', async () => {
    await useCollector({
      rejectEvent: (e) => (e.properties.bad ? 'properties.amount: expected number' : undefined),
    });
    const c = client();
    const ids = track(c, 4, (i) => (i % 2 ? { bad: true } : { amount: i }));
    await c.flush();
    await c.close();
    expect(collector.requests).toHaveLength(1);
    expect(idsOf(collector.accepted)).toEqual([ids[0], ids[2]]);
    expect(rejections.map((r) => [r.event.event_id, r.reason])).toEqual([
      [ids[1], 'properties.amount: expected number'],
      [ids[3], 'properties.amount: expected number'],
    ]);
    expect(c.stats()).toMatchObject({ accepted: 2, rejected: 2, failed: 0, retries: 0 });
  });

  it('does not retry a 400 and surfaces it as BAD_REQUEST', async () => {
    collector.script({ status: 400, body: { error: 'body is not JSON' } });
    const c = client();
    track(c, 3);
    await c.flush();
    const next = track(c, 1);
    await c.flush();
    expect(collector.requests).toHaveLength(2);
    expect(idsOf(collector.accepted)).toEqual(next);
    expect(errors.map((e) => [e.code, e.eventCount])).toEqual([['BAD_REQUEST', 3]]);
    expect(errors[0]?.message).toContain('body is not JSON');
    expect(c.stats()).toMatchObject({ failed: 3, accepted: 1, retries: 0 });
  });

  it('does not retry a 401 (a wrong write key) and says so', async () => {
    const c = client({ writeKey: 'wk_wrong' });
    track(c, 2);
    await c.flush();
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]?.headers.authorization).toBe('Bearer wk_wrong');
    expect(errors.map((e) => e.code)).toEqual(['UNAUTHORIZED']);
    expect(errors[0]?.message).toMatch(/writeKey/);
    expect(c.stats()).toMatchObject({ failed: 2, retries: 0 });
  });
});

describe('413', () => {
  it('splits a batch the collector finds too large into halves, in order, until they fit', async () => {
    await useCollector({ maxEventsPerRequest: 3 });
    const c = client();
    const ids = track(c, 10);
    await c.flush();
    expect(collector.requests.map((r) => eventsOf(r).length)).toEqual([10, 5, 3, 2, 5, 3, 2]);
    expect(idsOf(collector.accepted)).toEqual(ids);
    expect(c.stats()).toMatchObject({ accepted: 10, failed: 0, rejected: 0 });
  });

  it('rejects a single event the collector finds too large, without retrying it', async () => {
    await useCollector({ maxEventsPerRequest: 0 });
    const c = client();
    const [id] = track(c, 1);
    await c.flush();
    expect(collector.requests).toHaveLength(1);
    expect(rejections.map((r) => [r.event.event_id, r.reason])).toEqual([
      [id, expect.stringContaining('413')],
    ]);
    expect(c.stats()).toMatchObject({ rejected: 1, accepted: 0 });
  });

  it('refuses locally an event larger than maxBatchBytes', async () => {
    const c = client({ maxBatchBytes: 1_000 });
    const big = c.track('big', { blob: 'x'.repeat(2_000) }, { userId: 'u1' });
    const small = c.track('small', {}, { userId: 'u1' });
    await c.flush();
    expect(rejections.map((r) => r.event.event_id)).toEqual([big.event_id]);
    expect(idsOf(collector.accepted)).toEqual([small.event_id]);
  });
});
