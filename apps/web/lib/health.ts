// Owns the health report behind GET /api/health and the landing page: one ping each of
// PostgreSQL and Redis, reduced to a plain DTO that shows addresses but never a password.
import { databaseAddress, pingDatabase } from '@weir/db';
import { evictionWarning, pingRedis, redisAddress } from '@weir/queue';
import packageJson from '../package.json' with { type: 'json' };

/** How long each ping may wait for a connection or a reply. */
export const HEALTH_TIMEOUT_MS = 2_000;

export interface ServiceHealth {
  readonly ok: boolean;
  readonly latencyMs?: number;
  readonly error?: string;
  /** host:port (and database) without credentials; absent when the URL is not set. */
  readonly address?: string;
}

export interface RedisHealth extends ServiceHealth {
  /** Set when Redis may evict BullMQ's keys (maxmemory-policy other than noeviction). */
  readonly warning?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly database: ServiceHealth;
  readonly redis: RedisHealth;
  readonly version: string;
}

export interface HealthTargets {
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
}

/** Pings both services at once; `status` is 'ok' only when both answer. Never throws. */
export async function healthReport(
  targets: HealthTargets,
  timeoutMs: number = HEALTH_TIMEOUT_MS,
): Promise<HealthReport> {
  const [database, redis] = await Promise.all([
    databaseHealth(targets.databaseUrl, timeoutMs),
    redisHealth(targets.redisUrl, timeoutMs),
  ]);
  return {
    status: database.ok && redis.ok ? 'ok' : 'degraded',
    database,
    redis,
    version: packageJson.version,
  };
}

async function databaseHealth(url: string | undefined, timeoutMs: number): Promise<ServiceHealth> {
  if (url === undefined) return { ok: false, error: 'DATABASE_URL is not set' };
  const address = databaseAddress(url);
  const result = await withDeadline(pingDatabase(url, timeoutMs), timeoutMs);
  return result.ok
    ? { ok: true, latencyMs: Math.round(result.latencyMs), address }
    : { ok: false, error: result.error, address };
}

async function redisHealth(url: string | undefined, timeoutMs: number): Promise<RedisHealth> {
  if (url === undefined) return { ok: false, error: 'REDIS_URL is not set' };
  const address = redisAddress(url);
  const result = await withDeadline(pingRedis(url, timeoutMs), timeoutMs);
  if (!result.ok) return { ok: false, error: result.error, address };
  const warning = evictionWarning(result.maxmemoryPolicy);
  return { ok: true, latencyMs: Math.round(result.latencyMs), address, ...(warning ? { warning } : {}) };
}

type Unanswered = { readonly ok: false; readonly error: string };

/**
 * The pings' timeouts apply per step (connect, then each command), so a server that accepts
 * connections and then stalls holds a ping for more than one timeout (Redis: two). The deadline
 * bounds the report whatever the pings do; an abandoned ping still ends on its own timeouts.
 */
async function withDeadline<T>(ping: Promise<T>, timeoutMs: number): Promise<T | Unanswered> {
  const deadlineMs = timeoutMs * 2 + 1_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Unanswered>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${deadlineMs} ms` }), deadlineMs);
  });
  try {
    return await Promise.race([ping, late]);
  } finally {
    clearTimeout(timer);
  }
}
