// Owns giving each test file its own PostgreSQL database, cloned from the migrated template.
import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '@weir/db';
import pg from 'pg';
import { inject } from 'vitest';
import { testPostgresAdminUrl, withDatabase } from './services.ts';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database for this test file. Call `drop()` in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('weirTemplateDatabase');
  const name = `weir_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminUrl = testPostgresAdminUrl();
  await withAdmin(adminUrl, async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        return;
      } catch (error) {
        // Another file may be cloning the same template this instant; Postgres refuses then.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { maxConnections: 5 });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** An empty database (no tables), for tests of migrations themselves. */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `weir_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminUrl = testPostgresAdminUrl();
  await withAdmin(adminUrl, (admin) => admin.query(`create database ${name}`));
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(
        () => {},
      ),
  };
}

async function withAdmin<T>(adminUrl: string, fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}
