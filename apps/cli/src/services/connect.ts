// Owns turning configuration into reachable service URLs for commands that need them, with a
// one-line error naming the variable and the address when a service does not answer.
import type { WeirConfig } from '@weir/config';
import { databaseAddress, pingDatabase } from '@weir/db/tooling';
import { pingRedis, redisAddress } from '@weir/queue';
import { CliError } from '../errors.ts';
import { resolveFromCwd } from '../paths.ts';
import { findLocalPostgres, findRunningEmbeddedPostgres } from './local-postgres.ts';
import { findLocalRedis, findRunningOwnRedis, HOW_TO_GET_REDIS } from './local-redis.ts';

/** A service's URL and, in words, where it was found. */
export interface LocatedService {
  readonly url: string;
  readonly foundBy: string;
}

/** DATABASE_URL (unchecked); else a PostgreSQL on 127.0.0.1:5432 or an embedded one already running. */
export async function locateDatabase(config: WeirConfig): Promise<LocatedService | undefined> {
  if (config.databaseUrl) return { url: config.databaseUrl, foundBy: 'DATABASE_URL' };
  const local = await findLocalPostgres();
  if (local) return { url: local, foundBy: 'DATABASE_URL unset: PostgreSQL on 127.0.0.1:5432' };
  const home = resolveFromCwd(config.home);
  const embedded = await findRunningEmbeddedPostgres(home);
  return embedded
    ? { url: embedded, foundBy: `DATABASE_URL unset: embedded PostgreSQL in ${home}` }
    : undefined;
}

/** REDIS_URL (unchecked); else Redis on 127.0.0.1:6379 or one `weir standalone` started. */
export async function locateRedis(config: WeirConfig): Promise<LocatedService | undefined> {
  if (config.redisUrl) return { url: config.redisUrl, foundBy: 'REDIS_URL' };
  const local = await findLocalRedis();
  if (local) return { url: local, foundBy: 'REDIS_URL unset: Redis on 127.0.0.1:6379' };
  const home = resolveFromCwd(config.home);
  const own = await findRunningOwnRedis(home);
  return own ? { url: own, foundBy: `REDIS_URL unset: Redis started by weir in ${home}` } : undefined;
}

export const NO_DATABASE =
  'DATABASE_URL is not set and no PostgreSQL answers on 127.0.0.1:5432. Set DATABASE_URL, ' +
  'or run `npm start`, which starts an embedded PostgreSQL under WEIR_HOME';
export const NO_REDIS = `REDIS_URL is not set and no Redis answers on 127.0.0.1:6379. ${HOW_TO_GET_REDIS}`;

/** The configured DATABASE_URL, checked; else a local or already-running embedded PostgreSQL. */
export async function requireDatabase(config: WeirConfig): Promise<string> {
  if (config.databaseUrl) await checkConfiguredDatabase(config.databaseUrl, config.connectTimeoutMs);
  const found = await locateDatabase(config);
  if (found) return found.url;
  throw new CliError(NO_DATABASE);
}

/** The configured REDIS_URL, checked; else Redis on 127.0.0.1:6379 or one `weir standalone` started. */
export async function requireRedis(config: WeirConfig): Promise<string> {
  if (config.redisUrl) await checkConfiguredRedis(config.redisUrl, config.connectTimeoutMs);
  const found = await locateRedis(config);
  if (found) return found.url;
  throw new CliError(NO_REDIS);
}

export async function checkConfiguredDatabase(url: string, timeoutMs: number): Promise<void> {
  const ping = await pingDatabase(url, timeoutMs);
  if (!ping.ok) {
    throw new CliError(
      `DATABASE_URL: cannot connect to PostgreSQL at ${databaseAddress(url)}: ${ping.error}`,
    );
  }
}

export async function checkConfiguredRedis(url: string, timeoutMs: number): Promise<void> {
  const ping = await pingRedis(url, timeoutMs);
  if (!ping.ok)
    throw new CliError(`REDIS_URL: cannot connect to Redis at ${redisAddress(url)}: ${ping.error}`);
}
