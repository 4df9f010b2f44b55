// Owns what every test run needs once: services that answer, and a migrated template database
// that each test file clones (CREATE DATABASE … TEMPLATE is far faster than migrating anew).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations, pingDatabase } from '@weir/db/tooling';
import { pingRedis } from '@weir/queue';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { testPostgresAdminUrl, testRedisUrl, withDatabase } from './services.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const migrationsDir = join(root, 'prisma/migrations');
const schemaPath = join(root, 'prisma/schema.prisma');

declare module 'vitest' {
  export interface ProvidedContext {
    weirTemplateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const adminUrl = testPostgresAdminUrl();
  const [db, redis] = await Promise.all([pingDatabase(adminUrl, 5_000), pingRedis(testRedisUrl(), 5_000)]);
  if (!db.ok)
    throw new Error(
      `tests need PostgreSQL at ${new URL(adminUrl).host}: ${db.error} (set WEIR_TEST_DATABASE_URL)`,
    );
  if (!redis.ok)
    throw new Error(`tests need Redis at ${testRedisUrl()}: ${redis.error} (set WEIR_TEST_REDIS_URL)`);

  const template = `weir_tpl_${migrationsHash().slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await dropDatabasesOfDeadRuns(admin);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_build_${process.pid}`;
      await admin.query(`drop database if exists ${building}`);
      await admin.query(`create database ${building}`);
      await applyMigrations({
        connectionString: withDatabase(adminUrl, building),
        migrationsDir,
        schemaPath,
      });
      // Rename makes the finished template appear atomically to concurrent runs.
      await admin
        .query(`alter database ${building} rename to ${template}`)
        .catch(async (error: { code?: string }) => {
          if (error.code !== '42P04') throw error;
          await admin.query(`drop database if exists ${building}`);
        });
    }
  } finally {
    await admin.end();
  }
  project.provide('weirTemplateDatabase', template);
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const entry of readdirSync(migrationsDir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory()) continue;
    hash.update(entry.name).update(readFileSync(join(migrationsDir, entry.name, 'migration.sql')));
  }
  return hash.digest('hex');
}

/** Test databases are named weir_t_<pid>_…; those of processes that are gone are leftovers. */
async function dropDatabasesOfDeadRuns(admin: pg.Client): Promise<void> {
  const rows = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'weir\\_t\\_%' or datname like 'weir\\_tpl\\_%\\_build\\_%'",
  );
  for (const { datname } of rows.rows) {
    const pid = Number(/^weir_t_(\d+)_/.exec(datname)?.[1] ?? /_build_(\d+)$/.exec(datname)?.[1]);
    if (Number.isFinite(pid) && !isAlive(pid))
      await admin.query(`drop database if exists ${datname} with (force)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
