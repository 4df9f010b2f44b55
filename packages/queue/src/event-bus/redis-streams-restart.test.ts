// The event bus across Redis crashes, on private redis-servers: with an append-only file fsynced on
// every write, every appended entry (and the groups' positions) survives a SIGKILL; without
// persistence, durability() says so.
import { type RedisServerHandle, startPrivateRedis } from '@weir/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStreamsBus } from './redis-streams.ts';
import type { BusEntry, EventBus } from './types.ts';

let server: RedisServerHandle | undefined;
let bus: EventBus | undefined;

afterEach(async () => {
  await bus?.close();
  await server?.stop();
  bus = undefined;
  server = undefined;
});

async function readAll(b: EventBus, group: string): Promise<BusEntry[]> {
  const all: BusEntry[] = [];
  for (;;) {
    const got = await b.read({ group, consumer: 'after-restart', count: 500 });
    if (got.length === 0) return all;
    all.push(...got);
  }
}

describe('RedisStreamsBus across a Redis crash', () => {
  it('keeps every appended entry, and what the group had acknowledged, with appendfsync always', async () => {
    server = await startPrivateRedis({ aof: 'always' });
    bus = createRedisStreamsBus({ url: server.url, partitions: 4, keyPrefix: 'weir:events' });
    expect((await bus.durability()).level).toBe('fsync-always');

    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const appended: string[] = [];
    for (const user of users) {
      const payload = JSON.stringify({ user_id: user });
      await bus.append(bus.partitionFor(user), [payload]);
      appended.push(payload);
    }
    // The group consumed and acknowledged the first 50 entries of partition 0 before the crash.
    const consumed = await bus.read({ group: 'ingest', consumer: 'before', count: 50, partitions: [0] });
    await bus.ack('ingest', consumed);
    await bus.appendDeadLetters([JSON.stringify({ reason: 'missing user_id' })]);

    await server.kill(); // SIGKILL: no shutdown, no final fsync
    await bus.close();
    await server.restart();
    bus = createRedisStreamsBus({ url: server.url, partitions: 4, keyPrefix: 'weir:events' });

    const after = await readAll(bus, 'ingest');
    // Everything not acknowledged comes back, nothing acknowledged comes back twice.
    expect([...consumed, ...after].map((e) => e.payload).sort()).toEqual([...appended].sort());
    expect(consumed).toHaveLength(50);
    expect(after.some((e) => consumed.some((c) => c.partition === e.partition && c.id === e.id))).toBe(false);
    // A group that had never read gets every entry.
    expect((await readAll(bus, 'audit')).map((e) => e.payload).sort()).toEqual([...appended].sort());
    const dead = await bus.readDeadLetters({ group: 'ingest', consumer: 'after-restart', count: 10 });
    expect(dead.map((e) => JSON.parse(e.payload).reason)).toEqual(['missing user_id']);
  });

  it('says nothing survives a restart when Redis keeps nothing on disk', async () => {
    server = await startPrivateRedis({ aof: false });
    bus = createRedisStreamsBus({ url: server.url, keyPrefix: 'weir:events' });
    const durability = await bus.durability();
    expect(durability.level).toBe('none');
    expect(durability.description).toMatch(/lost when Redis restarts/);

    // And it is true: the entries are gone after a crash.
    await bus.append(0, ['{"n":1}']);
    await server.kill();
    await bus.close();
    await server.restart();
    bus = createRedisStreamsBus({ url: server.url, keyPrefix: 'weir:events' });
    expect(await readAll(bus, 'ingest')).toEqual([]);
  });

  it('tells everysec from always', async () => {
    server = await startPrivateRedis({ aof: 'everysec' });
    bus = createRedisStreamsBus({ url: server.url, keyPrefix: 'weir:events' });
    expect(await bus.durability()).toMatchObject({
      level: 'fsync-everysec',
      description: expect.stringMatching(/up to the last second/),
    });
  });

  it('falls back to INFO persistence where CONFIG is disabled (managed Redis)', async () => {
    server = await startPrivateRedis({ aof: 'always', args: ['--rename-command', 'CONFIG', ''] });
    bus = createRedisStreamsBus({ url: server.url, keyPrefix: 'weir:events' });
    // INFO tells an append-only file is on, not its fsync policy: assume Redis's default.
    expect(await bus.durability()).toMatchObject({
      level: 'fsync-everysec',
      description: expect.stringMatching(/CONFIG is disabled/),
    });
  });
});
