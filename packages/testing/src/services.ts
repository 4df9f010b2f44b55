// Owns where the test services are: the environment's, or this machine's defaults.

/** Admin connection to the test PostgreSQL server (any database; we create our own). */
export function testPostgresAdminUrl(): string {
  const base =
    process.env.WEIR_TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/postgres';
  return withDatabase(base, 'postgres');
}

export function testRedisUrl(): string {
  return process.env.WEIR_TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
