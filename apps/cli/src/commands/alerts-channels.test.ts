// `weir alerts test` and `weir alerts channels` run as real processes against an HTTP recorder
// standing in for Slack and PagerDuty. The commands are mounted on an `alerts` command of a
// commander program of their own (what main.ts will do), reporting failures as main.ts does.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type HttpRecorderHandle, type RecordedRequest, startHttpRecorder } from '@weir/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const SLACK_TOKEN = 'xoxb-cli-test-slack-token-987654';
const ROUTING_KEY = 'cliRoutingKey0123456789abcdefQRST';

const require = createRequire(import.meta.url);
const moduleUrl = new URL('./alerts-channels.ts', import.meta.url).href;
const errorsUrl = new URL('../errors.ts', import.meta.url).href;
const commanderUrl = pathToFileURL(require.resolve('commander')).href;
/** tsx's loader, by path: the commands run in a folder of their own, where `tsx` does not resolve. */
const tsxUrl = pathToFileURL(require.resolve('tsx')).href;

/** The program: `alerts test|channels`, and main.ts's handling of a CliError. */
const PROGRAM = `
const { Command, CommanderError } = await import(${JSON.stringify(commanderUrl)});
const { registerAlertsChannelCommands } = await import(${JSON.stringify(moduleUrl)});
const { CliError } = await import(${JSON.stringify(errorsUrl)});
const program = new Command('weir').exitOverride();
registerAlertsChannelCommands(program.command('alerts'));
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = 2;
  else if (error instanceof CliError) {
    process.stderr.write('weir: ' + error.message + '\\n');
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write('not a CliError: ' + (error && error.stack) + '\\n');
    process.exitCode = 99;
  }
}
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `weir alerts …args` in `cwd` with only `env` of Weir's variables set. */
function weirAlerts(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(DATABASE_URL|REDIS_URL|WEIR_|S3_|SLACK_|PAGERDUTY_|SMTP_|ALERT_)/.test(key)) clean[key] = value;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsxUrl, '--input-type=module', '-e', PROGRAM, 'alerts', ...args],
      { cwd, env: { ...clean, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

let recorder: HttpRecorderHandle;
let answer: (req: RecordedRequest) => { status?: number; body?: unknown };
let dir: string;
const outputs: string[] = [];

beforeAll(async () => {
  recorder = await startHttpRecorder({ respond: (req) => answer(req) });
  dir = mkdtempSync(join(tmpdir(), 'weir-alerts-cli-'));
  writeFileSync(
    join(dir, 'alerts.yaml'),
    `channels:
  data-slack: { type: slack, channel: '#data-alerts', token: '\${SLACK_BOT_TOKEN}', apiUrl: '${recorder.url}/api/' }
  data-pd: { type: pagerduty, routingKey: '\${PD_KEY}', url: '${recorder.url}/v2/enqueue' }
  oncall-mail: { type: email, to: [oncall@example.com, b@example.com], from: weir@example.com, smtpUrl: 'smtp://127.0.0.1:2525' }
routes:
  default: { onFailure: [data-slack, data-pd], onDeadlineMiss: [data-slack] }
  team-x: { onFailure: [oncall-mail] }
`,
  );
});
afterAll(async () => {
  await recorder.stop();
  rmSync(dir, { recursive: true, force: true });
  // Nothing the commands printed, in any test, showed a secret.
  for (const output of outputs) {
    expect(output).not.toContain(SLACK_TOKEN);
    expect(output).not.toContain(ROUTING_KEY);
  }
});
beforeEach(() => {
  recorder.clear();
  answer = (req) =>
    req.path.startsWith('/api/')
      ? { body: { ok: true, channel: 'C0DATA', ts: '1714525323.000100' } }
      : { status: 202, body: { status: 'success', message: 'Event processed' } };
});

const secrets = { SLACK_BOT_TOKEN: SLACK_TOKEN, PD_KEY: ROUTING_KEY };

async function run(args: string[], env: Record<string, string> = secrets, cwd = dir): Promise<Result> {
  const result = await weirAlerts(args, cwd, env);
  outputs.push(result.stdout, result.stderr);
  return result;
}

describe('weir alerts channels', () => {
  it('lists channels with masked targets, the routes using them, and the file', async () => {
    const result = await run(['channels', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      source: { kind: 'file', path: join(dir, 'alerts.yaml') },
      groupWaitMs: 30_000,
      repeatIntervalMs: 14_400_000,
      channels: [
        {
          name: 'data-slack',
          type: 'slack',
          target: '#data-alerts',
          routes: { default: ['onFailure', 'onDeadlineMiss'] },
        },
        {
          name: 'data-pd',
          type: 'pagerduty',
          target: `${new URL(recorder.url).host} (key …QRST)`,
          routes: { default: ['onFailure'] },
        },
        {
          name: 'oncall-mail',
          type: 'email',
          target: 'oncall@example.com, b@example.com',
          routes: { 'team-x': ['onFailure'] },
        },
      ],
    });

    const table = await run(['channels']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /data-slack\s+\| slack\s+\| #data-alerts\s+\| default: onFailure, onDeadlineMiss/,
    );
    expect(table.stdout).toContain(`from ${join(dir, 'alerts.yaml')}; group wait 30 s, repeat every 4 h`);
  });

  it('lists the channels the environment configures when there is no alerts file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'weir-alerts-cli-env-'));
    try {
      const result = await run(
        ['channels', '--json'],
        { SLACK_TOKEN, SLACK_CHANNEL: '#ops', PAGERDUTY_ROUTING_KEY: ROUTING_KEY },
        empty,
      );
      expect(result.code).toBe(0);
      const listed = JSON.parse(result.stdout) as {
        source: unknown;
        channels: { name: string; target: string }[];
      };
      expect(listed.source).toEqual({ kind: 'env' });
      expect(listed.channels.map((c) => [c.name, c.target])).toEqual([
        ['slack', '#ops'],
        ['pagerduty', 'events.pagerduty.com (key …QRST)'],
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says so when nothing is configured, and test names where channels come from', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'weir-alerts-cli-none-'));
    try {
      const listed = await run(['channels'], {}, empty);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toBe(
        'no alert channels: there is no alerts.yaml (or WEIR_ALERTS_FILE), and none of SLACK_TOKEN, PAGERDUTY_ROUTING_KEY, SMTP_URL with ALERT_EMAIL_TO is set\n',
      );
      const tested = await run(['test', 'slack'], {}, empty);
      expect(tested.code).toBe(1);
      expect(tested.stderr).toBe(
        'weir: no alert channel "slack": with no alerts.yaml (or WEIR_ALERTS_FILE) the channels come from SLACK_TOKEN, PAGERDUTY_ROUTING_KEY, SMTP_URL with ALERT_EMAIL_TO, and there are none\n',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a bad alerts file in one line', async () => {
    const result = await run(['channels'], { PD_KEY: ROUTING_KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'weir: invalid alerts configuration: alerts.yaml: channels.data-slack.token: environment variable SLACK_BOT_TOKEN is not set\n',
    );
  });
});

describe('weir alerts test', () => {
  it('sends a test message to Slack and says what Slack answered', async () => {
    const result = await run(['test', 'data-slack']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'sent a test message to data-slack (slack, #data-alerts): Slack accepted it: ok (channel C0DATA, ts 1714525323.000100)\n',
    );
    const [req] = recorder.requests;
    expect(req?.path).toBe('/api/chat.postMessage');
    expect(req?.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    expect(req?.form?.channel).toBe('#data-alerts');
    expect(req?.form?.text).toContain('Test: Weir can send alerts to channel "data-slack"');
  });

  it('sends a test event to PagerDuty', async () => {
    const result = await run(['test', 'data-pd']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PagerDuty accepted the event (HTTP 202)');
    expect(recorder.requests[0]?.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'weir-test-data-pd',
      payload: { severity: 'info', summary: 'Test: Weir can send alerts to channel "data-pd"' },
    });
  });

  it('exits 1 with a clear message, no stack and no token, when the send fails', async () => {
    answer = () => ({ body: { ok: false, error: 'invalid_auth' } });
    const result = await run(['test', 'data-slack']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'weir: the test message to data-slack (slack, #data-alerts) was not delivered: Slack answered invalid_auth (the token is not valid) for channel #data-alerts (retrying will not help: check the channel in alerts.yaml)\n',
    );
  });

  it('exits 1 naming the channels for an unknown channel', async () => {
    const result = await run(['test', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weir: no alert channel "nope" in ${join(dir, 'alerts.yaml')}: the channels are data-slack, data-pd, oncall-mail\n`,
    );
    expect(recorder.requests).toHaveLength(0);
  });
});
