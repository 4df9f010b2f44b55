import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyDatabase, createTestRedis, freePort, runWeir, startWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Polls until `check` resolves truthy; order-based, never asserts how long it took. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, attempts = 600): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('weir standalone', () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('migrates, serves /api/health, refuses a second start on the same port, and stops on SIGINT', async () => {
    const port = await freePort();
    const redis = createTestRedis();
    // No WEIR_SECRET_KEY: standalone generates one in WEIR_HOME and gives it to every component.
    const home = mkdtempSync(join(tmpdir(), 'weir-home-'));
    const env = {
      WEIR_SECRET_KEY: '',
      WEIR_HOME: home,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      WEIR_QUEUE_PREFIX: redis.prefix,
      WEIR_WEB_PORT: String(port),
      WEIR_WEB_HOST: '127.0.0.1',
    };
    const weir = startWeir(['standalone'], env);
    const exited = new Promise<number | null>((resolve) => weir.child.on('exit', (code) => resolve(code)));
    try {
      const health = await eventually(async () => {
        if (weir.child.exitCode !== null) throw new Error(`standalone exited early:\n${weir.output()}`);
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        return response.ok
          ? ((await response.json()) as { status: string; database: { ok: boolean }; redis: { ok: boolean } })
          : undefined;
      }, 'the health endpoint');
      expect(health).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });
      expect(weir.output()).toMatch(/weir \| applied migrations: \d{14}_init/);
      expect(weir.output()).toContain(`weir | WEIR_SECRET_KEY is unset: generated one in ${home}/secret-key`);
      const key = readFileSync(join(home, 'secret-key'), 'utf8').trim();
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect(statSync(join(home, 'secret-key')).mode & 0o777).toBe(0o600);
      expect(weir.output()).not.toContain(key);
      // A new database: an admin with a random password, printed once.
      // Printed once the UI answers, so the URL opens when a new user follows it.
      const admin = await eventually(
        async () =>
          weir
            .output()
            .match(
              new RegExp(
                `^weir \\| Weir UI: http://localhost:${port}  user admin  password (\\S+) \\(shown once; change it with weir users set-password admin\\)$`,
                'm',
              ),
            ) ?? undefined,
        'the admin password line',
      );
      expect(weir.output().indexOf('starting the web UI')).toBeLessThan(weir.output().indexOf('Weir UI:'));
      expect(admin?.[1]?.length).toBeGreaterThanOrEqual(20);
      expect(weir.output()).toMatch(/^web +\| /m);
      await eventually(
        async () => /^scheduler +\| .*scheduler started/m.test(weir.output()) || undefined,
        'the scheduler',
      );
      await eventually(
        async () => /^worker +\| .*worker started/m.test(weir.output()) || undefined,
        'the worker',
      );

      const second = await runWeir(['standalone'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `weir: port ${port} in use: is another Weir (or other server) already running? Stop it, or set WEIR_WEB_PORT to another port\n`,
      );
    } finally {
      weir.child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(weir.output()).toContain('weir | stopped');
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
    await redis.cleanup();
    rmSync(home, { recursive: true, force: true });
    // The first start builds the web UI (now with the pipeline packages): minutes on 2 busy cores.
  }, 600_000);
});
