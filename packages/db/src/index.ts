// @weir/db at run time: the Prisma client and connection checks. Schema tooling (client
// generation, migrations) is in `@weir/db/tooling`, so servers never bundle it.
export { createDb, type Db, type DbOptions } from './client.ts';
export * from './generated/prisma/enums.ts';
export { databaseAddress, describeConnectError, type PingResult, pingDatabase } from './ping.ts';
export { createRawSql, type RawSql, type RawSqlPool } from './raw-sql.ts';
