// Owns the Redis commands behind two of the bus's promises: a batch is appended with one fsync,
// and a trim never drops an entry some consumer group has not acknowledged.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { compareEntryIds, nextEntryId } from './entry-ids.ts';
import { unavailable } from './errors.ts';
import { type GroupInfo, PAYLOAD_FIELD, parseGroups } from './redis-replies.ts';

/**
 * XADD of a whole batch as one script call. With `appendfsync always` Redis fsyncs once per event
 * loop pass that wrote anything; a pipeline of XADDs arrives in 16 KB reads, each of which writes
 * and so pays an fsync, while a script writes only once its whole call has arrived: one fsync per
 * batch (about half the time of the pipeline, measured here). It is also all of the batch or none.
 */
const APPEND_LUA = `
local ids = {}
for i, payload in ipairs(ARGV) do
  ids[i] = redis.call('XADD', KEYS[1], '*', '${PAYLOAD_FIELD}', payload)
end
return ids`;
const APPEND_SHA = createHash('sha1').update(APPEND_LUA).digest('hex');

/** Appends payloads to one stream; resolves with their ids once Redis replied (after its fsync). */
export function appendScript(redis: Redis) {
  return async (key: string, payloads: readonly string[]): Promise<unknown> => {
    try {
      return await redis.call('EVALSHA', [APPEND_SHA, 1, key, ...payloads]);
    } catch (error) {
      // A restarted (or flushed) server has forgotten the script; EVAL loads it again.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return await redis.call('EVAL', [APPEND_LUA, 1, key, ...payloads]);
    }
  };
}

/** The stream's consumer groups; none when the stream does not exist. */
export async function groupsOf(redis: Redis, key: string): Promise<GroupInfo[]> {
  try {
    return parseGroups(await redis.call('XINFO', ['GROUPS', key]));
  } catch (error) {
    if (/no such key/i.test(String((error as Error).message))) return [];
    throw unavailable('read consumer groups', error);
  }
}

/** The first id a group still needs: its oldest pending entry, else the one after its last delivered. */
async function firstNeededId(redis: Redis, key: string, group: GroupInfo): Promise<string> {
  if (group.pending > 0) {
    const summary = (await redis.call('XPENDING', [key, group.name])) as [number, string | null];
    if (summary[1]) return String(summary[1]);
  }
  return nextEntryId(group.lastDeliveredId);
}

/**
 * Removes the entries before the first one any group needs; returns how many. A stream no group
 * reads keeps everything. Exact MINID, never `~` or MAXLEN, which drop entries nobody read.
 */
export async function trimStream(redis: Redis, key: string): Promise<number> {
  const groups = await groupsOf(redis, key);
  if (groups.length === 0) return 0;
  const needed = await Promise.all(groups.map((g) => firstNeededId(redis, key, g)));
  const minId = needed.reduce((a, b) => (compareEntryIds(a, b) <= 0 ? a : b));
  return Number(await redis.call('XTRIM', [key, 'MINID', minId]));
}
