import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@weir/config';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertsConfigError, loadAlertsConfig } from './config.ts';

const SLACK_SECRET = 'xoxb-secret-slack-token-1234567890';
const PD_SECRET = 'pd-routing-key-0123456789abcdef0';
const SMTP_PASSWORD = 'smtp-pass-w0rd-xyz';

const GOOD = `
groupWait: 45s
repeatInterval: 2h
channels:
  data-slack: { type: slack, channel: '#data-alerts', token: '\${SLACK_BOT_TOKEN}' }
  data-pd: { type: pagerduty, routingKey: '\${PAGERDUTY_ROUTING_KEY}' }
  oncall-mail: { type: email, to: [oncall@example.com, b@example.com], from: weir@example.com }
routes:
  default:
    onFailure: [data-slack, data-pd, oncall-mail]
    onDeadlineMiss: [data-slack]
    onRetry: []
  team-x: { onFailure: [data-slack] }
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-alerts-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const secrets = { SLACK_BOT_TOKEN: SLACK_SECRET, PAGERDUTY_ROUTING_KEY: PD_SECRET };

/** The error a file gives, checked to be one line without any secret. */
function errorOf(yaml: string, env: Record<string, string> = secrets, weirEnv: Record<string, string> = {}) {
  const cwd = folderWith({ 'alerts.yaml': yaml });
  const config = parseConfig({ SMTP_URL: `smtp://u:${SMTP_PASSWORD}@127.0.0.1:2525`, ...weirEnv });
  try {
    loadAlertsConfig(config, { cwd, env });
  } catch (error) {
    expect(error).toBeInstanceOf(AlertsConfigError);
    const message = (error as AlertsConfigError).message;
    expect((error as AlertsConfigError).code).toBe('WEIR_ALERTS_CONFIG_INVALID');
    expect(message).not.toContain('\n');
    for (const secret of [SLACK_SECRET, PD_SECRET, SMTP_PASSWORD]) expect(message).not.toContain(secret);
    return message;
  }
  throw new Error('expected the file to be refused');
}

describe('loadAlertsConfig from a file', () => {
  it('reads channels, routes and durations, replacing environment variable references', () => {
    const cwd = folderWith({ 'alerts.yaml': GOOD });
    const config = parseConfig({ SMTP_URL: `smtp://u:${SMTP_PASSWORD}@127.0.0.1:2525` });
    const alerts = loadAlertsConfig(config, { cwd, env: secrets });
    expect(alerts.source).toEqual({ kind: 'file', path: join(cwd, 'alerts.yaml') });
    expect(alerts.groupWaitMs).toBe(45_000);
    expect(alerts.repeatIntervalMs).toBe(7_200_000);
    expect(alerts.channels).toEqual({
      'data-slack': { type: 'slack', channel: '#data-alerts', token: SLACK_SECRET },
      'data-pd': { type: 'pagerduty', routingKey: PD_SECRET, url: 'https://events.pagerduty.com/v2/enqueue' },
      'oncall-mail': {
        type: 'email',
        to: ['oncall@example.com', 'b@example.com'],
        from: 'weir@example.com',
        smtpUrl: `smtp://u:${SMTP_PASSWORD}@127.0.0.1:2525`,
      },
    });
    expect(alerts.routes).toEqual({
      default: {
        onFailure: ['data-slack', 'data-pd', 'oncall-mail'],
        onDeadlineMiss: ['data-slack'],
        onRetry: [],
      },
      'team-x': { onFailure: ['data-slack'] },
    });
  });

  it('defaults the durations, adds an empty default route, and takes from from ALERT_EMAIL_FROM', () => {
    const cwd = folderWith({
      'alerts.yaml': 'channels:\n  m: { type: email, to: a@example.com, smtpUrl: smtp://127.0.0.1:25 }\n',
    });
    const alerts = loadAlertsConfig(parseConfig({ ALERT_EMAIL_FROM: 'alerts@example.com' }), {
      cwd,
      env: {},
    });
    expect(alerts.groupWaitMs).toBe(30_000);
    expect(alerts.repeatIntervalMs).toBe(4 * 3_600_000);
    expect(alerts.routes).toEqual({ default: {} });
    expect(alerts.channels.m).toEqual({
      type: 'email',
      to: ['a@example.com'],
      from: 'alerts@example.com',
      smtpUrl: 'smtp://127.0.0.1:25',
    });
  });

  it("allows a groupWait of '0s' and reads '250ms' and '1h30m'", () => {
    const cwd = folderWith({ 'alerts.yaml': 'groupWait: 0s\nrepeatInterval: 1h30m\n' });
    const alerts = loadAlertsConfig(parseConfig({}), { cwd, env: {} });
    expect(alerts.groupWaitMs).toBe(0);
    expect(alerts.repeatIntervalMs).toBe(5_400_000);
    const quick = folderWith({ 'alerts.yaml': 'groupWait: 250ms\n' });
    expect(loadAlertsConfig(parseConfig({}), { cwd: quick, env: {} }).groupWaitMs).toBe(250);
  });

  it('reads the file WEIR_ALERTS_FILE names, relative to cwd', () => {
    const cwd = folderWith({ 'other.yml': 'groupWait: 5s\n', 'alerts.yaml': 'groupWait: 9s\n' });
    const alerts = loadAlertsConfig(parseConfig({ WEIR_ALERTS_FILE: 'other.yml' }), { cwd, env: {} });
    expect(alerts.groupWaitMs).toBe(5_000);
    expect(alerts.source).toEqual({ kind: 'file', path: join(cwd, 'other.yml') });
  });

  it('refuses a WEIR_ALERTS_FILE that does not exist', () => {
    const cwd = folderWith({});
    expect(() =>
      loadAlertsConfig(parseConfig({ WEIR_ALERTS_FILE: 'missing.yaml' }), { cwd, env: {} }),
    ).toThrow('missing.yaml: cannot read it: no such file (WEIR_ALERTS_FILE names it)');
  });

  it('wins over the environment variables', () => {
    const cwd = folderWith({ 'alerts.yaml': GOOD });
    const config = parseConfig({
      SLACK_TOKEN: 'xoxb-from-env-000000',
      PAGERDUTY_ROUTING_KEY: 'env-key-0000000000000000',
      SMTP_URL: 'smtp://127.0.0.1:25',
      ALERT_EMAIL_TO: 'env@example.com',
    });
    const alerts = loadAlertsConfig(config, { cwd, env: secrets });
    expect(Object.keys(alerts.channels).sort()).toEqual(['data-pd', 'data-slack', 'oncall-mail']);
    expect(alerts.source.kind).toBe('file');
  });
});

describe('a bad alerts file', () => {
  it('names an unknown key and what is allowed', () => {
    expect(errorOf('channels:\n  data-slack: { type: slack, channel: x, token: t, tokn: y }\n')).toBe(
      'alerts.yaml: channels.data-slack.tokn: unknown key (a slack channel has type, channel, token, apiUrl)',
    );
    expect(errorOf('groupwait: 30s\n')).toBe(
      'alerts.yaml: groupwait: unknown key (the file has groupWait, repeatInterval, channels, routes)',
    );
    expect(errorOf('routes:\n  default: { onFailur: [] }\n')).toMatch(
      /^alerts\.yaml: routes\.default\.onFailur: unknown key \(a route has onFailure, onRetry, /,
    );
  });

  it('names a required key', () => {
    expect(errorOf("channels:\n  data-slack: { type: slack, channel: '#x' }\n")).toBe(
      'alerts.yaml: channels.data-slack.token: required',
    );
    expect(errorOf('channels:\n  c: { channel: x }\n')).toBe(
      'alerts.yaml: channels.c.type: required: slack, pagerduty, email',
    );
    expect(errorOf('channels:\n  c: { type: teams }\n')).toBe(
      'alerts.yaml: channels.c.type: must be slack, pagerduty, email',
    );
  });

  it('names a route that sends to an unknown channel', () => {
    const yaml = `channels:\n  data-slack: { type: slack, channel: x, token: t }\nroutes:\n  default: { onFailure: [data-slack, nope] }\n`;
    expect(errorOf(yaml)).toBe(
      'alerts.yaml: routes.default.onFailure[1]: unknown channel "nope" (channels: data-slack)',
    );
    const fromVariable = `channels:\n  data-slack: { type: slack, channel: x, token: t }\nroutes:\n  default: { onFailure: ['\${SLACK_BOT_TOKEN}'] }\n`;
    expect(errorOf(fromVariable)).toBe(
      `alerts.yaml: routes.default.onFailure[0]: unknown channel "\${SLACK_BOT_TOKEN}" (channels: data-slack)`,
    );
  });

  it('names the key and the variable of an unset environment variable, never a value', () => {
    const yaml = `channels:\n  data-slack: { type: slack, channel: x, token: '\${SLACK_BOT_TOKEN}' }\n`;
    expect(errorOf(yaml, { PAGERDUTY_ROUTING_KEY: PD_SECRET })).toBe(
      'alerts.yaml: channels.data-slack.token: environment variable SLACK_BOT_TOKEN is not set',
    );
    expect(errorOf("groupWait: '${oops'\n")).toMatch(/^alerts\.yaml: groupWait: a variable must be written/);
  });

  it('gives the line of a YAML syntax error without quoting the file', () => {
    const yaml = `channels:\n  data-slack: { type: slack, token: ${SLACK_SECRET}: ${PD_SECRET}, channel: x\n`;
    expect(errorOf(yaml)).toMatch(/^alerts\.yaml: line 2, column \d+: invalid YAML: /);
    expect(errorOf('groupWait: 30s\ngroupWait: 40s\n')).toMatch(
      /^alerts\.yaml: line 2, column 1: invalid YAML: Map keys must be unique/,
    );
  });

  it('never shows a secret in a bad value', () => {
    expect(
      errorOf(
        `channels:\n  m: { type: email, to: [a@example.com], smtpUrl: 'http://u:${SMTP_PASSWORD}@host' }\n`,
      ),
    ).toBe('alerts.yaml: channels.m.smtpUrl: must be a smtp:// or smtps:// URL');
    expect(errorOf(`channels:\n  s: { type: slack, channel: x, token: [${SLACK_SECRET}] }\n`)).toBe(
      'alerts.yaml: channels.s.token: must be a string',
    );
  });

  it('refuses an email channel with no SMTP URL anywhere', () => {
    const cwd = folderWith({
      'alerts.yaml': 'channels:\n  oncall-mail: { type: email, to: [a@example.com] }\n',
    });
    expect(() => loadAlertsConfig(parseConfig({}), { cwd, env: {} })).toThrow(
      'alerts.yaml: channels.oncall-mail.smtpUrl: required: set it here or set SMTP_URL',
    );
  });

  it('refuses bad durations, addresses and names', () => {
    expect(errorOf('groupWait: 30\n')).toBe(
      "alerts.yaml: groupWait: must be a duration like '30s', '5m', '4h' or '250ms'",
    );
    expect(errorOf('repeatInterval: 0s\n')).toBe('alerts.yaml: repeatInterval: must be longer than 0');
    expect(errorOf('channels:\n  m: { type: email, to: [not-an-address] }\n')).toBe(
      'alerts.yaml: channels.m.to[0]: must be an email address',
    );
    expect(errorOf('channels:\n  "bad name": { type: slack, channel: x, token: t }\n')).toBe(
      'alerts.yaml: channels.bad name: not a valid name: use letters, digits, _ . -',
    );
    expect(errorOf('- just\n- a list\n')).toBe(
      'alerts.yaml: must be a mapping with groupWait, repeatInterval, channels, routes',
    );
  });
});

describe('loadAlertsConfig without a file', () => {
  it('builds channels from the environment and a default route without onRetry', () => {
    const cwd = folderWith({});
    const config = parseConfig({
      SLACK_TOKEN: SLACK_SECRET,
      SLACK_CHANNEL: '#ops',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PAGERDUTY_ROUTING_KEY: PD_SECRET,
      SMTP_URL: 'smtp://127.0.0.1:25',
      ALERT_EMAIL_TO: 'a@example.com, b@example.com',
      ALERT_EMAIL_FROM: 'weir@example.com',
    });
    const alerts = loadAlertsConfig(config, { cwd, env: {} });
    expect(alerts.source).toEqual({ kind: 'env' });
    expect(alerts.channels).toEqual({
      slack: { type: 'slack', channel: '#ops', token: SLACK_SECRET, apiUrl: 'http://127.0.0.1:9/api/' },
      pagerduty: { type: 'pagerduty', routingKey: PD_SECRET, url: 'https://events.pagerduty.com/v2/enqueue' },
      email: {
        type: 'email',
        to: ['a@example.com', 'b@example.com'],
        from: 'weir@example.com',
        smtpUrl: 'smtp://127.0.0.1:25',
      },
    });
    const all = ['slack', 'pagerduty', 'email'];
    expect(alerts.routes).toEqual({
      default: {
        onFailure: all,
        onDeadlineMiss: all,
        onSensorTimeout: all,
        onDataQuality: all,
        onImportError: all,
        onUnhealthy: all,
      },
    });
    expect(alerts.groupWaitMs).toBe(30_000);
  });

  it('has no channels and an empty default route when nothing is configured', () => {
    const alerts = loadAlertsConfig(parseConfig({ SMTP_URL: 'smtp://127.0.0.1:25' }), {
      cwd: folderWith({}),
      env: {},
    });
    expect(alerts).toMatchObject({ source: { kind: 'env' }, channels: {}, routes: { default: {} } });
  });
});
