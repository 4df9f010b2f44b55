// Owns opening what engine commands need (database, Redis, task queue, engine) from the
// configuration, and closing it all again.
import { AuthError, isUsageError } from '@weir/auth';
import type { WeirConfig } from '@weir/config';
import { loadConfig } from '@weir/config';
import { createDb, createRawSql, type Db, type RawSqlPool } from '@weir/db';
import { Engine, type EngineDeps, EngineError } from '@weir/engine';
import { createRedis, type RedisConnection, TaskQueue } from '@weir/queue';
import { SecretError } from '@weir/secrets';
import { CliError } from './errors.ts';
import { requireDatabase, requireRedis } from './services/connect.ts';

export interface Runtime {
  readonly db: Db;
  readonly sql: RawSqlPool;
  readonly redis: RedisConnection;
  readonly queue: TaskQueue;
  readonly engine: Engine;
  readonly prefix: string;
  close(): Promise<void>;
}

export async function openRuntime(
  config: WeirConfig,
  options: { prefix?: string; engine?: Partial<Pick<EngineDeps, 'ignorePause' | 'onRunFinished'>> } = {},
): Promise<Runtime> {
  const databaseUrl = await requireDatabase(config);
  const redisUrl = await requireRedis(config);
  // Task code (built-in SQL and external-task sensors) reads DATABASE_URL: give it the one found.
  process.env.DATABASE_URL ??= databaseUrl;
  process.env.REDIS_URL ??= redisUrl;
  const db = createDb(databaseUrl);
  const sql = createRawSql(databaseUrl);
  const redis = createRedis(redisUrl);
  const prefix = options.prefix ?? config.queuePrefix;
  const queue = new TaskQueue({ connection: redis, prefix });
  const engine = new Engine({
    db,
    sql,
    queue,
    maxMapLength: config.maxMapLength,
    mappedQueueWindow: config.mappedQueueWindow,
    ...options.engine,
  });
  return {
    db,
    sql,
    redis,
    queue,
    engine,
    prefix,
    async close() {
      await queue.close();
      redis.disconnect();
      await sql.end();
      await db.$disconnect();
    },
  };
}

/** Resolves on SIGINT or SIGTERM (once), for long-running commands. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Opens the runtime from the environment for one command, always closes it, and turns the
 * engine's errors (unknown DAG, invalid conf …) into one-line CLI errors.
 */
export async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig());
  try {
    return await fn(runtime);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await runtime.close();
  }
}

/**
 * For commands that only read or change PostgreSQL (listings, `dags delete`): opens the database
 * alone, so they work while Redis is down, and always closes it.
 */
export async function withDatabase<T>(fn: (db: Db, config: WeirConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createDb(await requireDatabase(config));
  try {
    return await fn(db, config);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await db.$disconnect();
  }
}

/**
 * For commands that change only PostgreSQL through raw SQL (`weir users`, `weir tokens`): opens
 * the database alone, so they work while Redis is down, and always closes it.
 */
export async function withSql<T>(fn: (sql: RawSqlPool, config: WeirConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const sql = createRawSql(await requireDatabase(config), { maxConnections: 2 });
  try {
    return await fn(sql, config);
  } catch (error) {
    throw asCliError(error);
  } finally {
    await sql.end();
  }
}

/**
 * An engine error, a secret that cannot be opened, or an access-control refusal becomes a
 * one-line CLI error (a malformed request, such as a weak password, exits 2); anything else is
 * left as it is.
 */
export function asCliError(error: unknown): unknown {
  if (error instanceof AuthError) return new CliError(error.message, isUsageError(error.code) ? 2 : 1);
  return error instanceof EngineError || error instanceof SecretError ? new CliError(error.message) : error;
}
