// The part of @weir/db that works before the Prisma client is generated: generation itself,
// migrations and connection checks. The CLI uses it so `weir db generate` runs on a fresh clone.
export { type GenerateOptions, type GenerateResult, generateClient } from './generate.ts';
export { applyMigrations, createMigration } from './migrations/index.ts';
export { databaseAddress, describeConnectError, type PingResult, pingDatabase } from './ping.ts';
