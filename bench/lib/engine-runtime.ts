// Opens an Engine in the bench process wired as `weir` wires its own (apps/cli/src/runtime.ts):
// Prisma, plus node-postgres raw SQL for the hot path when @weir/db offers it (it is being
// introduced while this bench is written, so it is looked up rather than imported by name).
import * as weirDb from '@weir/db';
import { createDb, type Db } from '@weir/db';
import { Engine, type EngineDeps } from '@weir/engine';
import { createRedis, TaskQueue } from '@weir/queue';

interface SqlPool {
  end(): Promise<void>;
}

const createRawSql = (weirDb as unknown as { createRawSql?: (url: string) => SqlPool }).createRawSql;

export interface BenchEngine {
  readonly engine: Engine;
  readonly db: Db;
  /** What the engine's hot path (claim, finish, schedule) runs its SQL on. */
  readonly hotPath: unknown;
  close(): Promise<void>;
}

export function openEngine(
  databaseUrl: string,
  redisUrl: string,
  prefix: string,
  maxMapLength?: number,
): BenchEngine {
  const db = createDb(databaseUrl);
  const sql = createRawSql?.(databaseUrl);
  const redis = createRedis(redisUrl);
  const queue = new TaskQueue({ connection: redis, prefix });
  const deps = { db, queue, ...(sql ? { sql } : {}), ...(maxMapLength ? { maxMapLength } : {}) };
  const engine = new Engine(deps as EngineDeps);
  return {
    engine,
    db,
    hotPath: (engine as unknown as { sql?: unknown }).sql ?? db,
    async close() {
      await queue.close();
      redis.disconnect();
      await sql?.end();
      await db.$disconnect();
    },
  };
}
