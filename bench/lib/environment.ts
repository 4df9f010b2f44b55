// Owns the bench's private resources: a fresh PostgreSQL database (created, migrated, dropped),
// a Redis key prefix (its keys deleted at the end), temporary DAG folders, and the `weir`
// processes started on them. `close()` releases all of it, also after a failure.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis } from '@weir/queue';
import pg from 'pg';
import { runWeir, WeirProcess } from './processes.ts';

const ADMIN_URL = process.env.WEIR_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.WEIR_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ComponentOptions {
  readonly workerConcurrency: number;
  /** Largest mapped expansion the engine accepts (WEIR_MAX_MAP_LENGTH). */
  readonly maxMapLength: number;
}

/** The executor mode the bench's workers use. */
export function benchExecutor(): 'process' | 'in-loop' {
  return process.env.WEIR_BENCH_EXECUTOR === 'in-loop' ? 'in-loop' : 'process';
}

export class BenchEnvironment {
  readonly databaseName: string;
  readonly databaseUrl: string;
  readonly redisUrl = REDIS_URL;
  readonly prefix: string;
  /** DAGs the running scheduler parses (hop and throughput). */
  readonly dagsFolder: string;
  /** Reads results straight from the tables. */
  readonly pool: pg.Pool;
  private readonly folders: string[] = [];
  private readonly processes: WeirProcess[] = [];
  private databaseCreated = false;
  private closing: Promise<string[]> | undefined;

  /** `name` tells a part's own environment from the bench's (`weir_bench_<pid>_<name>`). */
  private constructor(name?: string) {
    this.databaseName = `weir_bench_${process.pid}${name ? `_${name}` : ''}`;
    this.prefix = `weirbench:${process.pid}${name ? `:${name}` : ''}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
    this.dagsFolder = this.tempFolder('dags');
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 3 });
  }

  /** Creates and migrates the database; the environment is cleaned up if that fails. */
  static async open(name?: string): Promise<BenchEnvironment> {
    const env = new BenchEnvironment(name);
    try {
      await env.createDatabase();
      return env;
    } catch (error) {
      await env.close();
      throw error;
    }
  }

  /** The variables every `weir` process of the bench gets. */
  weirEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      WEIR_QUEUE_PREFIX: this.prefix,
      WEIR_DAGS_FOLDER: this.dagsFolder,
      WEIR_LOG_LEVEL: 'warn',
      // Scheduler and worker refuse to start without one (they decrypt connections).
      WEIR_SECRET_KEY: 'weir-bench-secret-key-not-for-production-use',
      // The bench's DAGs must run as soon as they are parsed.
      WEIR_DAGS_PAUSED_AT_CREATION: 'false',
      // Where task code runs (README: WEIR_EXECUTOR); `WEIR_BENCH_EXECUTOR=in-loop npm run bench`
      // measures the old mode on the same machine.
      WEIR_EXECUTOR: benchExecutor(),
      ...extra,
    };
  }

  /** A new folder (mode 755) removed at the end. */
  tempFolder(name: string): string {
    const folder = mkdtempSync(join(tmpdir(), `weir-bench-${name}-`));
    chmodSync(folder, 0o755);
    this.folders.push(folder);
    return folder;
  }

  /** Starts `weir scheduler` and `weir worker --concurrency N` on this environment. */
  startComponents(options: ComponentOptions): { scheduler: WeirProcess; worker: WeirProcess } {
    const env = this.weirEnv({
      WEIR_MAX_MAP_LENGTH: String(options.maxMapLength),
      WEIR_SCHEDULER_TICK_MS: '1000',
      WEIR_WORKER_SHUTDOWN_GRACE_MS: '2000',
    });
    const scheduler = new WeirProcess('scheduler', ['scheduler'], env);
    const worker = new WeirProcess(
      'worker',
      ['worker', '--concurrency', String(options.workerConcurrency)],
      env,
    );
    this.processes.push(scheduler, worker);
    return { scheduler, worker };
  }

  /** Starts `weir web` (the production build, built first when its sources changed) on `port`. */
  startWeb(port: number): WeirProcess {
    const web = new WeirProcess(
      'web',
      ['web'],
      this.weirEnv({
        WEIR_WEB_PORT: String(port),
        WEIR_WEB_HOST: '127.0.0.1',
        WEIR_BASE_URL: `http://127.0.0.1:${port}`,
      }),
    );
    this.processes.push(web);
    return web;
  }

  async stopComponents(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }

  /**
   * Raises the default pool's slots so pools do not cap throughput: `weir pools set` when the
   * CLI has it, else the pool row itself.
   */
  async raiseDefaultPool(slots: number): Promise<'cli' | 'sql'> {
    const cli = await runWeir(['pools', 'set', 'default', String(slots)], this.weirEnv());
    if (cli.code === 0) return 'cli';
    await this.pool.query(`UPDATE pool SET slots = $1, updated_at = now() WHERE name = 'default'`, [slots]);
    return 'sql';
  }

  /**
   * Fails whatever a timed-out part left unfinished. Thousands of queued task instances would
   * otherwise weigh on every later measurement: each scheduling pass sums pool usage over all
   * queued and running instances, and each tick looks for their jobs in Redis.
   */
  async retireUnfinished(): Promise<void> {
    await this.pool.query(
      `UPDATE task_instance SET state = 'failed', ended_at = now() AT TIME ZONE 'UTC'
       WHERE state IN ('none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule')`,
    );
    await this.pool.query(
      `UPDATE dag_run SET state = 'failed', ended_at = now() AT TIME ZONE 'UTC' WHERE state IN ('queued', 'running')`,
    );
  }

  /** Stops every process, drops the database, deletes the Redis keys and the folders. Once. */
  close(): Promise<string[]> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    await attempt('stopping processes', () => this.stopComponents());
    await attempt('closing the pg pool', () => this.pool.end());
    if (this.databaseCreated) {
      await attempt('dropping the database', () => dropDatabase(this.databaseName));
    }
    await attempt('deleting Redis keys', () => deleteKeys(this.redisUrl, `${this.prefix}:*`));
    for (const folder of this.folders) rmSync(folder, { recursive: true, force: true });
    return problems;
  }

  private async createDatabase(): Promise<void> {
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${this.databaseName}`));
    this.databaseCreated = true;
    const migrated = await runWeir(['db', 'migrate'], this.weirEnv());
    if (migrated.code !== 0)
      throw new Error(`weir db migrate failed:\n${migrated.stderr || migrated.stdout}`);
  }
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Gives clients that are closing (Prisma disconnects without waiting for its pool) a moment to
 * go, then forces the rest. A pooled connection the force terminates reports error 57P01 from
 * its pool; that is expected here and must not crash the bench.
 */
async function dropDatabase(name: string): Promise<void> {
  const terminated = (error: Error & { code?: string }) => {
    // Anything else is someone else's to report; crash only when nobody else listens.
    if (error.code !== '57P01' && process.listenerCount('uncaughtException') === 1) throw error;
  };
  process.on('uncaughtException', terminated);
  try {
    await withAdmin(async (admin) => {
      for (let i = 0; i < 25; i++) {
        const open = await admin.query<{ n: number }>(
          'SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if ((open.rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off('uncaughtException', terminated);
  }
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = createRedis(url, { lazyConnect: false });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
