// Owns where the collector's event bus is: WEIR_EVENT_BUS_URL (default: the same Redis as
// REDIS_URL) and WEIR_EVENT_PARTITIONS (default 8), read in one place for `weir collector` and
// the web route.
export interface EventBusSettings {
  readonly url: string;
  readonly partitions: number;
}

export function eventBusSettings(env: NodeJS.ProcessEnv = process.env): EventBusSettings {
  const url = env.WEIR_EVENT_BUS_URL || env.REDIS_URL;
  if (!url) throw new Error('the event bus needs WEIR_EVENT_BUS_URL or REDIS_URL (a Redis URL)');
  const text = env.WEIR_EVENT_PARTITIONS ?? '8';
  const partitions = Number(text);
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024)
    throw new Error(`WEIR_EVENT_PARTITIONS must be a whole number from 1 to 1024, got "${text}"`);
  return { url, partitions };
}
