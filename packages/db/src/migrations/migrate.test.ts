// Migrations against the real PostgreSQL: each test gets its own database and migrations folder.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, createMigration, migrationStatus, SchemaEngineError } from './index.ts';

const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
server.search = '';
const databases: string[] = [];
const folders: string[] = [];

function urlOf(database: string, params = ''): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  url.search = params;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function query<R extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const MODELS = `
model Dag {
  id     String @id
  title  String
  runs   Run[]
}

model Run {
  id    Int    @id @default(autoincrement())
  dagId String
  state String @default("queued")
  dag   Dag    @relation(fields: [dagId], references: [id])
}
`;

function schemaText(models = MODELS): string {
  return `generator client {
  provider = "prisma-client"
  output   = "./gen"
}

datasource db {
  provider = "postgresql"
}
${models}`;
}

/** A fresh database and a temp folder holding schema.prisma and an empty migrations folder. */
async function setup(params = '') {
  const database = `weir_migrate_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`create database ${database}`));
  databases.push(database);
  const dir = await mkdtemp(join(tmpdir(), 'weir-migrate-'));
  folders.push(dir);
  const schemaPath = join(dir, 'schema.prisma');
  await writeFile(schemaPath, schemaText());
  return {
    database,
    schemaPath,
    target: { connectionString: urlOf(database, params), migrationsDir: join(dir, 'migrations'), schemaPath },
  };
}

async function tables(database: string, schema = 'public'): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    database,
    'select table_name from information_schema.tables where table_schema = $1 order by table_name',
    [schema],
  );
  return rows.map((row) => row.table_name);
}

afterAll(async () => {
  await admin(async (client) => {
    for (const database of databases) await client.query(`drop database if exists ${database} with (force)`);
  });
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('createMigration', () => {
  it('writes the initial migration in Prisma layout, then nothing while the schema is unchanged', async () => {
    const { target } = await setup();

    const created = await createMigration({ ...target, name: 'Init', now: new Date('2025-03-04T05:06:07Z') });

    expect(created?.name).toBe('20250304050607_init');
    expect(created?.path).toBe(join(target.migrationsDir, '20250304050607_init'));
    const sql = await readFile(join(target.migrationsDir, '20250304050607_init', 'migration.sql'), 'utf8');
    expect(sql).toBe(created?.sql);
    expect(sql).toContain('CREATE TABLE "Dag"');
    expect(sql).toContain('CREATE TABLE "Run"');
    expect(await readFile(join(target.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );

    expect(await createMigration({ ...target, name: 'again' })).toBeNull();
    expect((await readdir(target.migrationsDir)).sort()).toEqual([
      '20250304050607_init',
      'migration_lock.toml',
    ]);
  });

  it('replays existing migrations in a shadow database it drops afterwards, leaving the target alone', async () => {
    const { database, target, schemaPath } = await setup();
    await createMigration({ ...target, name: 'init' });
    await writeFile(
      schemaPath,
      schemaText(MODELS.replace('title  String', 'title  String\n  owner  String?')),
    );

    const created = await createMigration({ ...target, name: 'addOwner' });

    expect(created?.name).toMatch(/^\d{14}_add_owner$/);
    expect(created?.sql).toContain('ALTER TABLE "Dag" ADD COLUMN     "owner" TEXT');
    expect(await tables(database)).toEqual([]);
    const shadows = await admin((client) =>
      client.query('select datname from pg_database where datname like $1', [`${database}_shadow_%`]),
    );
    expect(shadows.rows).toEqual([]);
  });

  it('names a migration made within the same second after the previous one', async () => {
    const { target, schemaPath } = await setup();
    const now = new Date('2025-01-01T00:00:00Z');
    await createMigration({ ...target, name: 'zeta', now });
    await writeFile(schemaPath, schemaText(`${MODELS}\nmodel Pool {\n  name String @id\n}\n`));

    const second = await createMigration({ ...target, name: 'alpha', now });

    expect(second?.name).toBe('20250101000001_alpha');
  });

  it('rejects an invalid schema with the engine message, not its trace', async () => {
    const { target, schemaPath } = await setup();
    await writeFile(schemaPath, schemaText('model Broken {\n  id Int @id\n  other Nope\n}\n'));

    const error = await createMigration({ ...target, name: 'broken' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SchemaEngineError);
    expect((error as Error).message).toContain('Type "Nope" is neither a built-in type');
    expect((error as Error).message).not.toMatch(/\n\s*0: /);
  });
});

describe('applyMigrations', () => {
  it('applies pending migrations once and records them as prisma migrate deploy does', async () => {
    const { database, target } = await setup();
    const created = await createMigration({ ...target, name: 'init' });
    if (!created) throw new Error('expected a migration');

    expect(await applyMigrations(target)).toEqual({ applied: [created.name], alreadyApplied: 0 });

    expect(await tables(database)).toEqual(['Dag', 'Run', '_prisma_migrations']);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      database,
      'select migration_name, checksum, finished_at, rolled_back_at, applied_steps_count from _prisma_migrations',
    );
    const checksum = createHash('sha256')
      .update(await readFile(join(created.path, 'migration.sql')))
      .digest('hex');
    expect(rows).toEqual([
      {
        migration_name: created.name,
        checksum,
        finished_at: expect.any(Date),
        rolled_back_at: null,
        applied_steps_count: 1,
      },
    ]);

    expect(await applyMigrations(target)).toEqual({ applied: [], alreadyApplied: 1 });
  });

  it('applies a migration that adds a field to an existing table', async () => {
    const { database, target, schemaPath } = await setup();
    const init = await createMigration({ ...target, name: 'init' });
    await applyMigrations(target);
    await query(database, `insert into "Dag" (id, title) values ('etl', 'ETL')`);
    await writeFile(
      schemaPath,
      schemaText(MODELS.replace('title  String', 'title  String\n  owner  String?')),
    );

    const added = await createMigration({ ...target, name: 'add owner' });

    expect(added?.sql).toMatch(/ALTER TABLE "Dag" ADD COLUMN\s+"owner" TEXT/);
    expect(await applyMigrations(target)).toEqual({ applied: [added?.name], alreadyApplied: 1 });
    expect(await query(database, 'select id, owner from "Dag"')).toEqual([{ id: 'etl', owner: null }]);
    const names = await query<{ migration_name: string }>(
      database,
      'select migration_name from _prisma_migrations where finished_at is not null order by started_at',
    );
    expect(names.map((row) => row.migration_name)).toEqual([init?.name, added?.name]);
  });

  it('runs a migration script as one unit, semicolons inside literals included', async () => {
    const { database, target, schemaPath } = await setup();
    await writeFile(schemaPath, schemaText(MODELS.replace('@default("queued")', '@default("a;b \'c\'")')));
    await createMigration({ ...target, name: 'init' });

    await applyMigrations(target);

    await query(database, `insert into "Dag" (id, title) values ('d', 'D')`);
    await query(database, `insert into "Run" ("dagId") values ('d')`);
    expect(await query(database, 'select state from "Run"')).toEqual([{ state: "a;b 'c'" }]);
  });

  it('rolls a failing migration back and reports it, then refuses to go on', async () => {
    const { database, target } = await setup();
    await createMigration({ ...target, name: 'init' });
    const bad = join(target.migrationsDir, '29990101000000_bad');
    await mkdir(bad);
    await writeFile(join(bad, 'migration.sql'), 'CREATE TABLE "Extra" (id int);\nSELECT * FROM "Missing";\n');

    const error = await applyMigrations(target).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SchemaEngineError);
    expect((error as Error).message).toMatch(/^migration 29990101000000_bad: .*\n.*Missing/);
    expect(await tables(database)).toEqual(['Dag', 'Run', '_prisma_migrations']);
    const again = await applyMigrations(target).catch((e: unknown) => e);
    expect((again as SchemaEngineError).code).toBe('P3009');
  });

  it('keeps everything, _prisma_migrations included, in the schema named by ?schema=', async () => {
    const { database, target } = await setup('?schema=tenant_a');
    await createMigration({ ...target, name: 'init' });

    await applyMigrations(target);

    expect(await tables(database, 'tenant_a')).toEqual(['Dag', 'Run', '_prisma_migrations']);
    expect(await tables(database, 'public')).toEqual([]);
    expect(await createMigration({ ...target, name: 'noop' })).toBeNull();
  });
});

describe('migrationStatus', () => {
  it('lists applied and pending migrations', async () => {
    const { target, schemaPath } = await setup();
    const init = await createMigration({ ...target, name: 'init' });

    expect(await migrationStatus(target)).toMatchObject({ fresh: true, applied: [], pending: [init?.name] });

    await applyMigrations(target);
    await writeFile(
      schemaPath,
      schemaText(MODELS.replace('title  String', 'title  String\n  owner  String?')),
    );
    const next = await createMigration({ ...target, name: 'owner' });

    expect(await migrationStatus(target)).toEqual({
      fresh: false,
      applied: [init?.name],
      pending: [next?.name],
      failed: [],
      edited: [],
      unknown: [],
    });
  });
});
