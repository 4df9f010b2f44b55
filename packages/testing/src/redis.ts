// Owns giving each test its own Redis key prefix, and removing its keys afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testRedisUrl } from './services.ts';

export interface TestRedis {
  readonly url: string;
  /** Use as the BullMQ queue prefix; every key this test creates starts with it. */
  readonly prefix: string;
  cleanup(): Promise<void>;
}

/** A private key prefix on the test Redis (or on `url`, for tests that run their own server). */
export function createTestRedis(url: string = testRedisUrl()): TestRedis {
  const prefix = `weirtest:${process.pid}:${randomBytes(4).toString('hex')}`;
  return {
    url,
    prefix,
    cleanup: async () => {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
