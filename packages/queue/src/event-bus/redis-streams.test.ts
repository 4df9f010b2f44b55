// The Redis Streams event bus against the shared test Redis, each test under its own key prefix.
import { createTestRedis } from '@weir/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../connection.ts';
import { compareEntryIds, nextEntryId } from './entry-ids.ts';
import { EventBusError } from './errors.ts';
import { fnv1a32 } from './partitioning.ts';
import { createRedisStreamsBus } from './redis-streams.ts';
import type { BusEntry, EventBus } from './types.ts';

const redis = createTestRedis();
const shared = createRedis(redis.url);
const buses: EventBus[] = [];
let n = 0;

/** A bus under a fresh prefix; `shared` is its connection unless the test asks for a URL. */
function newBus(options: { partitions?: number; viaUrl?: boolean } = {}) {
  const keyPrefix = `${redis.prefix}:t${n++}`;
  const bus = createRedisStreamsBus({
    ...(options.viaUrl ? { url: redis.url } : { connection: shared }),
    keyPrefix,
    partitions: options.partitions ?? 4,
    memoryCheckIntervalMs: 0,
  });
  buses.push(bus);
  return { bus, keyPrefix };
}

const payloads = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ n: from + i }));
const numbers = (entries: BusEntry[]) =>
  entries.map((e) => JSON.parse(e.payload).n as number).sort((a, b) => a - b);

/** Waits until the bus's reader connection is blocked in XREADGROUP, as CLIENT LIST shows. */
async function untilBlocked(keyPrefix: string) {
  const readerName = `${keyPrefix}:reader`;
  for (let i = 0; ; i++) {
    const clients = String(await shared.call('CLIENT', ['LIST']));
    if (
      clients
        .split('\n')
        .some((line) => line.includes(`name=${readerName} `) && line.includes('cmd=xreadgroup'))
    )
      return;
    if (i > 400) throw new Error('the blocking read never reached Redis');
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterAll(async () => {
  for (const bus of buses) await bus.close();
  await redis.cleanup();
  shared.disconnect();
});

describe('partitionFor', () => {
  it('is FNV-1a 32 of the UTF-8 bytes (the published test vectors), mod the partitions', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    const eight = createRedisStreamsBus({ connection: shared, partitions: 8, keyPrefix: 'unused' });
    const sixteen = createRedisStreamsBus({ connection: shared, partitions: 16, keyPrefix: 'unused' });
    // Computed by an independent FNV-1a in Python.
    expect(['user-42', 'u_1', 'ünïcode', 'foobar'].map((k) => eight.partitionFor(k))).toEqual([3, 4, 3, 0]);
    expect(['user-42', 'u_1', 'ünïcode', 'foobar'].map((k) => sixteen.partitionFor(k))).toEqual([
      11, 4, 11, 8,
    ]);
  });

  it('refuses a key prefix with braces, which would put every partition in one cluster slot', () => {
    expect(() => createRedisStreamsBus({ connection: shared, keyPrefix: '{weir}:events' })).toThrow(
      /must not contain \{ or \}/,
    );
  });
});

describe('entry ids', () => {
  it('compare as numbers and have a successor', () => {
    expect(compareEntryIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareEntryIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareEntryIds('10-2', '10-2')).toBe(0);
    expect(nextEntryId('10-2')).toBe('10-3');
    expect(nextEntryId('10-18446744073709551615')).toBe('11-0');
  });
});

describe('RedisStreamsBus', () => {
  it('appends to each partition and reads every entry back once, until acknowledged', async () => {
    const { bus, keyPrefix } = newBus({ viaUrl: true });
    const ids = await Promise.all([0, 1, 2, 3].map((p) => bus.append(p, payloads(p * 10, p * 10 + 5))));
    expect(ids.flat()).toHaveLength(20);
    // Each partition is its own stream with its own hash tag.
    expect(await shared.xlen(`${keyPrefix}:{p2}`)).toBe(5);

    const read: BusEntry[] = [];
    for (let i = 0; i < 10 && read.length < 20; i++)
      read.push(...(await bus.read({ group: 'ingest', consumer: 'c1', count: 7 })));
    expect(numbers(read)).toEqual([
      0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33, 34,
    ]);
    for (const e of read) expect(e.partition).toBe(Math.floor(JSON.parse(e.payload).n / 10));
    // Within a partition, in append order.
    const p1 = read.filter((e) => e.partition === 1);
    expect(p1.map((e) => e.id)).toEqual(ids[1]);
    expect(await bus.read({ group: 'ingest', consumer: 'c1', count: 100 })).toEqual([]);

    expect((await bus.lag('ingest')).map((l) => l.pending)).toEqual([5, 5, 5, 5]);
    await bus.ack('ingest', read);
    expect(await bus.lag('ingest')).toEqual(
      [0, 1, 2, 3].map((partition) => ({ partition, lag: 0, pending: 0, length: 5 })),
    );
    // Another group starts at the beginning of the log.
    expect(numbers(await bus.read({ group: 'audit', consumer: 'a', count: 100, partitions: [3] }))).toEqual([
      30, 31, 32, 33, 34,
    ]);
  });

  it('never returns more than count, however many partitions have entries', async () => {
    const { bus } = newBus();
    await Promise.all([0, 1, 2, 3].map((p) => bus.append(p, payloads(p * 10, p * 10 + 3))));
    const got = await bus.read({ group: 'g', consumer: 'c', count: 2 });
    expect(got).toHaveLength(2);
    // Nothing beyond what was returned became pending.
    expect((await bus.lag('g')).reduce((sum, l) => sum + l.pending, 0)).toBe(2);
  });

  it('shares the entries of one group between its consumers', async () => {
    const { bus } = newBus({ partitions: 2 });
    await bus.append(0, payloads(0, 6));
    await bus.append(1, payloads(6, 12));
    const first = await bus.read({ group: 'g', consumer: 'one', count: 6 });
    const second = await bus.read({ group: 'g', consumer: 'two', count: 100 });
    expect(first).toHaveLength(6);
    expect(second).toHaveLength(6);
    expect(numbers([...first, ...second])).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("hands a dead consumer's unacknowledged entries to another with XAUTOCLAIM", async () => {
    const { bus, keyPrefix } = newBus({ partitions: 2 });
    await bus.append(0, payloads(0, 3));
    await bus.append(1, payloads(3, 5));
    const taken = await bus.read({ group: 'g', consumer: 'dead', count: 10 });
    expect(taken).toHaveLength(5);
    // Idle for less than a minute: still the dead consumer's.
    expect(await bus.reclaim({ group: 'g', consumer: 'alive', minIdleMs: 60_000, count: 10 })).toEqual([]);
    const reclaimed = await bus.reclaim({ group: 'g', consumer: 'alive', minIdleMs: 0, count: 10 });
    expect(numbers(reclaimed)).toEqual([0, 1, 2, 3, 4]);
    expect(reclaimed.find((e) => e.partition === 1)?.payload).toBe(JSON.stringify({ n: 3 }));
    const pending = (await shared.call('XPENDING', [`${keyPrefix}:{p0}`, 'g', '-', '+', 10])) as [
      string,
      string,
    ][];
    expect(pending.map(([, consumer]) => consumer)).toEqual(['alive', 'alive', 'alive']);
    await bus.ack('g', reclaimed);
    expect((await bus.lag('g')).map((l) => l.pending)).toEqual([0, 0]);
  });

  it('reports lag, pending and length per partition', async () => {
    const { bus } = newBus({ partitions: 3 });
    await bus.append(0, payloads(0, 4));
    await bus.append(2, payloads(4, 5));
    // Before the group exists, everything is lag.
    expect(await bus.lag('g')).toEqual([
      { partition: 0, lag: 4, pending: 0, length: 4 },
      { partition: 1, lag: 0, pending: 0, length: 0 },
      { partition: 2, lag: 1, pending: 0, length: 1 },
    ]);
    const got = await bus.read({ group: 'g', consumer: 'c', count: 1, partitions: [0] });
    await bus.read({ group: 'g', consumer: 'c', count: 1, partitions: [0] });
    await bus.ack('g', got);
    expect((await bus.lag('g'))[0]).toEqual({ partition: 0, lag: 2, pending: 1, length: 4 });
  });

  it('trims only what every group has acknowledged', async () => {
    const { bus, keyPrefix } = newBus({ partitions: 2 });
    await bus.append(0, payloads(0, 10));
    await bus.append(1, payloads(10, 20));
    // A stream nobody reads yet is not trimmed.
    expect(await bus.trim()).toEqual({ removed: 0 });

    const fast = await bus.read({ group: 'fast', consumer: 'f', count: 100 });
    await bus.ack('fast', fast);
    // The slow group read part of partition 0 and acknowledged only some of it, and nothing of 1.
    const slow = await bus.read({ group: 'slow', consumer: 's', count: 6, partitions: [0] });
    expect(numbers(slow)).toEqual([0, 1, 2, 3, 4, 5]);
    await bus.ack('slow', slow.slice(0, 3)); // 0, 1, 2 acknowledged; 3, 4, 5 pending

    expect(await bus.trim()).toEqual({ removed: 3 });
    const remaining = async (p: number) =>
      ((await shared.xrange(`${keyPrefix}:{p${p}}`, '-', '+')) as [string, string[]][]).map(
        ([, fields]) => JSON.parse(fields[1] as string).n as number,
      );
    expect(await remaining(0)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    // The slow group has read nothing of partition 1 (its group exists there since its first read).
    expect(await remaining(1)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    // The slow group still gets every entry it had not acknowledged.
    const again = await bus.reclaim({ group: 'slow', consumer: 's', minIdleMs: 0, count: 100 });
    const rest = await bus.read({ group: 'slow', consumer: 's', count: 100 });
    expect(numbers([...rest, ...again])).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect(await bus.trim()).toEqual({ removed: 0 });

    await bus.ack('slow', [...rest, ...again]);
    expect(await bus.trim()).toEqual({ removed: 17 });
    expect(await remaining(0)).toEqual([]);
    expect(await remaining(1)).toEqual([]);
  });

  it('keeps dead letters in their own stream, read, acknowledged and trimmed like the partitions', async () => {
    const { bus, keyPrefix } = newBus();
    await bus.appendDeadLetters([
      JSON.stringify({ reason: 'bad', n: 1 }),
      JSON.stringify({ reason: 'bad', n: 2 }),
    ]);
    expect(await shared.xlen(`${keyPrefix}:{dlq}`)).toBe(2);
    expect(await bus.read({ group: 'g', consumer: 'c', count: 10 })).toEqual([]);
    const dead = await bus.readDeadLetters({ group: 'g', consumer: 'c', count: 10 });
    expect(numbers(dead)).toEqual([1, 2]);
    expect(dead.every((e) => e.partition === -1)).toBe(true);
    await bus.ackDeadLetters(
      'g',
      dead.slice(0, 1).map((e) => e.id),
    );
    expect(
      numbers(await bus.reclaimDeadLetters({ group: 'g', consumer: 'd', minIdleMs: 0, count: 10 })),
    ).toEqual([2]);
    expect(await bus.trim()).toEqual({ removed: 1 });
  });

  it('blocks a read on its own connection: the shared one keeps serving appends meanwhile', async () => {
    const { bus, keyPrefix } = newBus({ partitions: 2 });
    const reading = bus.read({ group: 'g', consumer: 'c', count: 10, blockMs: 30_000 });
    // The reader is blocked in Redis (CLIENT LIST, asked on the shared connection, shows it)…
    await untilBlocked(keyPrefix);
    // …and an append on the shared connection completes while it waits, and wakes it.
    const [id] = await bus.append(1, payloads(7, 8));
    const got = await reading;
    expect(got).toEqual([{ partition: 1, id, payload: JSON.stringify({ n: 7 }) }]);
  });

  it('ends a blocked read with no entries when the bus closes', async () => {
    const { bus, keyPrefix } = newBus({ viaUrl: true });
    const reading = bus.read({ group: 'g', consumer: 'c', count: 10, blockMs: 30_000 });
    await untilBlocked(keyPrefix);
    await bus.close();
    expect(await reading).toEqual([]);
    await expect(bus.append(0, ['x'])).rejects.toMatchObject({ code: 'EVENT_BUS_CLOSED' });
  });

  it('recreates its groups when Redis lost them (a restart without persistence)', async () => {
    const { bus, keyPrefix } = newBus({ partitions: 1 });
    await bus.append(0, payloads(0, 1));
    expect(await bus.read({ group: 'g', consumer: 'c', count: 10 })).toHaveLength(1);
    await shared.del(`${keyPrefix}:{p0}`);
    await bus.append(0, payloads(1, 2));
    expect(numbers(await bus.read({ group: 'g', consumer: 'c', count: 10 }))).toEqual([1]);
  });

  it('refuses a partition that does not exist, with a code', async () => {
    const { bus } = newBus({ partitions: 2 });
    const error = await bus.append(2, ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventBusError);
    expect(error).toMatchObject({ code: 'EVENT_BUS_NO_SUCH_PARTITION' });
    expect((error as Error).message).toMatch(/partitions 0 to 1/);
  });

  it('refuses to work with a partition count other than the one the bus was created with', async () => {
    const { bus, keyPrefix } = newBus({ partitions: 4 });
    await bus.append(3, ['x']);
    const wider = createRedisStreamsBus({ connection: shared, keyPrefix, partitions: 8 });
    buses.push(wider);
    const error = await wider.append(7, ['y']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EVENT_BUS_PARTITIONS_MISMATCH' });
    expect((error as Error).message).toMatch(/has 4 partitions, but this process was configured with 8/);
    await expect(wider.read({ group: 'g', consumer: 'c', count: 10 })).rejects.toMatchObject({
      code: 'EVENT_BUS_PARTITIONS_MISMATCH',
    });
    // Nothing was written to the partition the readers would never have read.
    expect(await shared.exists(`${keyPrefix}:{p7}`)).toBe(0);
  });

  it('answers EVENT_BUS_UNAVAILABLE when Redis does not answer', async () => {
    const bus = createRedisStreamsBus({ url: 'redis://127.0.0.1:1', keyPrefix: `${redis.prefix}:down` });
    buses.push(bus);
    await expect(bus.append(0, ['x'])).rejects.toMatchObject({ code: 'EVENT_BUS_UNAVAILABLE' });
  });

  it('is over its memory budget only near maxmemory', async () => {
    const { bus } = newBus();
    const info = await shared.info('memory');
    const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
    const max = Number(/^maxmemory:(\d+)/m.exec(info)?.[1]);
    // Whatever the shared server's limit is, the answer must follow it.
    expect(await bus.overMemoryBudget()).toBe(max > 0 && used >= max * 0.9);
  });
});
