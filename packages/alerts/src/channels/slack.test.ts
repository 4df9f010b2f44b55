// The Slack channel against a real HTTP server standing in for Slack's Web API.
import { freePort, type HttpRecorderHandle, type RecordedRequest, startHttpRecorder } from '@weir/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleIncident, sampleNotification } from '../sample-notifications.ts';
import type { DeliveryResult } from '../types.ts';
import { createChannel } from './create.ts';

const TOKEN = 'xoxb-111-222-slack-secret-token';
const PARENT_TS = '1714525323.000100';

let recorder: HttpRecorderHandle;
/** When each request arrived, in arrival order. */
let arrivals: number[] = [];
let answer: (
  req: RecordedRequest,
  index: number,
) => { status?: number; body?: unknown; headers?: Record<string, string> };

const posted = (req: RecordedRequest) => ({
  ok: true,
  channel: 'C0TEST',
  ts: req.form?.thread_ts ? '1714525999.000200' : PARENT_TS,
});

beforeAll(async () => {
  recorder = await startHttpRecorder({
    respond: (req) => {
      arrivals.push(Date.now());
      return answer(req, arrivals.length - 1);
    },
  });
});
afterAll(() => recorder.stop());
beforeEach(() => {
  recorder.clear();
  arrivals = [];
  answer = (req) => ({ body: posted(req) });
});

let channels = 0;
/** A channel with a Slack channel name of its own, so that each test has its own pacing (none unless asked). */
function slack(options: { defaultPacing?: boolean; apiUrl?: string } = {}) {
  channels += 1;
  return createChannel(
    'data-slack',
    {
      type: 'slack',
      channel: `#alerts-${channels}`,
      token: TOKEN,
      apiUrl: options.apiUrl ?? `${recorder.url}/api/`,
    },
    { slack: options.defaultPacing ? {} : { minIntervalMs: 0 } },
  );
}

function expectNoToken(result: DeliveryResult): void {
  expect(JSON.stringify(result)).not.toContain(TOKEN);
  expect(JSON.stringify(result)).not.toContain('222-slack-secret');
}

describe('Slack channel', () => {
  it('posts a trigger with blocks and fallback text, and returns the thread', async () => {
    const channel = slack();
    const incident = sampleIncident({ mapIndex: 2 });
    const result = await channel.send(sampleNotification({ incidents: [incident] }));
    expect(result).toEqual({
      ok: true,
      response: `ok (channel C0TEST, ts ${PARENT_TS})`,
      thread: { slackChannel: 'C0TEST', slackTs: PARENT_TS },
    });
    expect(channel.target).toMatch(/^#alerts-\d+$/);

    const [req] = recorder.requests;
    expect(req?.path).toBe('/api/chat.postMessage');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const form = req?.form ?? {};
    expect(form.channel).toBe(channel.target);
    expect(form.thread_ts).toBeUndefined();
    const escapedUrl = incident.url.replace(/&/g, '&amp;');
    for (const part of [
      'DAG: etl_daily',
      'Run: scheduled__2024-05-01T00:00:00+00:00',
      'Task: load_orders',
      'Map index: 2',
      'Try: 3',
      'relation "orders" does not exist',
      escapedUrl,
    ])
      expect(form.text).toContain(part);
    const blocks = JSON.parse(form.blocks ?? '[]') as { type: string }[];
    expect(blocks[0]).toMatchObject({ type: 'header' });
    const shown = JSON.stringify(blocks);
    for (const part of ['etl_daily', 'load_orders', 'Try `3`', 'Map index `2`', 'does not exist', escapedUrl])
      expect(shown).toContain(part);
  });

  it('replies to a repeat and a resolve in the thread, and marks the opening message resolved', async () => {
    const channel = slack();
    const thread = { slackChannel: 'C0TEST', slackTs: PARENT_TS };
    const repeat = await channel.send(
      sampleNotification({ event: 'repeat', thread, incidents: [sampleIncident({ occurrences: 4 })] }),
    );
    expect(repeat.ok).toBe(true);
    const resolve = await channel.send(
      sampleNotification({ event: 'resolve', thread, incidents: [sampleIncident({ state: 'resolved' })] }),
    );
    expect(resolve).toMatchObject({ ok: true });
    expect(resolve.ok && resolve.thread).toBeFalsy();

    const [first, second, third] = recorder.requests;
    expect(first?.path).toBe('/api/chat.postMessage');
    expect(first?.form).toMatchObject({ channel: 'C0TEST', thread_ts: PARENT_TS });
    expect(first?.form?.text).toContain('Still failing (4 occurrences)');
    expect(second?.path).toBe('/api/chat.postMessage');
    expect(second?.form).toMatchObject({ channel: 'C0TEST', thread_ts: PARENT_TS });
    expect(second?.form?.text).toContain('Resolved: Task failed: etl_daily.load_orders');
    expect(third?.path).toBe('/api/chat.update');
    expect(third?.form).toMatchObject({ channel: 'C0TEST', ts: PARENT_TS });
    expect(third?.form?.text).toContain(':white_check_mark: Resolved');
    expect(third?.form?.blocks).toContain(':white_check_mark: Resolved');
    expect(recorder.requests).toHaveLength(3);
  });

  it('posts a resolve with no known thread as a message of its own', async () => {
    const channel = slack();
    const result = await channel.send(sampleNotification({ event: 'resolve', thread: null }));
    expect(result).toMatchObject({ ok: true, thread: { slackChannel: 'C0TEST', slackTs: PARENT_TS } });
    expect(recorder.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
    expect(recorder.requests[0]?.form?.thread_ts).toBeUndefined();
  });

  it('waits out a 429 for its Retry-After, then succeeds', async () => {
    answer = (req, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } }
        : { body: posted(req) };
    const result = await slack().send(sampleNotification());
    expect(result).toMatchObject({ ok: true, thread: { slackTs: PARENT_TS } });
    expect(recorder.requests).toHaveLength(2);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it('hands a long 429 back as retryAfterMs, and holds the channel until then', async () => {
    answer = () => ({
      status: 429,
      headers: { 'retry-after': '120' },
      body: { ok: false, error: 'ratelimited' },
    });
    const channel = slack();
    const result = await channel.send(sampleNotification());
    expect(result).toMatchObject({ ok: false, permanent: false, retryAfterMs: 120_000 });
    const next = await channel.send(sampleNotification());
    expect(next).toMatchObject({ ok: false, permanent: false });
    expect(next.ok === false && next.retryAfterMs).toBeGreaterThan(100_000);
    expect(recorder.requests).toHaveLength(1);
  });

  it('calls invalid_auth, channel_not_found and not_in_channel permanent, without the token', async () => {
    for (const error of ['invalid_auth', 'channel_not_found', 'not_in_channel', 'account_inactive']) {
      answer = () => ({ body: { ok: false, error } });
      const result = await slack().send(sampleNotification());
      expect(result).toMatchObject({ ok: false, permanent: true, response: error });
      expect(result.ok === false && result.error).toContain(`Slack answered ${error}`);
      expectNoToken(result);
    }
    expect(recorder.requests).toHaveLength(4);
  });

  it('calls a 5xx, internal_error and an unreachable API retryable', async () => {
    answer = () => ({ status: 503, body: 'unavailable' });
    const unavailable = await slack().send(sampleNotification());
    expect(unavailable).toMatchObject({ ok: false, permanent: false, response: 'HTTP 503' });

    answer = () => ({ body: { ok: false, error: 'internal_error' } });
    expect(await slack().send(sampleNotification())).toMatchObject({ ok: false, permanent: false });

    const closed = await freePort();
    const unreachable = await slack({ apiUrl: `http://127.0.0.1:${closed}/api/` }).send(sampleNotification());
    expect(unreachable).toMatchObject({ ok: false, permanent: false });
    expect(unreachable.ok === false && unreachable.error).toMatch(
      /cannot reach Slack's API at 127\.0\.0\.1:\d+: /,
    );
    for (const result of [unavailable, unreachable]) expectNoToken(result);
  });

  it('spaces messages to one Slack channel about a second apart', async () => {
    const channel = slack({ defaultPacing: true });
    const results = await Promise.all([
      channel.send(sampleNotification()),
      channel.send(sampleNotification()),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
