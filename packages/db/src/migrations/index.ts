// Owns the public face of Weir's migrations: Prisma-layout migration folders applied and created
// through Prisma's WebAssembly schema engine, which works without the engine download server.
export {
  type ApplyResult,
  applyMigrations,
  type CreatedMigration,
  type CreateMigrationInput,
  createMigration,
  type MigrationStatus,
  type MigrationTarget,
  migrationStatus,
  readMigrationList,
  readSchema,
  toSnakeCase,
} from './migrate.ts';
export {
  SchemaEngineError,
  type SchemaEngineOptions,
  type SchemaEngineSession,
  type SchemaFile,
  withSchemaEngine,
} from './schema-engine.ts';
