// Owns turning channel configurations into ready channels: the one place that knows which module
// sends each channel type.
import type { AlertChannel, AlertsConfig, ChannelConfig } from '../types.ts';
import { EmailChannel, type EmailChannelOptions } from './email.ts';
import { PagerDutyChannel, type PagerDutyChannelOptions } from './pagerduty.ts';
import { SlackChannel, type SlackChannelOptions } from './slack.ts';

/** Per-type tuning, for tests and for processes that need other limits. */
export interface ChannelOptions {
  readonly slack?: SlackChannelOptions;
  readonly pagerduty?: PagerDutyChannelOptions;
  readonly email?: EmailChannelOptions;
}

export function createChannel(
  name: string,
  config: ChannelConfig,
  options: ChannelOptions = {},
): AlertChannel {
  switch (config.type) {
    case 'slack':
      return new SlackChannel(name, config, options.slack);
    case 'pagerduty':
      return new PagerDutyChannel(name, config, options.pagerduty);
    case 'email':
      return new EmailChannel(name, config, options.email);
    default: {
      const never: never = config;
      throw new Error(`unknown channel type ${(never as { type?: unknown }).type}`);
    }
  }
}

/** Every configured channel by name. Close them with closeChannels when done. */
export function createChannels(
  config: AlertsConfig,
  options: ChannelOptions = {},
): Map<string, AlertChannel> {
  return new Map(
    Object.entries(config.channels).map(([name, channel]) => [name, createChannel(name, channel, options)]),
  );
}

export async function closeChannels(channels: Iterable<AlertChannel>): Promise<void> {
  await Promise.all([...channels].map((channel) => channel.close()));
}
