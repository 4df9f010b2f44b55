// Tests for the HTTP recorder fixture: real HTTP requests. A real Slack WebClient against it comes
// with the alerting work, which adds @slack/web-api.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpRecorderHandle, startHttpRecorder } from './http-recorder.ts';

describe('startHttpRecorder', () => {
  let recorder: HttpRecorderHandle;
  let failing: HttpRecorderHandle;
  let pagerDuty: HttpRecorderHandle;

  beforeAll(async () => {
    recorder = await startHttpRecorder();
    failing = await startHttpRecorder({
      respond: () => ({ status: 500, body: { ok: false, error: 'internal_error' } }),
    });
    pagerDuty = await startHttpRecorder({
      respond: (req) => {
        const event = req.json as { dedup_key?: string } | undefined;
        return {
          status: 202,
          body: { status: 'success', message: 'Event processed', dedup_key: event?.dedup_key ?? 'generated' },
        };
      },
    });
  });

  afterAll(async () => {
    await Promise.all([recorder?.stop(), failing?.stop(), pagerDuty?.stop()]);
  });

  it('records a JSON POST and answers 200 { ok: true }', async () => {
    recorder.clear();
    const res = await fetch(`${recorder.url}/hooks/run?dag=nightly&try=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-weir-run': 'r1' },
      body: JSON.stringify({ state: 'failed', tasks: ['load'] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });

    const [req] = await recorder.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/hooks/run');
    expect(req?.query).toEqual({ dag: 'nightly', try: '2' });
    expect(req?.headers['x-weir-run']).toBe('r1');
    expect(req?.json).toEqual({ state: 'failed', tasks: ['load'] });
    expect(req?.form).toBeUndefined();
  });

  it('records a form-encoded POST the way Slack WebClient sends chat.postMessage', async () => {
    recorder.clear();
    const res = await fetch(`${recorder.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test' },
      body: new URLSearchParams({ channel: '#alerts', text: 'DAG nightly failed' }),
    });
    expect(await res.json()).toEqual({ ok: true });

    const [req] = await recorder.waitForRequests(1);
    expect(req?.path).toBe('/api/chat.postMessage');
    expect(req?.headers.authorization).toBe('Bearer xoxb-test');
    expect(req?.form).toEqual({ channel: '#alerts', text: 'DAG nightly failed' });
    expect(req?.bodyText).toBe('channel=%23alerts&text=DAG+nightly+failed');
    expect(req?.json).toBeUndefined();
  });

  it('answers with what respond() returns (500)', async () => {
    const res = await fetch(`${failing.url}/api/chat.postMessage`, { method: 'POST', body: 'x=1' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ ok: false, error: 'internal_error' });
    const [req] = await failing.waitForRequests(1);
    expect(req?.method).toBe('POST');
  });

  it('stands in for PagerDuty Events v2 (202 with dedup_key)', async () => {
    const res = await fetch(`${pagerDuty.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: 'R0UT1NG',
        event_action: 'trigger',
        dedup_key: 'nightly/2024-01-01',
        payload: { summary: 'DAG nightly failed', source: 'weir', severity: 'error' },
      }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'success', dedup_key: 'nightly/2024-01-01' });
    const [req] = await pagerDuty.waitForRequests(1);
    expect(req?.path).toBe('/v2/enqueue');
    expect(req?.json).toMatchObject({ event_action: 'trigger', payload: { severity: 'error' } });
  });

  it('says how many requests arrived when waitForRequests times out', async () => {
    recorder.clear();
    await fetch(`${recorder.url}/only-one`);
    await expect(recorder.waitForRequests(2, 50)).rejects.toThrow(
      'expected 2 request(s) within 50 ms, 1 arrived (GET /only-one)',
    );
  });
});
