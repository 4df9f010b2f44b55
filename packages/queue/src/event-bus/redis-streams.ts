// Owns the Redis Streams backend of the event bus: one stream per partition (each with its own
// hash tag), a dead-letter stream, consumer groups created lazily at the start of each stream,
// blocking reads on dedicated connections, and a trim that never drops an unacknowledged entry.
import { Redis } from 'ioredis';
import { EventBusError, rethrowNoGroup, unavailable } from './errors.ts';
import { partitionForKey, type StreamKeys, streamKeys } from './partitioning.ts';
import { describeDurability, isOverMemoryBudget, readPersistence } from './redis-durability.ts';
import { appendScript, groupsOf, trimStream } from './redis-commands.ts';
import { parseEntries, parseStreamsReply } from './redis-replies.ts';
import {
  type BusDurability,
  type BusEntry,
  DEAD_LETTER_PARTITION,
  type EntryId,
  type EventBus,
  type PartitionLag,
  type ReadOptions,
  type ReclaimOptions,
} from './types.ts';

export const DEFAULT_EVENT_PARTITIONS = 8;
export const DEFAULT_EVENT_KEY_PREFIX = 'weir:events';

export interface RedisStreamsBusOptions {
  /** Redis URL; the bus opens (and closes) its own connections. Give this or `connection`. */
  url?: string;
  /** A connection the caller owns and closes; blocking reads use duplicates of it, never it. */
  connection?: Redis;
  /** Number of partition streams (WEIR_EVENT_PARTITIONS); default 8. */
  partitions?: number;
  /** Key prefix, without braces; default `weir:events` (streams `weir:events:{p0}` …). */
  keyPrefix?: string;
  /** overMemoryBudget() is true once used memory is within this fraction of maxmemory; default 0.1. */
  memoryHeadroom?: number;
  /** How long an overMemoryBudget() answer is reused (INFO on every request is wasteful); default 1000. */
  memoryCheckIntervalMs?: number;
}

interface Stream {
  key: string;
  partition: number;
}

export function createRedisStreamsBus(options: RedisStreamsBusOptions): EventBus {
  const partitions = options.partitions ?? DEFAULT_EVENT_PARTITIONS;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024)
    throw new Error(`event bus partitions must be an integer from 1 to 1024 (got ${partitions})`);
  const headroom = options.memoryHeadroom ?? 0.1;
  if (!(headroom >= 0 && headroom < 1)) throw new Error(`memoryHeadroom must be in [0, 1) (got ${headroom})`);
  const keyPrefix = options.keyPrefix ?? DEFAULT_EVENT_KEY_PREFIX;
  const keys: StreamKeys = streamKeys(keyPrefix);
  const streams: Stream[] = Array.from({ length: partitions }, (_, p) => ({
    key: keys.partition(p),
    partition: p,
  }));
  const deadLetters: Stream = { key: keys.deadLetters, partition: DEAD_LETTER_PARTITION };
  const byKey = new Map([...streams, deadLetters].map((s) => [s.key, s]));

  const ownsShared = options.connection === undefined;
  const shared = options.connection ?? connect(required(options.url));
  // XREADGROUP BLOCK holds its connection until it returns; on the shared one it would stall
  // every append behind it (ioredis #984). One dedicated connection per concurrent blocking read.
  const idleReaders: Redis[] = [];
  const readers = new Set<Redis>();
  const readerName = `${keyPrefix.replace(/[^A-Za-z0-9:_-]/g, '_')}:reader`;
  const newReader = () => {
    const reader = options.connection
      ? options.connection.duplicate({ connectionName: readerName })
      : connect(required(options.url), readerName);
    readers.add(reader);
    return reader;
  };

  const appendBatch = appendScript(shared);
  const knownGroups = new Set<string>();
  let closed = false;
  let rotation = 0;
  let memoryCheck: { at: number; over: Promise<boolean> } | undefined;

  const assertOpen = () => {
    if (closed) throw new EventBusError('EVENT_BUS_CLOSED', 'the event bus was closed');
  };

  // Every process must agree on the partition count: a collector with more partitions than the
  // readers would leave events in streams nobody reads. The first process records it.
  let layoutChecked: Promise<void> | undefined;
  const checkLayout = () => {
    layoutChecked ??= (async () => {
      try {
        await shared.call('SET', [keys.layout, String(partitions), 'NX']);
        const recorded = Number(await shared.call('GET', [keys.layout]));
        if (recorded !== partitions && Number.isInteger(recorded) && recorded > 0)
          throw new EventBusError(
            'EVENT_BUS_PARTITIONS_MISMATCH',
            `the event bus ${keyPrefix} has ${recorded} partitions, but this process was configured with ${partitions} (WEIR_EVENT_PARTITIONS): set the same on every process; to change it, let every consumer group catch up, then delete the key ${keys.layout}`,
          );
      } catch (error) {
        throw unavailable('read the event bus layout', error);
      }
    })().catch((error) => {
      if (!(error instanceof EventBusError && error.code === 'EVENT_BUS_PARTITIONS_MISMATCH'))
        layoutChecked = undefined;
      throw error;
    });
    return layoutChecked;
  };

  const streamsFor = (selected: readonly number[] | undefined): Stream[] => {
    if (selected === undefined) return streams;
    return selected.map((p) => streams[p] ?? noSuchPartition(p, partitions));
  };

  /** XGROUP CREATE … 0 MKSTREAM once per stream and group: a new group reads the log from its start. */
  const ensureGroup = async (stream: Stream, group: string) => {
    const id = `${stream.key}\u0000${group}`;
    if (knownGroups.has(id)) return;
    try {
      await shared.call('XGROUP', ['CREATE', stream.key, group, '0', 'MKSTREAM']);
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP'))
        throw unavailable('create a consumer group', error);
    }
    knownGroups.add(id);
  };

  /**
   * A group exists on every partition as soon as it reads any: otherwise trim() would see only the
   * other groups on a partition this one has not reached yet, and drop entries it never read.
   */
  const ensureGroupOn = (selected: Stream[], group: string) => {
    const all = selected.some((s) => s.partition === DEAD_LETTER_PARTITION) ? selected : streams;
    return Promise.all(all.map((s) => ensureGroup(s, group)));
  };

  /** Runs `fn`, and once more after recreating the groups if Redis lost them (a restart without persistence). */
  const withGroups = async <T>(selected: Stream[], group: string, fn: () => Promise<T>): Promise<T> => {
    await ensureGroupOn(selected, group);
    try {
      return await fn();
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOGROUP')) throw error;
      for (const s of [...streams, deadLetters]) knownGroups.delete(`${s.key}\u0000${group}`);
      await ensureGroupOn(selected, group);
      return await fn();
    }
  };

  const appendTo = async (stream: Stream, payloads: readonly string[]): Promise<EntryId[]> => {
    assertOpen();
    if (payloads.length === 0) return [];
    await checkLayout();
    try {
      const ids = (await appendBatch(stream.key, payloads)) as unknown[];
      return ids.map(String);
    } catch (error) {
      throw unavailable('append to the event bus', error);
    }
  };

  const readFrom = async (
    candidates: Stream[],
    { group, consumer, count, blockMs = 0 }: Omit<ReadOptions, 'partitions'>,
  ): Promise<BusEntry[]> => {
    assertOpen();
    if (count < 1 || candidates.length === 0) return [];
    await checkLayout();
    // Every entry XREADGROUP returns becomes pending for this consumer, so never ask for more
    // than `count` in all: at most `count` streams, rotating so every partition gets its turn.
    const width = Math.min(candidates.length, count);
    const start = rotation++ % candidates.length;
    const chosen = Array.from(
      { length: width },
      (_, i) => candidates[(start + i) % candidates.length] as Stream,
    );
    const each = Math.floor(count / width);
    const extra = count % width;
    return withGroups(chosen, group, async () => {
      // Without BLOCK: one command per stream (single-key commands work on Redis Cluster too).
      const replies = await Promise.allSettled(
        chosen.map((s, i) =>
          shared
            .call('XREADGROUP', [
              'GROUP',
              group,
              consumer,
              'COUNT',
              each + (i < extra ? 1 : 0),
              'STREAMS',
              s.key,
              '>',
            ])
            .then((reply) => toEntries(parseStreamsReply(reply))),
        ),
      );
      // Entries some stream delivered are pending now: hand them over even if another failed.
      const ready = replies.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const failed = replies.find((r) => r.status === 'rejected');
      if (failed && ready.length === 0) rethrowNoGroup('read from the event bus')(failed.reason);
      if (ready.length > 0 || blockMs <= 0 || closed) return ready;
      const reader = idleReaders.pop() ?? newReader();
      try {
        const reply = await reader.call('XREADGROUP', [
          'GROUP',
          group,
          consumer,
          'COUNT',
          each,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...chosen.map((s) => s.key),
          ...chosen.map(() => '>'),
        ]);
        return toEntries(parseStreamsReply(reply));
      } catch (error) {
        if (closed) return [];
        return rethrowNoGroup('read from the event bus')(error);
      } finally {
        if (closed) reader.disconnect();
        else idleReaders.push(reader);
      }
    });
  };

  const toEntries = (byStream: Map<string, { id: string; payload: string }[]>): BusEntry[] => {
    const entries: BusEntry[] = [];
    for (const [key, raw] of byStream) {
      const stream = byKey.get(key);
      if (stream)
        for (const e of raw) entries.push({ partition: stream.partition, id: e.id, payload: e.payload });
    }
    return entries;
  };

  const ackIn = async (stream: Stream, group: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    try {
      await shared.call('XACK', [stream.key, group, ...ids]);
    } catch (error) {
      throw unavailable('acknowledge entries', error);
    }
  };

  const reclaimFrom = async (
    candidates: Stream[],
    { group, consumer, minIdleMs, count }: Omit<ReclaimOptions, 'partitions'>,
  ): Promise<BusEntry[]> => {
    assertOpen();
    await checkLayout();
    const claimed: BusEntry[] = [];
    await ensureGroupOn(candidates, group);
    for (const stream of candidates) {
      let cursor = '0-0';
      // XAUTOCLAIM looks at a bounded slice of the pending list per call; follow its cursor.
      while (claimed.length < count) {
        let reply: unknown;
        try {
          reply = await shared.call('XAUTOCLAIM', [
            stream.key,
            group,
            consumer,
            Math.max(0, Math.floor(minIdleMs)),
            cursor,
            'COUNT',
            count - claimed.length,
          ]);
        } catch (error) {
          if (String((error as Error).message).startsWith('NOGROUP')) break; // lost with its entries
          throw unavailable('reclaim entries', error);
        }
        const [next, entries] = reply as [string, unknown];
        for (const e of parseEntries(entries))
          claimed.push({ partition: stream.partition, id: e.id, payload: e.payload });
        cursor = String(next);
        if (cursor === '0-0') break;
      }
      if (claimed.length >= count) break;
    }
    return claimed;
  };

  return {
    partitions,
    partitionFor: (key) => partitionForKey(key, partitions),
    append: async (partition, payloads) =>
      appendTo(streams[partition] ?? noSuchPartition(partition, partitions), payloads),
    appendDeadLetters: (payloads) => appendTo(deadLetters, payloads),
    read: async (o) => readFrom(streamsFor(o.partitions), o),
    readDeadLetters: async (o) => readFrom([deadLetters], o),
    ack: async (group, entries) => {
      assertOpen();
      const byPartition = new Map<number, string[]>();
      for (const e of entries) {
        const ids = byPartition.get(e.partition) ?? [];
        ids.push(e.id);
        byPartition.set(e.partition, ids);
      }
      await Promise.all(
        [...byPartition].map(([p, ids]) =>
          ackIn(
            p === DEAD_LETTER_PARTITION ? deadLetters : (streams[p] ?? noSuchPartition(p, partitions)),
            group,
            ids,
          ),
        ),
      );
    },
    ackDeadLetters: (group, ids) => {
      assertOpen();
      return ackIn(deadLetters, group, ids);
    },
    reclaim: async (o) => reclaimFrom(streamsFor(o.partitions), o),
    reclaimDeadLetters: async (o) => reclaimFrom([deadLetters], o),
    lag: async (group): Promise<PartitionLag[]> => {
      assertOpen();
      return Promise.all(
        streams.map(async (s) => {
          const [groups, length] = await Promise.all([
            groupsOf(shared, s.key),
            shared.call('XLEN', [s.key]).catch((error) => {
              throw unavailable('read the stream length', error);
            }),
          ]);
          const info = groups.find((g) => g.name === group);
          const len = Number(length);
          // A group not created yet starts at the log's first entry: all of it is lag.
          return info
            ? { partition: s.partition, lag: info.lag, pending: info.pending, length: len }
            : { partition: s.partition, lag: len, pending: 0, length: len };
        }),
      );
    },
    trim: async () => {
      assertOpen();
      try {
        const removed = await Promise.all([...streams, deadLetters].map((s) => trimStream(shared, s.key)));
        return { removed: removed.reduce((a, b) => a + b, 0) };
      } catch (error) {
        throw error instanceof EventBusError ? error : unavailable('trim the event bus', error);
      }
    },
    durability: async (): Promise<BusDurability> => {
      assertOpen();
      try {
        return describeDurability(await readPersistence(shared));
      } catch (error) {
        throw unavailable('read the persistence settings', error);
      }
    },
    overMemoryBudget: () => {
      assertOpen();
      const now = Date.now();
      const interval = options.memoryCheckIntervalMs ?? 1_000;
      if (!memoryCheck || now - memoryCheck.at >= interval) {
        const over = isOverMemoryBudget(shared, headroom).catch((error) => {
          memoryCheck = undefined;
          throw unavailable('read memory usage', error);
        });
        memoryCheck = { at: now, over };
      }
      return memoryCheck.over;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Blocked readers would hold quit() until their BLOCK ends; their entries stay pending.
      for (const reader of readers) reader.disconnect();
      if (ownsShared) await shared.quit().catch(() => shared.disconnect());
    },
  };
}

function connect(url: string, connectionName?: string): Redis {
  // A few retries, not ioredis' unlimited queueing: when Redis is down the collector must answer
  // 503 within the request, and the client retries.
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableReadyCheck: true, connectionName });
  redis.on('error', () => {}); // reported by the commands that fail; unhandled, ioredis prints each one
  return redis;
}

function required(url: string | undefined): string {
  if (!url) throw new Error('createRedisStreamsBus needs a url or a connection');
  return url;
}

function noSuchPartition(partition: number, partitions: number): never {
  throw new EventBusError(
    'EVENT_BUS_NO_SUCH_PARTITION',
    `event bus partition ${partition} does not exist (the bus has partitions 0 to ${partitions - 1})`,
  );
}
