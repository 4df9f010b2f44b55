// Owns the question "does Redis answer at this URL, and is it configured for BullMQ?".
import { Redis } from 'ioredis';

export type RedisPingResult =
  | { ok: true; latencyMs: number; version: string; maxmemoryPolicy: string | undefined }
  | { ok: false; error: string };

/** Connects once (no retry loop), runs PING and INFO, disconnects; never throws. */
export async function pingRedis(url: string, timeoutMs = 5_000): Promise<RedisPingResult> {
  const started = performance.now();
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints unhandled error events. The first socket error (say
  // ECONNREFUSED) says more than the "Connection is closed" the command then fails with.
  let socketError: unknown;
  redis.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const policy = await maxmemoryPolicy(redis);
    return { ok: true, latencyMs: performance.now() - started, version, maxmemoryPolicy: policy };
  } catch (caught) {
    const error = socketError ?? caught;
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: code && !message.includes(code) ? `${code}: ${message}` : message };
  } finally {
    redis.disconnect();
  }
}

/** Managed Redis often forbids CONFIG; then the policy is unknown rather than an error. */
async function maxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}

/** A warning to print when BullMQ could lose jobs to eviction, or undefined when all is well. */
export function evictionWarning(policy: string | undefined): string | undefined {
  if (policy === undefined || policy === 'noeviction') return undefined;
  return `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued tasks may be evicted (run: redis-cli config set maxmemory-policy noeviction)`;
}

/** host:port of a Redis URL, for messages that must not show the password. */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(unparseable URL)';
  }
}
