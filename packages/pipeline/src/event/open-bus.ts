// Owns opening the event bus as every part of the pipeline sees it (the collector in the web app
// and in `weir collector`, ingest_to_lake, the stream processor): WEIR_EVENT_BUS_URL, else the
// task queue's Redis; WEIR_EVENT_PARTITIONS partitions; streams named after WEIR_QUEUE_PREFIX so
// two installations (or test runs) sharing a Redis keep apart.
import type { WeirConfig } from '@weir/config';
import { createRedisStreamsBus, type EventBus } from '@weir/queue';

/** `weir:events` for the default queue prefix; a Cluster hash tag (`{weir}`) is dropped, since each
 *  partition's stream carries its own. */
export function eventBusKeyPrefix(queuePrefix: string): string {
  return `${queuePrefix.replace(/[{}]/g, '')}:events`;
}

export function openEventBus(
  config: Pick<WeirConfig, 'eventBus' | 'queuePrefix'>,
  redisUrl: string,
): EventBus {
  return createRedisStreamsBus({
    url: config.eventBus.url ?? redisUrl,
    partitions: config.eventBus.partitions,
    keyPrefix: eventBusKeyPrefix(config.queuePrefix),
  });
}
