export { createDb, type Db, type DbOptions } from './client.ts';
export * from './tooling.ts';
export * from './generated/prisma/enums.ts';
