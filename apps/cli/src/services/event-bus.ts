// Owns finding the event bus (WEIR_EVENT_BUS_URL, else the task queue's Redis) and saying in one
// line what its persistence promises, for `weir health` and `weir standalone`.
import type { WeirConfig } from '@weir/config';
import { createRedisStreamsBus, pingRedis, redisAddress } from '@weir/queue';
import { CliError } from '../errors.ts';

/** The bus's Redis URL, checked when it is configured apart from the task queue's. */
export async function resolveEventBusUrl(config: WeirConfig, redisUrl: string): Promise<string> {
  const url = config.eventBus.url;
  if (!url) return redisUrl;
  const ping = await pingRedis(url, config.connectTimeoutMs);
  if (!ping.ok)
    throw new CliError(`WEIR_EVENT_BUS_URL: cannot connect to Redis at ${redisAddress(url)}: ${ping.error}`);
  return url;
}

/** One line: what a Redis restart costs the accepted events, as a warning when they are not on disk. */
export async function eventBusDurabilityLine(url: string, partitions: number): Promise<string> {
  const bus = createRedisStreamsBus({ url, partitions });
  try {
    const { level, description } = await bus.durability();
    const unsafe = level === 'none' || level === 'snapshot';
    return `${unsafe ? 'warning: ' : ''}event bus (${redisAddress(url)}, ${level}): ${description}`;
  } finally {
    await bus.close();
  }
}
