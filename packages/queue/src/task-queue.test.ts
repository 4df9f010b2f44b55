// TaskQueue against a real Redis: which tries still have their job.
import { createTestRedis } from '@weir/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from './connection.ts';
import { TaskQueue } from './task-queue.ts';

describe('TaskQueue.existing', () => {
  const redis = createTestRedis();
  const connection = createRedis(redis.url);
  const queue = new TaskQueue({ connection, prefix: redis.prefix });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await redis.cleanup();
  });

  it('tells, per job and queue, whether its try is still waiting in Redis', async () => {
    const waiting = { queue: 'default', data: { taskInstanceId: 1, tryNumber: 1 } };
    const elsewhere = { queue: 'other', data: { taskInstanceId: 2, tryNumber: 1 } };
    await queue.enqueue([waiting, elsewhere]);
    const asked = [
      waiting,
      { queue: 'default', data: { taskInstanceId: 1, tryNumber: 2 } },
      elsewhere,
      { queue: 'default', data: { taskInstanceId: 2, tryNumber: 1 } },
    ];
    expect(await queue.existing(asked)).toEqual([true, false, true, false]);
    expect(await queue.existing([])).toEqual([]);
    await redis.cleanup(); // as if Redis lost them (this test's keys only: Redis is shared)
    expect(await queue.existing(asked)).toEqual([false, false, false, false]);
  });
});
