// Owns the web server's connections and the auth objects and engine built on them: one of each
// per server process (kept on globalThis, so that dev-mode reloads do not open new pools). The
// engine is the CLI's (same queue prefix): the UI's trigger, clear, mark and pause are its commands.
import { ApiTokens, LoginLimiter, Sessions, Users } from '@weir/auth';
import { loadConfig, requireSecretKey, type WeirConfig } from '@weir/config';
import { createDb, createRawSql, type Db, type RawSqlPool } from '@weir/db';
import { Engine } from '@weir/engine';
import { createRedis, type RedisConnection, TaskQueue } from '@weir/queue';

export interface WebServices {
  readonly config: WeirConfig;
  readonly sql: RawSqlPool;
  /** Prisma, for the read models written with it. */
  readonly db: Db;
  readonly redis: RedisConnection;
  readonly users: Users;
  readonly sessions: Sessions;
  readonly tokens: ApiTokens;
  readonly limiter: LoginLimiter;
  /** For operator actions only; pages read through the read models. */
  readonly engine: Engine;
}

const holder = globalThis as { __weirWeb?: WebServices };

export function services(): WebServices {
  if (holder.__weirWeb) return holder.__weirWeb;
  const config = loadConfig();
  const secretKey = requireSecretKey(config, 'web server');
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (weir web sets it)');
  if (!config.redisUrl) throw new Error('REDIS_URL is not set (weir web sets it)');
  const sql = createRawSql(config.databaseUrl);
  const redis = createRedis(config.redisUrl);
  const db = createDb(config.databaseUrl);
  const queue = new TaskQueue({ connection: redis, prefix: config.queuePrefix });
  holder.__weirWeb = {
    config,
    sql,
    db,
    redis,
    users: new Users(sql),
    sessions: new Sessions(sql, secretKey),
    tokens: new ApiTokens(sql),
    limiter: new LoginLimiter(redis, config.queuePrefix),
    engine: new Engine({
      db,
      sql,
      queue,
      maxMapLength: config.maxMapLength,
      mappedQueueWindow: config.mappedQueueWindow,
    }),
  };
  return holder.__weirWeb;
}
