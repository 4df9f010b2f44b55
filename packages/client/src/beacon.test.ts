// Page unload: on `pagehide` or `visibilitychange` to hidden, waiting events leave through the
// beacon — a text/plain body with the write key in `?writeKey=`, which is what a browser's
// navigator.sendBeacon sends and what the collector accepts without headers. The injected beacon
// here POSTs exactly that to a real HTTP server; the page is a pair of EventTargets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BeaconSender, createClient, type PageLifecycle, type WeirClient } from './index.ts';
import {
  eventsOf,
  type FakeCollector,
  startFakeCollector,
  TEST_WRITE_KEY,
} from './test-support/fake-collector.ts';

let collector: FakeCollector;
const clients: WeirClient[] = [];
const beaconBodies: string[] = [];
/** The beacons' requests, which nobody awaits in a browser; the tests do before stopping the server. */
const beaconPosts: Array<Promise<unknown>> = [];

/** What navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' })) puts on the wire. */
const beacon: BeaconSender = (url, body) => {
  beaconBodies.push(body);
  beaconPosts.push(fetch(url, { method: 'POST', body: new Blob([body], { type: 'text/plain' }) }));
  return true;
};

function fakePage(): PageLifecycle & { hide(how: 'pagehide' | 'visibilitychange'): void; show(): void } {
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const window = new EventTarget();
  return {
    window,
    document,
    hide(how) {
      if (how === 'pagehide') window.dispatchEvent(new Event('pagehide'));
      else {
        document.visibilityState = 'hidden';
        document.dispatchEvent(new Event('visibilitychange'));
      }
    },
    show() {
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

function client(page: PageLifecycle, send: BeaconSender | undefined = beacon): WeirClient {
  const c = createClient({
    endpoint: collector.url,
    writeKey: TEST_WRITE_KEY,
    flushIntervalMs: 60_000,
    page,
    ...(send ? { beacon: send } : {}),
  });
  clients.push(c);
  return c;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  collector = await startFakeCollector();
  beaconBodies.length = 0;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(beaconPosts.splice(0));
  await collector.stop();
});

describe('page unload', () => {
  it.each(['pagehide', 'visibilitychange'] as const)('%s sends the waiting events by beacon', async (how) => {
    const page = fakePage();
    const c = client(page);
    const ids = Array.from({ length: 3 }, (_, i) => c.track('view', { i }, { userId: 'u1' }).event_id);
    page.hide(how);
    expect(c.stats()).toMatchObject({ queued: 0, beaconed: 3 });

    const [req] = await collector.waitForRequests(1);
    expect(req?.query.writeKey).toBe(TEST_WRITE_KEY);
    expect(req?.headers['content-type']).toBe('text/plain');
    expect(req?.headers.authorization).toBeUndefined();
    expect(eventsOf(req).map((e) => e.event_id)).toEqual(ids);
    await collector.waitForAccepted(3);
    // Events in a page are web events unless the caller says otherwise.
    expect(collector.accepted.map((e) => e.platform)).toEqual(['web', 'web', 'web']);
  });

  it('does nothing when the page becomes visible, and stops listening after close()', async () => {
    const page = fakePage();
    const c = client(page);
    c.track('view', {}, { userId: 'u1' });
    page.show();
    expect(c.stats()).toMatchObject({ queued: 1, beaconed: 0 });
    await c.close();
    page.hide('pagehide');
    expect(beaconBodies).toEqual([]);
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]?.headers.authorization).toBe(`Bearer ${TEST_WRITE_KEY}`);
  });

  it('cuts beacons at 64 KB each', async () => {
    const page = fakePage();
    const c = client(page);
    const blob = 'x'.repeat(20_000);
    const ids = Array.from({ length: 7 }, () => c.track('upload', { blob }, { userId: 'u1' }).event_id);
    page.hide('pagehide');
    expect(beaconBodies.length).toBeGreaterThan(2);
    for (const body of beaconBodies)
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(64_000);
    await collector.waitForAccepted(7);
    expect(new Set(collector.accepted.map((e) => e.event_id))).toEqual(new Set(ids));
  });

  it('on pagehide also re-sends the batch in flight (the browser may cancel it); hidden does not', async () => {
    const page = fakePage();
    const c = client(page);
    const release = collector.hold();
    const inFlight = Array.from({ length: 10 }, () => c.track('view', {}, { userId: 'u1' }).event_id);
    await collector.waitForRequests(1);
    const first = c.track('view', {}, { userId: 'u1' }).event_id;
    page.hide('visibilitychange');
    expect(beaconBodies.map((b) => JSON.parse(b).map((e: { event_id: string }) => e.event_id))).toEqual([
      [first],
    ]);
    const second = c.track('view', {}, { userId: 'u1' }).event_id;
    page.hide('pagehide');
    page.hide('pagehide'); // a second pagehide does not send the in-flight batch again
    expect(
      beaconBodies.slice(1).map((b) => JSON.parse(b).map((e: { event_id: string }) => e.event_id)),
    ).toEqual([inFlight, [second]]);
    release();
    await c.close();
    // The in-flight batch arrived twice (fetch and beacon): the pipeline dedups by event_id.
    await collector.waitForAccepted(22);
    expect(collector.accepted.filter((e) => inFlight.includes(e.event_id))).toHaveLength(20);
    expect(c.stats()).toMatchObject({ accepted: 10, beaconed: 12, queued: 0 });
  });

  it('keeps the events a refused beacon could not take, and sends them later', async () => {
    const page = fakePage();
    const c = client(page, () => false);
    const ids = Array.from({ length: 2 }, () => c.track('view', {}, { userId: 'u1' }).event_id);
    page.hide('pagehide');
    expect(c.stats()).toMatchObject({ queued: 2, beaconed: 0 });
    await c.close();
    expect(collector.accepted.map((e) => e.event_id)).toEqual(ids);
  });

  it('without sendBeacon falls back to a keepalive fetch with the same text/plain + ?writeKey= request', async () => {
    const page = fakePage();
    // No beacon option, and Node has no navigator.sendBeacon: the default is fetch({ keepalive }).
    const c = client(page, undefined);
    const { event_id } = c.track('view', {}, { userId: 'u1' });
    page.hide('pagehide');
    const [req] = await collector.waitForRequests(1);
    expect(req?.query.writeKey).toBe(TEST_WRITE_KEY);
    expect(req?.headers['content-type']).toBe('text/plain');
    expect(eventsOf(req).map((e) => e.event_id)).toEqual([event_id]);
    await pause(50);
    expect(c.stats()).toMatchObject({ beaconed: 1, queued: 0 });
  });
});
