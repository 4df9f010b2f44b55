// Owns turning configuration into reachable service URLs for commands that need them, with a
// one-line error naming the variable and the address when a service does not answer.
import type { WeirConfig } from '@weir/config';
import { databaseAddress, pingDatabase } from '@weir/db/tooling';
import { pingRedis, redisAddress } from '@weir/queue';
import { CliError } from '../errors.ts';
import { resolveFromCwd } from '../paths.ts';
import { findLocalPostgres, findRunningEmbeddedPostgres } from './local-postgres.ts';
import { findLocalRedis, findRunningOwnRedis, HOW_TO_GET_REDIS } from './local-redis.ts';

/** The configured DATABASE_URL, checked; else a local or already-running embedded PostgreSQL. */
export async function requireDatabase(config: WeirConfig): Promise<string> {
  if (config.databaseUrl) {
    await checkConfiguredDatabase(config.databaseUrl, config.connectTimeoutMs);
    return config.databaseUrl;
  }
  const found =
    (await findLocalPostgres()) ?? (await findRunningEmbeddedPostgres(resolveFromCwd(config.home)));
  if (found) return found;
  throw new CliError(
    'DATABASE_URL is not set and no PostgreSQL answers on 127.0.0.1:5432. Set DATABASE_URL, ' +
      'or run `npm start`, which starts an embedded PostgreSQL under WEIR_HOME',
  );
}

/** The configured REDIS_URL, checked; else Redis on 127.0.0.1:6379 or one `weir standalone` started. */
export async function requireRedis(config: WeirConfig): Promise<string> {
  if (config.redisUrl) {
    await checkConfiguredRedis(config.redisUrl, config.connectTimeoutMs);
    return config.redisUrl;
  }
  const found = (await findLocalRedis()) ?? (await findRunningOwnRedis(resolveFromCwd(config.home)));
  if (found) return found;
  throw new CliError(`REDIS_URL is not set and no Redis answers on 127.0.0.1:6379. ${HOW_TO_GET_REDIS}`);
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
