// Event sources against a real database: a write key is shown once and stored only hashed; a
// disabled source's key stops working; origins are normalized and checked.
import { createRawSql, type RawSqlPool } from '@weir/db';
import { createTestDatabase, type TestDatabase } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedSources } from './source-cache.ts';
import { EventSources, normalizeOrigin, SourceError } from './sources.ts';

describe('event sources', () => {
  let database: TestDatabase;
  let sql: RawSqlPool;
  let sources: EventSources;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createRawSql(database.url);
    sources = new EventSources(sql);
  });
  afterAll(async () => {
    await sql?.end();
    await database?.drop();
  });

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof SourceError ? error.code : String(error)),
    );

  it('creates a source whose key is shown once and stored only as its hash', async () => {
    const created = await sources.create({
      name: 'shop-web',
      allowedOrigins: ['https://shop.example.com/', 'https://shop.example.com', 'http://localhost:5173'],
    });
    expect(created.writeKey).toMatch(/^wk_[A-Za-z0-9_-]{32}$/);
    expect(created.keyPrefix).toBe(created.writeKey.slice(0, 10));
    expect(created.allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:5173']);
    const rows = await sql.$queryRaw<Record<string, unknown>[]>`SELECT * FROM event_source`;
    expect(JSON.stringify(rows)).not.toContain(created.writeKey);
    expect(await sources.activeByKey(created.writeKey)).toEqual({
      id: created.id,
      name: 'shop-web',
      allowedOrigins: ['https://shop.example.com', 'http://localhost:5173'],
    });
    expect(await sources.activeByKey('wk_guess')).toBeNull();
    const [listed] = await sources.list();
    expect(listed).toMatchObject({ name: 'shop-web', keyPrefix: created.keyPrefix, disabledAt: null });
    expect(JSON.stringify(await sources.list())).not.toContain(created.writeKey);
  });

  it('refuses a taken name, a bad name and an origin with a path', async () => {
    expect(await codeOf(sources.create({ name: 'shop-web' }))).toBe('SOURCE_EXISTS');
    expect(await codeOf(sources.create({ name: 'has space' }))).toBe('INVALID_SOURCE_NAME');
    expect(await codeOf(sources.create({ name: 'x', allowedOrigins: ['https://a.example.com/app'] }))).toBe(
      'INVALID_ORIGIN',
    );
    expect(await codeOf(sources.create({ name: 'y', allowedOrigins: ['a.example.com'] }))).toBe(
      'INVALID_ORIGIN',
    );
    expect(normalizeOrigin('HTTPS://A.Example.com:443')).toBe('https://a.example.com');
    expect(normalizeOrigin('*')).toBe('*');
  });

  it('disables a source: its key stops working and its origins are no longer allowed', async () => {
    const mobile = await sources.create({ name: 'mobile', allowedOrigins: ['https://m.example.com'] });
    expect((await sources.activeOrigins()).sort()).toEqual([
      'http://localhost:5173',
      'https://m.example.com',
      'https://shop.example.com',
    ]);
    const disabled = await sources.disable('mobile');
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(await sources.activeByKey(mobile.writeKey)).toBeNull();
    expect(await sources.activeOrigins()).not.toContain('https://m.example.com');
    expect(await codeOf(sources.disable('mobile'))).toBe('SOURCE_DISABLED');
    expect(await codeOf(sources.disable('nope'))).toBe('SOURCE_NOT_FOUND');
  });

  it('remembers lookups for its lifetime, sharing one query between concurrent requests', async () => {
    let queries = 0;
    let now = 0;
    const counting = {
      activeByKey: (key: string) => {
        queries++;
        return sources.activeByKey(key);
      },
      activeOrigins: () => sources.activeOrigins(),
    };
    const cache = new CachedSources(counting, { ttlMs: 1_000, now: () => now });
    const key = (await sources.create({ name: 'cached' })).writeKey;
    const answers = await Promise.all([cache.byKey(key), cache.byKey(key), cache.byKey(key)]);
    expect(answers.map((a) => a?.name)).toEqual(['cached', 'cached', 'cached']);
    expect(await cache.byKey('wk_unknown')).toBeNull();
    expect(await cache.byKey('wk_unknown')).toBeNull();
    expect(queries).toBe(2);
    now += 1_001;
    await cache.byKey(key);
    expect(queries).toBe(3);
    expect(await cache.originAllowed('https://shop.example.com')).toBe(true);
    expect(await cache.originAllowed('https://other.example.com')).toBe(false);
  });
});
