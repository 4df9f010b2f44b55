// Alerting end to end, through real `weir worker` and `weir scheduler` processes, with real peers:
// an HTTP server as the Slack API, another as PagerDuty, and a real SMTP server. One notification
// per incident and channel, grouped per run, resolved by the next success, silences, deliveries
// retried and never lost, and the secrets never printed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_RUN_TRIGGER } from '@weir/engine';
import {
  type HttpRecorderHandle,
  type RecordedRequest,
  runWeir,
  type SmtpServerHandle,
  startHttpRecorder,
  startSmtpServer,
} from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const SLACK_TOKEN = 'xoxb-test-token-never-printed-42';
const PD_KEY = 'pd-routing-key-never-printed-0042';

/** A field of a Slack Web API call, sent as JSON or as a form. */
function slackField(req: RecordedRequest, name: string): string | undefined {
  const json = req.json as Record<string, unknown> | undefined;
  const value = json?.[name] ?? req.form?.[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
}

const isPost = (r: RecordedRequest) => r.path.endsWith('chat.postMessage');
const isUpdate = (r: RecordedRequest) => r.path.endsWith('chat.update');

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Slack, PagerDuty and SMTP peers, and an alerts.yaml routing every kind to all three. */
function usePeers(options: { groupWait: string; extra?: (urls: { slack: string; pd: string }) => string }) {
  const env: Record<string, string> = {};
  const peers = {} as {
    slack: HttpRecorderHandle;
    pd: HttpRecorderHandle;
    smtp: SmtpServerHandle;
    dir: string;
  };
  beforeAll(async () => {
    let ts = 0;
    peers.slack = await startHttpRecorder({
      respond: (req) =>
        isPost(req)
          ? { body: { ok: true, channel: 'C0ALERTS', ts: `1700000000.${String(++ts).padStart(6, '0')}` } }
          : { body: { ok: true } },
    });
    peers.pd = await startHttpRecorder({ respond: () => ({ status: 202, body: { status: 'success' } }) });
    peers.smtp = await startSmtpServer();
    peers.dir = mkdtempSync(join(tmpdir(), 'weir-alerts-'));
    const file = join(peers.dir, 'alerts.yaml');
    writeFileSync(
      file,
      [
        `groupWait: ${options.groupWait}`,
        'channels:',
        `  data-slack: { type: slack, channel: '#data-alerts', token: '\${TEST_SLACK_TOKEN}', apiUrl: '${peers.slack.url}/api/' }`,
        `  data-pd: { type: pagerduty, routingKey: '\${TEST_PD_KEY}', url: '${peers.pd.url}/v2/enqueue' }`,
        `  oncall-mail: { type: email, to: [oncall@example.com], from: weir@example.com, smtpUrl: '${peers.smtp.url}' }`,
        ...(options.extra ? [options.extra({ slack: peers.slack.url, pd: peers.pd.url })] : []),
        'routes:',
        '  default:',
        '    onFailure: [data-slack, data-pd, oncall-mail]',
        '    onUnhealthy: [data-slack, data-pd]',
        '    onRetry: []',
      ].join('\n'),
    );
    Object.assign(env, {
      WEIR_ALERTS_FILE: file,
      TEST_SLACK_TOKEN: SLACK_TOKEN,
      TEST_PD_KEY: PD_KEY,
      WEIR_BASE_URL: 'https://weir.example.com',
    });
  });
  afterAll(async () => {
    await peers.slack?.stop();
    await peers.pd?.stop();
    await peers.smtp?.stop();
    if (peers.dir) rmSync(peers.dir, { recursive: true, force: true });
  });
  return { env, peers };
}

const fleetDag = (dir: string) => `
import { existsSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'fleet', maxActiveRuns: 1 }, (d) => {
  for (let i = 1; i <= 12; i++)
    d.task(\`load_\${String(i).padStart(2, '0')}\`, async () => {
      if (existsSync(${JSON.stringify(join(dir, 'fleet.broken'))})) throw new Error('warehouse refused the load\\nsecond line of the error');
      return i;
    });
});
`;

const flakyDag = `
import { dag } from '@weir/sdk';
export default dag({ id: 'flaky' }, (d) => {
  d.task('wobbly', { retries: 2, retryDelay: 0 }, async (ctx) => {
    if (ctx.tryNumber < 3) throw new Error('transient: try ' + ctx.tryNumber);
    return ctx.tryNumber;
  });
});
`;

const mappedDag = `
import { dag } from '@weir/sdk';
export default dag({ id: 'mapped_fail', maxActiveRuns: 16 }, (d) => {
  d.map('each', { expand: { n: Array.from({ length: 50 }, (_, i) => i) } }, async (_ctx, { n }) => {
    throw new Error('bad row ' + n);
  });
});
`;

const quietDag = `
import { dag } from '@weir/sdk';
export default dag({ id: 'quiet' }, (d) => {
  d.task('noisy', async () => { throw new Error('maintenance window'); });
});
`;

const devDag = `
import { dag } from '@weir/sdk';
export default dag({ id: 'dev_broken' }, (d) => {
  d.task('wip', async () => { throw new Error('work in progress'); });
});
`;

describe('alerting: one notification per incident, grouped per run, resolved by the next success', () => {
  const { env, peers } = usePeers({ groupWait: '2s' });
  const h = useHarness({
    env,
    dags: (dir) => {
      writeFileSync(join(dir, 'fleet.broken'), '');
      return {
        'fleet.ts': fleetDag(dir),
        'flaky.ts': flakyDag,
        'mapped.ts': mappedDag,
        'quiet.ts': quietDag,
        'dev.ts': devDag,
      };
    },
    components: [['scheduler'], ['worker', '--concurrency', '4']],
  });

  it('12 tasks failing in one run: one message per channel listing them, one PagerDuty event, resolved when all succeed again', async () => {
    const failed = await h.engine.trigger({ dagId: 'fleet' });
    expect(await h.waitForRun(failed.id)).toBe('failed');
    const [post] = await peers.slack.waitForRequests(1, 30_000);
    const [trigger] = await peers.pd.waitForRequests(1, 30_000);
    const [mail] = await peers.smtp.waitForMessages(1, 30_000);
    // Slack: the bot token, the channel, every task and the UI link of a task instance.
    expect(post?.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    expect(slackField(post as RecordedRequest, 'channel')).toBe('#data-alerts');
    const slackText = `${slackField(post as RecordedRequest, 'text')} ${slackField(post as RecordedRequest, 'blocks')}`;
    for (let i = 1; i <= 12; i++) expect(slackText).toContain(`load_${String(i).padStart(2, '0')}`);
    expect(slackText).toContain('warehouse refused the load');
    expect(slackText).toContain(
      `https://weir.example.com/dags/fleet/runs/${encodeURIComponent(failed.runId)}/tasks/load_01?try=1`,
    );
    // PagerDuty: one trigger for the group.
    const event = trigger?.json as {
      event_action: string;
      dedup_key: string;
      routing_key: string;
      payload: { severity: string; summary: string };
    };
    expect(event.event_action).toBe('trigger');
    expect(event.routing_key).toBe(PD_KEY);
    expect(event.payload.severity).toBe('error');
    // Email: the same content.
    expect(mail?.subject).toContain('fleet');
    expect(mail?.text).toContain('load_12');
    expect(mail?.text).toContain('https://weir.example.com/dags/fleet/runs/');
    // One group: 12 task incidents and the run's, attached to it.
    const listed = JSON.parse(
      (await runWeir(['alerts', 'list', '--dag', 'fleet', '--json'], h.env)).stdout,
    ) as {
      kind: string;
      state: string;
      groupId: number;
      parentId: number | null;
    }[];
    expect(listed).toHaveLength(13);
    expect(new Set(listed.map((a) => a.groupId)).size).toBe(1);
    const runIncident = listed.find((a) => a.kind === 'run_failed');
    expect(
      listed.filter((a) => a.kind === 'task_failed' && a.parentId === (runIncident as { id?: number }).id),
    ).toHaveLength(12);
    // Nothing more while it stays open.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(peers.slack.requests.filter(isPost)).toHaveLength(1);
    expect(peers.pd.requests).toHaveLength(1);
    expect(peers.smtp.messages).toHaveLength(1);

    rmSync(join(h.dir, 'fleet.broken'));
    const fixed = await h.engine.trigger({ dagId: 'fleet' });
    expect(await h.waitForRun(fixed.id)).toBe('success');
    const [, resolve] = await peers.pd.waitForRequests(2, 30_000);
    const resolveEvent = resolve?.json as { event_action: string; dedup_key: string };
    expect(resolveEvent.event_action).toBe('resolve');
    expect(resolveEvent.dedup_key).toBe(event.dedup_key);
    await until(
      'the Slack thread reply and update',
      async () => peers.slack.requests.filter(isPost).length >= 2 && peers.slack.requests.some(isUpdate),
    );
    const reply = peers.slack.requests.filter(isPost)[1] as RecordedRequest;
    expect(slackField(reply, 'thread_ts')).toBe('1700000000.000001');
    const update = peers.slack.requests.find(isUpdate) as RecordedRequest;
    expect(slackField(update, 'ts')).toBe('1700000000.000001');
    const [first, second] = await peers.smtp.waitForMessages(2, 30_000);
    expect(second?.inReplyTo).toBe(first?.messageId);
    const after = JSON.parse(
      (await runWeir(['alerts', 'list', '--dag', 'fleet', '--json'], h.env)).stdout,
    ) as { state: string }[];
    expect(after.every((a) => a.state === 'resolved')).toBe(true);
  }, 120_000);

  it('a task that fails twice and succeeds on its third try notifies no one', async () => {
    const before = peers.slack.requests.length + peers.pd.requests.length + peers.smtp.messages.length;
    const run = await h.engine.trigger({ dagId: 'flaky' });
    expect(await h.waitForRun(run.id)).toBe('success');
    expect((await h.tasks(run.id)).wobbly?.tryNumber).toBe(3);
    // The retries were recorded (one incident, two occurrences), then resolved by the success.
    const retrying = await until('the retrying incident to resolve', async () => {
      const rows = await h.database.db.alert.findMany({ where: { dagId: 'flaky' } });
      return rows.length === 1 && rows[0]?.state === 'resolved' ? rows : undefined;
    });
    expect(retrying.map((a) => [a.kind, a.occurrences])).toEqual([['retrying', 2]]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(peers.slack.requests.length + peers.pd.requests.length + peers.smtp.messages.length).toBe(before);
    expect(
      await h.database.db.alertDelivery.count({
        where: { group: { incidents: { some: { dagId: 'flaky' } } } },
      }),
    ).toBe(0);
  }, 60_000);

  it('50 mapped instances failing, in many runs: one incident, one notification per channel, every occurrence counted', async () => {
    const before = peers.slack.requests.filter(isPost).length;
    const runs = [];
    for (let i = 0; i < 20; i++) runs.push(await h.engine.trigger({ dagId: 'mapped_fail' }));
    for (const run of runs) expect(await h.waitForRun(run.id)).toBe('failed');
    const incident = await until('1,000 occurrences', async () => {
      const row = await h.database.db.alert.findFirst({
        where: { dagId: 'mapped_fail', kind: 'task_failed' },
      });
      return row && row.occurrences === 1_000 ? row : undefined;
    });
    expect(incident.state).toBe('open');
    expect(await h.database.db.alert.count({ where: { dagId: 'mapped_fail', kind: 'task_failed' } })).toBe(1);
    const runIncident = await h.database.db.alert.findFirstOrThrow({
      where: { dagId: 'mapped_fail', kind: 'run_failed' },
    });
    expect(runIncident.occurrences).toBe(20);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(peers.slack.requests.filter(isPost).length - before).toBe(1);
  }, 180_000);

  it('a silence holds notifications back; the incident is still recorded and listed', async () => {
    const silenced = await runWeir(
      ['alerts', 'silence', '--dag', 'quiet', '--for', '1h', '--reason', 'maintenance'],
      h.env,
    );
    expect(silenced.code, silenced.stderr).toBe(0);
    expect(silenced.stdout).toMatch(/silence \d+: quiet until/);
    const before = peers.slack.requests.length + peers.pd.requests.length + peers.smtp.messages.length;
    const run = await h.engine.trigger({ dagId: 'quiet' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    await until(
      'the incident to be held by the silence',
      async () =>
        (await h.database.db.alert.findFirst({
          where: { dagId: 'quiet', kind: 'task_failed', silenceId: { not: null } },
        })) ?? undefined,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(peers.slack.requests.length + peers.pd.requests.length + peers.smtp.messages.length).toBe(before);
    const list = await runWeir(['alerts', 'list', '--dag', 'quiet'], h.env);
    expect(list.stdout).toContain('open (silenced)');
    const silences = await runWeir(['alerts', 'silences'], h.env);
    expect(silences.stdout).toContain('maintenance');
  }, 60_000);

  it('a run of `weir dags test` raises no alert, even when it fails', async () => {
    // The run `weir dags test` makes (its triggeredBy), run here by the harness's processes.
    const run = await h.engine.trigger({ dagId: 'dev_broken', triggeredBy: TEST_RUN_TRIGGER });
    expect(await h.waitForRun(run.id)).toBe('failed');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await h.database.db.alert.count({ where: { dagId: 'dev_broken' } })).toBe(0);
    // The same DAG's ordinary run does.
    const real = await h.engine.trigger({ dagId: 'dev_broken' });
    expect(await h.waitForRun(real.id)).toBe('failed');
    await until(
      'its alert',
      async () => (await h.database.db.alert.count({ where: { dagId: 'dev_broken' } })) === 2,
    );
  }, 60_000);

  it('never prints the Slack token or the PagerDuty routing key', async () => {
    const outputs = [
      h.output(),
      (await runWeir(['alerts', 'list'], h.env)).stdout,
      (await runWeir(['alerts', 'show', '1'], h.env)).stdout,
      JSON.stringify(await h.database.db.alertDelivery.findMany()),
    ].join('\n');
    expect(outputs).not.toContain(SLACK_TOKEN);
    expect(outputs).not.toContain(PD_KEY);
  }, 60_000);
});

describe('alert deliveries: retried with backoff, never lost, given up only after the max age', () => {
  let pdAnswers = 0;
  const flakyPd = { url: '' };
  let flakyPdServer: HttpRecorderHandle;
  // Before usePeers writes alerts.yaml, which names it.
  beforeAll(async () => {
    flakyPdServer = await startHttpRecorder({
      respond: () =>
        ++pdAnswers <= 3 ? { status: 500, body: 'busy' } : { status: 202, body: { status: 'success' } },
    });
    flakyPd.url = flakyPdServer.url;
  });
  afterAll(async () => flakyPdServer?.stop());
  const { env, peers } = usePeers({
    groupWait: '0s',
    extra: () =>
      [
        `  flaky-pd: { type: pagerduty, routingKey: '\${TEST_PD_KEY}', url: '${flakyPd.url}/v2/enqueue' }`,
        `  dead-slack: { type: slack, channel: '#nowhere', token: '\${TEST_SLACK_TOKEN}', apiUrl: 'http://127.0.0.1:9/api/' }`,
      ].join('\n'),
  });
  // 500, 500, 500 then 202 takes 1 + 2 + 4 s of backoff, well within the max age even on a
  // loaded machine; a dead channel gives up once its next attempt would fall after it (~15 s).
  Object.assign(env, { WEIR_ALERT_DELIVERY_MAX_AGE: '30s' });
  const h = useHarness({
    env,
    dags: () => ({
      'outage.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'outage', alerts: { onFailure: ['flaky-pd', 'dead-slack', 'data-slack'] } }, (d) => {
  d.task('breaks', async () => { throw new Error('disk full'); });
});
`,
    }),
    components: [['scheduler'], ['worker']],
  });

  it('a channel answering 500 three times, then 202: delivered once, four attempts; a dead channel fails after the max age; the others are delivered', async () => {
    void peers;
    const run = await h.engine.trigger({ dagId: 'outage' });
    expect(await h.waitForRun(run.id)).toBe('failed');
    await peers.slack.waitForRequests(1, 30_000);
    await flakyPdServer.waitForRequests(4, 60_000);
    const deliveries = await until(
      'the flaky and the dead channel to settle',
      async () => {
        const rows = await h.database.db.alertDelivery.findMany({
          where: { event: 'trigger' },
          orderBy: { channel: 'asc' },
        });
        return rows.length === 3 && rows.every((d) => d.status !== 'pending') ? rows : undefined;
      },
      90_000,
    );
    const by = Object.fromEntries(deliveries.map((d) => [d.channel, d]));
    expect(by['data-slack']?.status).toBe('sent');
    expect(by['flaky-pd']?.status).toBe('sent');
    expect(by['flaky-pd']?.attempts).toBe(4);
    expect(by['flaky-pd']?.response).toBe('HTTP 202');
    expect(by['flaky-pd']?.attemptLog as unknown[]).toHaveLength(4);
    expect(by['dead-slack']?.status).toBe('failed');
    expect(by['dead-slack']?.error).toMatch(/gave up/);
    expect(flakyPdServer.requests).toHaveLength(4);
    const failed = await runWeir(['alerts', 'failed'], h.env);
    expect(failed.stdout).toContain('dead-slack');
    expect(failed.stdout).not.toContain(SLACK_TOKEN);
  }, 180_000);
});

describe('Weir itself unhealthy', () => {
  const { env, peers } = usePeers({ groupWait: '0s' });
  Object.assign(env, { WEIR_UNHEALTHY_AFTER_MS: '3000' });
  const h = useHarness({ env, dags: () => ({}), components: [] });

  it('a killed scheduler is reported by a surviving worker, and resolved once a scheduler is back', async () => {
    const scheduler = h.start('scheduler');
    h.start('worker');
    await until(
      'the scheduler heartbeat',
      async () => (await h.database.db.componentHeartbeat.count({ where: { component: 'scheduler' } })) > 0,
    );
    scheduler.kill('SIGKILL');
    const [trigger] = await peers.pd.waitForRequests(1, 30_000);
    const event = trigger?.json as {
      event_action: string;
      dedup_key: string;
      payload: { severity: string; summary: string };
    };
    expect(event.event_action).toBe('trigger');
    expect(event.payload.severity).toBe('critical');
    expect(event.payload.summary).toMatch(/no scheduler heartbeat/);
    const [post] = await peers.slack.waitForRequests(1, 30_000);
    expect(`${slackField(post as RecordedRequest, 'text')}`).toMatch(/unhealthy/i);
    h.start('scheduler');
    const [, resolve] = await peers.pd.waitForRequests(2, 30_000);
    const resolved = resolve?.json as { event_action: string; dedup_key: string } | undefined;
    expect(resolved?.event_action).toBe('resolve');
    expect(resolved?.dedup_key).toBe(event.dedup_key);
  }, 90_000);
});
