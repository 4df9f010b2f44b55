// INTERIM, to be replaced by @weir/queue's Redis Streams bus (createRedisStreamsBus) when the
// pipeline branches merge: a minimal EventBus over real Redis XADD, enough for the collector's
// tests and for `weir collector` / the web route to run before the real bus lands. It appends
// and answers the memory-budget question; reading, acknowledging and trimming are the real bus's.
import { createRedis, type EventBus } from '@weir/queue';

export interface TestStreamsBus extends EventBus {
  /** The stream key of a partition (tests read it with XRANGE). */
  streamKey(partition: number): string;
  readonly deadLetterKey: string;
}

export function createTestStreamsBus(
  url: string,
  options: { prefix?: string; partitions?: number } = {},
): TestStreamsBus {
  const prefix = options.prefix ?? 'weir:bus';
  const partitions = options.partitions ?? 8;
  // A command fails after one reconnect attempt instead of queueing forever: the collector must
  // answer 503 while Redis is down, not hang.
  const redis = createRedis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', () => {});
  const streamKey = (partition: number) => `${prefix}:events:{p${partition}}`;
  const deadLetterKey = `${prefix}:deadletters`;
  const xadd = async (key: string, payloads: readonly string[]) => {
    const pipeline = redis.multi();
    for (const payload of payloads) pipeline.xadd(key, '*', 'e', payload);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, id]) => {
      if (error) throw error;
      return id as string;
    });
  };
  const notHere = (): never => {
    throw new Error('the interim test bus only appends: use createRedisStreamsBus from @weir/queue');
  };
  return {
    partitions,
    streamKey,
    deadLetterKey,
    partitionFor(key: string) {
      let hash = 0x811c9dc5; // FNV-1a: stable across processes
      for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
      return hash % partitions;
    },
    append: (partition, payloads) => xadd(streamKey(partition), payloads),
    appendDeadLetters: (payloads) => xadd(deadLetterKey, payloads),
    async overMemoryBudget() {
      const info = await redis.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      const max = Number(/maxmemory:(\d+)/.exec(info)?.[1] ?? 0);
      return max > 0 && used >= max * 0.9;
    },
    read: notHere,
    readDeadLetters: notHere,
    ack: notHere,
    ackDeadLetters: notHere,
    reclaim: notHere,
    lag: notHere,
    trim: notHere,
    durability: notHere,
    async close() {
      redis.disconnect();
    },
  };
}
