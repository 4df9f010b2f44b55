// Owns what a Redis server promises about accepted entries if it restarts (its persistence
// settings, in words), and whether it is near its memory limit.
import type { Redis } from 'ioredis';
import { fieldPairs } from './redis-replies.ts';
import type { BusDurability } from './types.ts';

export interface PersistenceSettings {
  /** undefined when the server refuses CONFIG (managed Redis) and only INFO is known. */
  appendonly: boolean;
  appendfsync: string | undefined;
  /** RDB snapshot rules ('' for none); undefined when unknown. */
  save: string | undefined;
}

/** Reads the persistence settings: CONFIG GET, else INFO persistence (which lacks the fsync policy). */
export async function readPersistence(redis: Redis): Promise<PersistenceSettings> {
  try {
    const reply = await redis.call('CONFIG', 'GET', 'appendonly', 'appendfsync', 'save');
    const values = new Map(fieldPairs(reply).map(([k, v]) => [k, String(v)]));
    return {
      appendonly: values.get('appendonly') === 'yes',
      appendfsync: values.get('appendfsync'),
      save: values.get('save'),
    };
  } catch {
    const info = await redis.info('persistence');
    return { appendonly: infoField(info, 'aof_enabled') === '1', appendfsync: undefined, save: undefined };
  }
}

export function describeDurability(settings: PersistenceSettings): BusDurability {
  if (settings.appendonly) {
    switch (settings.appendfsync) {
      case 'always':
        return {
          level: 'fsync-always',
          description:
            'Redis fsyncs its append-only file on every write: an accepted event survives a Redis crash or restart.',
        };
      case 'no':
        return {
          level: 'os-buffered',
          description:
            'Redis writes an append-only file but leaves flushing to the OS (appendfsync no): a Redis restart loses nothing, a machine crash may lose the last ~30 s of accepted events.',
        };
      case 'everysec':
        return {
          level: 'fsync-everysec',
          description:
            'Redis fsyncs its append-only file once a second (appendfsync everysec): a crash may lose up to the last second of accepted events.',
        };
      default:
        return {
          level: 'fsync-everysec',
          description:
            "Redis writes an append-only file with an fsync policy it does not disclose (CONFIG is disabled; Redis's default, everysec, may lose up to the last second of accepted events on a crash).",
        };
    }
  }
  if (settings.save)
    return {
      level: 'snapshot',
      description: `Redis keeps only RDB snapshots (save "${settings.save}"), no append-only file: a crash loses the events accepted since the last snapshot that are not yet in the lake.`,
    };
  return {
    level: 'none',
    description:
      settings.save === undefined
        ? 'Redis has no append-only file (and CONFIG is disabled, so its snapshot rules are unknown): accepted events not yet in the lake may be lost when Redis restarts.'
        : 'Redis keeps nothing on disk (no append-only file, no snapshots): accepted events not yet in the lake are lost when Redis restarts.',
  };
}

/**
 * Whether used memory is within `headroom` (a fraction of maxmemory) of the limit; a server with
 * no limit (maxmemory 0) is never over budget.
 */
export async function isOverMemoryBudget(redis: Redis, headroom: number): Promise<boolean> {
  const info = await redis.info('memory');
  const used = Number(infoField(info, 'used_memory'));
  const max = Number(infoField(info, 'maxmemory'));
  if (!Number.isFinite(used) || !Number.isFinite(max) || max <= 0) return false;
  return used >= max * (1 - headroom);
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}
