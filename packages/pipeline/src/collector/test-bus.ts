// For tests: the real Redis Streams bus (createRedisStreamsBus) under a test's own key prefix,
// with the names of its streams, so a test can read what the collector appended with XRANGE.
import { createRedisStreamsBus, type EventBus, streamKeys } from '@weir/queue';
import { eventBusKeyPrefix } from '../event/open-bus.ts';

export interface TestStreamsBus extends EventBus {
  /** The stream key of a partition (tests read it with XRANGE; the payload is field 1). */
  streamKey(partition: number): string;
  readonly deadLetterKey: string;
}

export function createTestStreamsBus(
  url: string,
  options: { prefix?: string; partitions?: number } = {},
): TestStreamsBus {
  const keyPrefix = eventBusKeyPrefix(options.prefix ?? 'weir');
  const keys = streamKeys(keyPrefix);
  // Memory asked on every append: a test changes maxmemory and expects the next answer to follow.
  const bus = createRedisStreamsBus({
    url,
    partitions: options.partitions ?? 8,
    keyPrefix,
    memoryCheckIntervalMs: 0,
  });
  return Object.assign(bus, { streamKey: keys.partition, deadLetterKey: keys.deadLetters });
}
