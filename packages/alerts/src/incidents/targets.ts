// Owns how a channel's destination is shown (delivery rows, `weir alerts channels`): never a
// secret, and the same as the channel objects' own `target`.
import { pagerDutyTarget } from '../channels/pagerduty.ts';
import type { ChannelConfig } from '../types.ts';

export function channelTarget(channel: ChannelConfig): string {
  switch (channel.type) {
    case 'slack':
      return channel.channel;
    case 'pagerduty':
      return pagerDutyTarget(channel.url, channel.routingKey);
    case 'email':
      return channel.to.join(', ');
  }
}
