// The Redis `weir standalone` starts when none is configured: the event bus's accepted events
// survive its crash, because it keeps an append-only file fsynced on every write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisStreamsBus } from '@weir/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { startOwnRedis } from './local-redis.ts';

describe('startOwnRedis', () => {
  const home = mkdtempSync(join(tmpdir(), 'weir-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs Redis with appendfsync always, so the event bus promises what it accepted', async () => {
    const own = await startOwnRedis(home, () => {});
    const bus = createRedisStreamsBus({ url: own.url });
    try {
      expect(await bus.durability()).toMatchObject({ level: 'fsync-always' });
    } finally {
      await bus.close();
      await own.stop();
    }
  });
});
