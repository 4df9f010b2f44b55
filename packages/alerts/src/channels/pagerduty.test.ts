// The PagerDuty channel against a real HTTP server standing in for the Events API v2.
import { freePort, type HttpRecorderHandle, type RecordedRequest, startHttpRecorder } from '@weir/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BASE_URL, sampleGroup, sampleIncident, sampleNotification } from '../sample-notifications.ts';
import type { DeliveryResult } from '../types.ts';
import { createChannel } from './create.ts';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefghWXYZ';

let recorder: HttpRecorderHandle;
let answer: (req: RecordedRequest) => { status?: number; body?: unknown; headers?: Record<string, string> };

beforeAll(async () => {
  recorder = await startHttpRecorder({ respond: (req) => answer(req) });
});
afterAll(() => recorder.stop());
beforeEach(() => {
  recorder.clear();
  answer = (req) => ({
    status: 202,
    body: {
      status: 'success',
      message: 'Event processed',
      dedup_key: (req.json as { dedup_key?: string }).dedup_key,
    },
  });
});

function pagerduty(url = `${recorder.url}/v2/enqueue`) {
  return createChannel('data-pd', { type: 'pagerduty', routingKey: ROUTING_KEY, url });
}

function expectNoKey(result: DeliveryResult): void {
  expect(JSON.stringify(result)).not.toContain(ROUTING_KEY);
}

describe('PagerDuty channel', () => {
  it('triggers then resolves with the same dedup_key', async () => {
    const channel = pagerduty();
    expect(channel.target).toBe(`${new URL(recorder.url).host} (key …WXYZ)`);
    const incident = sampleIncident({ occurrences: 2 });
    const trigger = sampleNotification({ incidents: [incident] });
    expect(await channel.send(trigger)).toEqual({ ok: true, response: 'HTTP 202' });
    expect(await channel.send({ ...trigger, event: 'resolve', thread: {} })).toEqual({
      ok: true,
      response: 'HTTP 202',
    });

    const [first, second] = recorder.requests;
    expect(first?.method).toBe('POST');
    expect(first?.path).toBe('/v2/enqueue');
    expect(first?.headers['content-type']).toContain('application/json');
    expect(first?.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: trigger.groupKey,
      payload: {
        summary: 'Task failed: etl_daily.load_orders',
        source: 'scheduler-1.test',
        severity: 'critical',
        timestamp: '2024-05-01T01:02:03.000Z',
        group: 'etl_daily',
        component: 'load_orders',
        class: 'task_failed',
        custom_details: {
          event: 'trigger',
          occurrences: 2,
          incidents: [
            expect.objectContaining({
              dag: 'etl_daily',
              run: 'scheduled__2024-05-01T00:00:00+00:00',
              task: 'load_orders',
              try: '3',
              error: 'Error: relation "orders" does not exist\n    at load (dags/etl.ts:42:7)',
              url: incident.url,
            }),
          ],
        },
      },
      links: [{ href: incident.url, text: 'Weir: Task failed: etl_daily.load_orders' }],
      client_url: BASE_URL,
    });
    expect(second?.json).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: trigger.groupKey,
    });
  });

  it('sends acknowledge, and a repeat as another trigger of the same dedup_key', async () => {
    const channel = pagerduty();
    const n = sampleNotification();
    await channel.send({ ...n, event: 'repeat' });
    await channel.send({ ...n, event: 'acknowledge' });
    const [repeat, ack] = recorder.requests.map((r) => r.json);
    expect(repeat).toMatchObject({
      event_action: 'trigger',
      dedup_key: n.groupKey,
      payload: { summary: expect.stringMatching(/^Still failing \(1 occurrence\): /) },
    });
    expect(ack).toEqual({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: n.groupKey });
  });

  it('caps the summary at 1024 characters and links every listed incident of a group', async () => {
    await pagerduty().send(sampleNotification({ summary: 'y'.repeat(3_000), incidents: sampleGroup(3) }));
    const event = recorder.requests[0]?.json as
      | { payload: { summary: string }; links: unknown[] }
      | undefined;
    expect(event?.payload.summary).toHaveLength(1024);
    expect(event?.links).toHaveLength(3);
  });

  it('calls a 400 permanent, without the routing key', async () => {
    answer = () => ({
      status: 400,
      body: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [`bad key ${ROUTING_KEY}`],
      },
    });
    const result = await pagerduty().send(sampleNotification());
    expect(result).toMatchObject({ ok: false, permanent: true, response: 'HTTP 400' });
    expect(result.ok === false && result.error).toContain(
      'PagerDuty refused the event HTTP 400: Event object is invalid',
    );
    expectNoKey(result);
    expect(recorder.requests).toHaveLength(1);
  });

  it('calls a 500, a 429 and an unreachable endpoint retryable, with Retry-After', async () => {
    answer = () => ({ status: 500, body: 'oops' });
    expect(await pagerduty().send(sampleNotification())).toMatchObject({
      ok: false,
      permanent: false,
      response: 'HTTP 500',
    });
    expect(recorder.requests).toHaveLength(1);

    answer = () => ({ status: 429, headers: { 'retry-after': '7' }, body: {} });
    expect(await pagerduty().send(sampleNotification())).toMatchObject({
      ok: false,
      permanent: false,
      retryAfterMs: 7_000,
    });

    const unreachable = await pagerduty(`http://127.0.0.1:${await freePort()}/v2/enqueue`).send(
      sampleNotification(),
    );
    expect(unreachable).toMatchObject({ ok: false, permanent: false });
    expect(unreachable.ok === false && unreachable.error).toMatch(
      /^cannot reach PagerDuty at 127\.0\.0\.1:\d+: ECONNREFUSED$/,
    );
    expectNoKey(unreachable);
  });
});
