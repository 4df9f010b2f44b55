// Owns creating Prisma clients. This package is the only place that imports Prisma.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type Db = InstanceType<typeof PrismaClient>;

export interface DbOptions {
  /** Upper bound on pooled connections for this process. */
  readonly maxConnections?: number;
  /** Postgres schema (search_path) to use; tests give each file its own. */
  readonly schema?: string;
}

/** A Prisma client over node-postgres (Prisma 7 needs a driver adapter). */
export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg(
    { connectionString, max: options.maxConnections ?? 10 },
    options.schema ? { schema: options.schema } : undefined,
  );
  return new PrismaClient({ adapter });
}
