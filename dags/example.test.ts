import {
  createTestDatabase,
  createTestRedis,
  runWeir,
  type TestDatabase,
  type TestRedis,
} from '@weir/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let database: TestDatabase;
let redis: TestRedis;
beforeAll(async () => {
  database = await createTestDatabase();
  redis = createTestRedis();
});
afterAll(async () => {
  await database.drop();
  await redis.cleanup();
});

it('runs end-to-end through `weir dags test`', async () => {
  const result = await runWeir(['dags', 'test', 'example', '--json'], {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    WEIR_QUEUE_PREFIX: redis.prefix,
    WEIR_DAGS_FOLDER: new URL('.', import.meta.url).pathname,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report).toMatchObject({ dagId: 'example', state: 'success' });
  expect(report.tasks).toEqual([
    { taskId: 'extract', mapIndex: -1, state: 'success', tryNumber: 1 },
    { taskId: 'total', mapIndex: -1, state: 'success', tryNumber: 1 },
    { taskId: 'report', mapIndex: -1, state: 'success', tryNumber: 1 },
  ]);
  const total = await database.db.xCom.findFirst({ where: { dagId: 'example', taskId: 'total' } });
  expect(total?.value).toBe(6);
  // A new user sees it run at once, even with the default WEIR_DAGS_PAUSED_AT_CREATION=true.
  const stored = await database.db.dag.findUniqueOrThrow({ where: { dagId: 'example' } });
  expect((stored.serialized as { pausedAtCreation: unknown }).pausedAtCreation).toBe(false);
});
