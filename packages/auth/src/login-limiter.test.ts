import { createRedis, type RedisConnection } from '@weir/queue';
import { createTestRedis, type TestRedis } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginLimiter } from './index.ts';

describe('LoginLimiter', () => {
  let testRedis: TestRedis;
  let redis: RedisConnection;
  let n = 0;
  /** A limiter of its own for each test, sharing nothing with the others. */
  const limiter = (options?: { max?: number; maxPerAddress?: number; windowMs?: number }) =>
    new LoginLimiter(redis, `${testRedis.prefix}:${++n}`, options);
  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedis(testRedis.url);
  });
  afterAll(async () => {
    await testRedis?.cleanup();
    redis?.disconnect();
  });

  it('allows 5 attempts for a username within the window and refuses the 6th, saying how long to wait', async () => {
    const limit = limiter();
    for (let i = 1; i <= 5; i++) {
      expect(await limit.attempt('jane', `10.0.0.${i}`)).toEqual({ allowed: true, retryAfterS: 0 });
    }
    const sixth = await limit.attempt('jane', '10.0.0.6');
    expect(sixth.allowed).toBe(false);
    expect(sixth.retryAfterS).toBeGreaterThan(0);
    expect(sixth.retryAfterS).toBeLessThanOrEqual(60);
    // Another username from a fresh address is not held back.
    expect((await limit.attempt('kyle', '10.0.1.1')).allowed).toBe(true);
    // Nor does the case of the username make it another.
    expect((await limit.attempt('JANE', '10.0.1.2')).allowed).toBe(false);
  });

  it('refuses an address that tries many usernames (30 by default, more than one user needs)', async () => {
    const limit = limiter();
    for (let i = 1; i <= 30; i++) expect((await limit.attempt(`user${i}`, '192.0.2.7')).allowed).toBe(true);
    const refused = await limit.attempt('user31', '192.0.2.7');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterS).toBeGreaterThan(0);
    expect((await limit.attempt('user31', '192.0.2.8')).allowed).toBe(true);
  });

  it("forgets a username's attempts after a successful login, but not the address's", async () => {
    const limit = limiter({ max: 3, maxPerAddress: 3 });
    for (let i = 0; i < 3; i++) await limit.attempt('lena', `198.51.100.${i}`);
    expect((await limit.attempt('lena', '198.51.100.9')).allowed).toBe(false);
    await limit.reset('lena');
    expect((await limit.attempt('lena', '198.51.100.10')).allowed).toBe(true);
    for (let i = 0; i < 3; i++) await limit.attempt(`u${i}`, '203.0.113.1');
    await limit.reset('u0');
    expect((await limit.attempt('u9', '203.0.113.1')).allowed).toBe(false);
  });

  it('allows again once the window has passed', async () => {
    const limit = limiter({ max: 1, windowMs: 300 });
    expect((await limit.attempt('mia', '10.9.9.9')).allowed).toBe(true);
    expect(await limit.attempt('mia', '10.9.9.9')).toEqual({ allowed: false, retryAfterS: 1 });
    // Wait for Redis to expire the keys (order, not timing: poll until it has).
    for (let i = 0; i < 100 && (await redis.keys(`${testRedis.prefix}:${n}:*`)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await limit.attempt('mia', '10.9.9.9')).allowed).toBe(true);
  });
});
