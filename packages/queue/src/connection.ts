// Owns Redis connections. This package is the only place that imports ioredis or BullMQ.
import { Redis, type RedisOptions } from 'ioredis';

/**
 * A connection suitable for BullMQ workers (maxRetriesPerRequest: null, as BullMQ requires).
 * Reconnects by itself after Redis restarts.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...options,
  });
}
