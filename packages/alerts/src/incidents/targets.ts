// Owns how a channel's destination is shown (delivery rows, `weir alerts channels`): never a secret.
import type { ChannelConfig } from '../types.ts';

export function channelTarget(channel: ChannelConfig): string {
  switch (channel.type) {
    case 'slack':
      return channel.channel;
    case 'pagerduty': {
      const host = channel.url ? safeHost(channel.url) : 'events.pagerduty.com';
      return `${host} (key …${channel.routingKey.slice(-4)})`;
    }
    case 'email':
      return channel.to.join(', ');
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'PagerDuty';
  }
}
