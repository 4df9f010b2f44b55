// The part of @weir/db that works before the Prisma client is generated: generation itself,
// migrations and connection checks. The CLI uses it so `weir db generate` runs on a fresh clone.
export { generateClient, type GenerateOptions, type GenerateResult } from './generate.ts';
export { applyMigrations, createMigration } from './migrations/index.ts';
export { databaseAddress, describeConnectError, pingDatabase, type PingResult } from './ping.ts';
