// Owns `weir alerts test <channel>` and `weir alerts channels`: trying one alert channel for real,
// and listing the channels with where they send (secrets masked) and which routes use them.
// Neither needs the database: both read alerts.yaml (or the environment) only.
import { hostname } from 'node:os';
import {
  type AlertChannel,
  type AlertsConfig,
  AlertsConfigError,
  type ChannelType,
  createChannel,
  type DeliveryResult,
  loadAlertsConfig,
  ROUTE_KEYS,
  type RouteKey,
  testNotification,
} from '@weir/alerts';
import { loadConfig, type WeirConfig } from '@weir/config';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { printJson, printTable } from './output.ts';

/** The variables that make channels when there is no alerts file. */
const ENV_CHANNELS = 'SLACK_TOKEN, PAGERDUTY_ROUTING_KEY, SMTP_URL with ALERT_EMAIL_TO';

/** Adds `test` and `channels` to the `alerts` command. */
export function registerAlertsChannelCommands(alerts: Command): void {
  alerts
    .command('test')
    .description('send a test message through one alert channel and say what it answered')
    .argument('<channel>', 'a channel name from alerts.yaml (or slack, pagerduty, email without one)')
    .action(async (name: string) => {
      const { config, alertsConfig } = load();
      const channelConfig = alertsConfig.channels[name];
      if (!channelConfig) throw new CliError(unknownChannel(name, alertsConfig));
      const channel = createChannel(name, channelConfig);
      let result: DeliveryResult;
      try {
        result = await channel.send(
          testNotification({
            channel: name,
            baseUrl: config.alerts.baseUrl,
            source: hostname(),
            now: new Date(),
          }),
        );
      } finally {
        await channel.close();
      }
      const which = `${name} (${channel.type}, ${channel.target})`;
      if (!result.ok) {
        const wait = result.retryAfterMs
          ? `; it asks to wait ${Math.ceil(result.retryAfterMs / 1000)} s`
          : '';
        const advice = result.permanent
          ? 'retrying will not help: check the channel in alerts.yaml'
          : `this may pass later${wait}`;
        throw new CliError(`the test message to ${which} was not delivered: ${result.error} (${advice})`);
      }
      process.stdout.write(`sent a test message to ${which}: ${accepted(channel, result.response)}\n`);
    });

  alerts
    .command('channels')
    .description('the alert channels, where each sends, and the routes that use it')
    .option(
      '--json',
      'print { source, groupWaitMs, repeatIntervalMs, channels: [{ name, type, target, routes }] }',
    )
    .action((opts: { json?: boolean }) => {
      const { alertsConfig } = load();
      const channels = describeChannels(alertsConfig);
      if (opts.json) {
        printJson({
          source: alertsConfig.source,
          groupWaitMs: alertsConfig.groupWaitMs,
          repeatIntervalMs: alertsConfig.repeatIntervalMs,
          channels,
        });
        return;
      }
      if (channels.length === 0) {
        process.stdout.write(
          alertsConfig.source.kind === 'file'
            ? `no alert channels in ${alertsConfig.source.path}\n`
            : `no alert channels: there is no alerts.yaml (or WEIR_ALERTS_FILE), and none of ${ENV_CHANNELS} is set\n`,
        );
        return;
      }
      printTable(
        ['name', 'type', 'target', 'used by'],
        channels.map((c) => [
          c.name,
          c.type,
          c.target,
          Object.entries(c.routes)
            .map(([route, keys]) => `${route}: ${keys.join(', ')}`)
            .join('; ') || '-',
        ]),
      );
      process.stdout.write(
        `\nfrom ${sourceText(alertsConfig)}; group wait ${duration(alertsConfig.groupWaitMs)}, repeat every ${duration(alertsConfig.repeatIntervalMs)}\n`,
      );
    });
}

interface ChannelDescription {
  readonly name: string;
  readonly type: ChannelType;
  /** Secrets masked. */
  readonly target: string;
  /** Route name → the route keys that send to this channel. */
  readonly routes: Record<string, RouteKey[]>;
}

function describeChannels(alertsConfig: AlertsConfig): ChannelDescription[] {
  return Object.entries(alertsConfig.channels).map(([name, channelConfig]) => {
    const channel: AlertChannel = createChannel(name, channelConfig);
    void channel.close();
    const routes: Record<string, RouteKey[]> = {};
    for (const [routeName, route] of Object.entries(alertsConfig.routes)) {
      const keys = ROUTE_KEYS.filter((key) => route[key]?.includes(name));
      if (keys.length > 0) routes[routeName] = keys;
    }
    return { name, type: channel.type, target: channel.target, routes };
  });
}

function load(): { config: WeirConfig; alertsConfig: AlertsConfig } {
  const config = loadConfig();
  try {
    return { config, alertsConfig: loadAlertsConfig(config) };
  } catch (error) {
    if (error instanceof AlertsConfigError)
      throw new CliError(`invalid alerts configuration: ${error.message}`, 2);
    throw error;
  }
}

function unknownChannel(name: string, alertsConfig: AlertsConfig): string {
  const names = Object.keys(alertsConfig.channels);
  const known = names.length > 0 ? `the channels are ${names.join(', ')}` : 'there are none';
  if (alertsConfig.source.kind === 'file')
    return `no alert channel "${name}" in ${alertsConfig.source.path}: ${known}`;
  return `no alert channel "${name}": with no alerts.yaml (or WEIR_ALERTS_FILE) the channels come from ${ENV_CHANNELS}, and ${known}`;
}

/** What the peer's answer means, in words. */
function accepted(channel: AlertChannel, response: string): string {
  switch (channel.type) {
    case 'slack':
      return `Slack accepted it: ${response}`;
    case 'pagerduty':
      return `PagerDuty accepted the event (${response}); resolve the test incident it opens there`;
    case 'email':
      return `the SMTP server accepted it: ${response}`;
    default: {
      const never: never = channel.type;
      return `${String(never)} answered ${response}`;
    }
  }
}

function sourceText(alertsConfig: AlertsConfig): string {
  return alertsConfig.source.kind === 'file'
    ? alertsConfig.source.path
    : `environment variables (${ENV_CHANNELS}; no alerts.yaml)`;
}

function duration(ms: number): string {
  if (ms === 0) return '0 s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}
