// `weir health` against real services: it says what the event bus's persistence promises.
import {
  createEmptyDatabase,
  type RedisServerHandle,
  runWeir,
  startPrivateRedis,
  testRedisUrl,
} from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('weir health', () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let durable: RedisServerHandle;
  beforeAll(async () => {
    database = await createEmptyDatabase();
    durable = await startPrivateRedis({ aof: 'always' });
  });
  afterAll(async () => {
    await durable.stop();
    await database.drop();
  });

  it('warns in one line that a bus without persistence loses accepted events on a restart', async () => {
    // A private server that keeps nothing on disk, as the machines' shared Redis does.
    const volatile = await startPrivateRedis({ aof: false });
    try {
      const result = await runWeir(['health'], {
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl(),
        WEIR_EVENT_BUS_URL: volatile.url,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^database: ok\nredis: ok\nwarning: event bus \(127\.0\.0\.1:\d+, none\): Redis keeps nothing on disk .* lost when Redis restarts\.\n$/,
      );
    } finally {
      await volatile.stop();
    }
  });

  it('says an append-only file fsynced on every write keeps them', async () => {
    const result = await runWeir(['health'], {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      WEIR_EVENT_BUS_URL: durable.url,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `event bus (127.0.0.1:${durable.port}, fsync-always): Redis fsyncs its append-only file on every write`,
    );
    expect(result.stdout).not.toContain('warning');
  });

  it('fails naming WEIR_EVENT_BUS_URL when the bus does not answer', async () => {
    const result = await runWeir(['health'], {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      WEIR_EVENT_BUS_URL: 'redis://127.0.0.1:1',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^weir: WEIR_EVENT_BUS_URL: cannot connect to Redis at 127\.0\.0\.1:1: /);
  });
});
