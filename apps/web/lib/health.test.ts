// Tests the health report against the real PostgreSQL and Redis (never mocks), plus ports where
// nothing listens and a server that accepts connections but never answers.
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HEALTH_TIMEOUT_MS, healthReport } from './health.ts';

// The same services and overrides as @weir/testing, which this file cannot import: `next build`
// type-checks every file here, and @weir/testing's types only hold with its vitest global setup.
const databaseUrl = process.env.WEIR_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.WEIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on: the OS hands out a free one, then we close it again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

/** The same URL (credentials, database) pointed at a port on this machine. */
function onLocalPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

describe('healthReport', () => {
  let silent: Server | undefined;
  const accepted: Socket[] = [];
  afterEach(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    silent = undefined;
  });

  it('is ok when PostgreSQL and Redis both answer', async () => {
    const report = await healthReport({ databaseUrl, redisUrl }, HEALTH_TIMEOUT_MS);
    expect(report.status).toBe('ok');
    expect(report.database).toMatchObject({ ok: true, address: expect.stringMatching(/:\d+\/postgres$/) });
    expect(report.redis).toMatchObject({ ok: true, address: expect.stringMatching(/:\d+$/) });
    expect(report.database.latencyMs).toBeTypeOf('number');
    expect(report.redis.latencyMs).toBeTypeOf('number');
    expect(report.database.error).toBeUndefined();
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is degraded when nothing listens on the Redis port', async () => {
    const port = await freePort();
    const report = await healthReport(
      { databaseUrl, redisUrl: onLocalPort(redisUrl, port) },
      HEALTH_TIMEOUT_MS,
    );
    expect(report.status).toBe('degraded');
    expect(report.database.ok).toBe(true);
    expect(report.redis).toMatchObject({ ok: false, address: `127.0.0.1:${port}` });
    expect(report.redis.error).toMatch(/\S/);
  });

  it('is degraded when nothing listens on the PostgreSQL port', async () => {
    const port = await freePort();
    const report = await healthReport(
      { databaseUrl: onLocalPort(databaseUrl, port), redisUrl },
      HEALTH_TIMEOUT_MS,
    );
    expect(report.status).toBe('degraded');
    expect(report.redis.ok).toBe(true);
    expect(report.database).toMatchObject({ ok: false, address: `127.0.0.1:${port}/postgres` });
    expect(report.database.error).toMatch(/ECONNREFUSED/);
  });

  it('reports a service whose URL is not set, without pinging anything', async () => {
    const report = await healthReport({ databaseUrl: undefined, redisUrl: undefined }, HEALTH_TIMEOUT_MS);
    expect(report.status).toBe('degraded');
    expect(report.database).toEqual({ ok: false, error: 'DATABASE_URL is not set' });
    expect(report.redis).toEqual({ ok: false, error: 'REDIS_URL is not set' });
  });

  it('gives up on a server that accepts connections and never replies', async () => {
    silent = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const report = await healthReport(
      { databaseUrl: onLocalPort(databaseUrl, port), redisUrl: onLocalPort(redisUrl, port) },
      HEALTH_TIMEOUT_MS,
    );
    expect(report.status).toBe('degraded');
    expect(report.database.ok).toBe(false);
    expect(report.redis.ok).toBe(false);
  });

  it('never puts a URL password into the report, whether the service answers or not', async () => {
    const password = 'hunter2-s3cret';
    const port = await freePort();
    const reports = await Promise.all([
      healthReport(
        { databaseUrl: withPassword(databaseUrl, password), redisUrl: withPassword(redisUrl, password) },
        HEALTH_TIMEOUT_MS,
      ),
      healthReport(
        {
          databaseUrl: withPassword(onLocalPort(databaseUrl, port), password),
          redisUrl: withPassword(onLocalPort(redisUrl, port), password),
        },
        HEALTH_TIMEOUT_MS,
      ),
    ]);
    // Both servers let the first report in (PostgreSQL trusts local TCP, Redis has no password
    // and ignores one), so the password-bearing URLs were really used.
    expect(reports[0]?.status).toBe('ok');
    expect(reports[1]?.status).toBe('degraded');
    for (const report of reports) {
      const json = JSON.stringify(report);
      expect(json).not.toContain(password);
      expect(json).not.toContain(encodeURIComponent(password));
    }
  });
});
