// Measures the unit costs a hop is made of, on this machine: one PostgreSQL round trip through
// Prisma (as the engine makes them) and through node-postgres, an interactive Prisma
// transaction holding one statement, a committed write, and one Redis round trip. The hop's cost is roughly its
// count of these (see docs/PERFORMANCE.md).
import { createDb } from '@weir/db';
import { createRedis } from '@weir/queue';
import pg from 'pg';
import { percentile } from './lib/stats.ts';

export interface RoundTrips {
  readonly samples: number;
  readonly prisma_query_p50_ms: number | null;
  readonly pg_query_p50_ms: number | null;
  /** BEGIN, one statement, COMMIT, through `db.$transaction(async (tx) => …)`. */
  readonly prisma_transaction_p50_ms: number | null;
  readonly redis_ping_p50_ms: number | null;
  /** An autocommitted one-row UPDATE: a round trip plus the WAL flush every commit waits for. */
  readonly pg_commit_p50_ms: number | null;
  readonly synchronous_commit: string | null;
}

export async function measureRoundTrips(
  databaseUrl: string,
  redisUrl: string,
  samples = 300,
): Promise<RoundTrips> {
  const db = createDb(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  const redis = createRedis(redisUrl);
  await client.connect();
  try {
    const time = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) await fn(); // warm-up: connections, prepared statements, JIT
      const ms: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        await fn();
        ms.push(performance.now() - started);
      }
      return percentile(ms, 50);
    };
    return {
      samples,
      prisma_query_p50_ms: await time(() => db.$queryRaw`SELECT 1`),
      pg_query_p50_ms: await time(() => client.query('SELECT 1')),
      prisma_transaction_p50_ms: await time(() => db.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
      redis_ping_p50_ms: await time(() => redis.ping()),
      pg_commit_p50_ms: await time(() =>
        client.query(`UPDATE pool SET updated_at = updated_at WHERE name = 'default'`),
      ),
      synchronous_commit:
        (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]
          ?.synchronous_commit ?? null,
    };
  } finally {
    await client.end();
    redis.disconnect();
    await db.$disconnect();
  }
}
