// Owns `weir db …`: generating the Prisma client and applying or writing migrations, offline.
import { loadConfig } from '@weir/config';
import { applyMigrations, createMigration, generateClient } from '@weir/db/tooling';
import type { Command } from 'commander';
import { installRoot, paths } from '../paths.ts';
import { preparedClient } from '../prepare.ts';
import { requireDatabase } from '../services/connect.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database schema and migrations');

  db.command('generate')
    .description('generate the Prisma client from prisma/schema.prisma (skipped when already current)')
    .option('--force', 'regenerate even when current')
    .action(async (opts: { force?: boolean }) => {
      // bin/weir.mjs generated it already when it was missing or stale.
      const result = opts.force
        ? await generateClient({
            schemaPath: paths.schema,
            outputDir: paths.generatedClient,
            cwd: installRoot,
            force: true,
          })
        : preparedClient;
      log(
        result.generated
          ? `generated the Prisma client in ${Math.round(result.ms)} ms`
          : 'the Prisma client is up to date',
      );
    });

  db.command('migrate')
    .description('apply pending migrations from prisma/migrations to DATABASE_URL')
    .action(async () => {
      const config = loadConfig();
      const databaseUrl = await requireDatabase(config);
      const result = await applyMigrations({
        connectionString: databaseUrl,
        migrationsDir: paths.migrations,
        schemaPath: paths.schema,
      });
      if (result.applied.length === 0) {
        log(`database is up to date: no pending migrations (${result.alreadyApplied} already applied)`);
      } else {
        for (const name of result.applied) log(`applied migration ${name}`);
        log(`applied ${result.applied.length} migration(s)`);
      }
    });

  db.command('diff')
    .description('write a new migration that takes the database schema to prisma/schema.prisma')
    .argument('<name>', 'migration name, for example add_dag_owner')
    .action(async (name: string) => {
      const config = loadConfig();
      const databaseUrl = await requireDatabase(config);
      const migration = await createMigration({
        connectionString: databaseUrl,
        migrationsDir: paths.migrations,
        schemaPath: paths.schema,
        name,
      });
      if (!migration) log('no schema changes: no migration written');
      else log(`wrote ${migration.path}`);
    });
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
