// After PostgreSQL restarts, the scheduler, the worker and the engine reconnect by themselves.
// Runs its own PostgreSQL (the embedded one), since the shared server must not go down.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '@weir/db';
import { Engine } from '@weir/engine';
import { createRedis, TaskQueue } from '@weir/queue';
import { DagProcessor } from '@weir/scheduler';
import { createTestRedis, runWeir, startWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../process/ports.ts';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../services/local-postgres.ts';

const DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'survivor' }, (d) => {
  const a = d.task('a', async () => 1);
  d.task('b', { inputs: [a] }, async (_c, x) => x + 1);
});
`;

describe('PostgreSQL restart', () => {
  const home = mkdtempSync(join(tmpdir(), 'weir-pg-restart-'));
  const dags = mkdtempSync(join(tmpdir(), 'weir-pg-restart-dags-'));
  const redis = createTestRedis();
  let port: number;
  let pg: EmbeddedPostgresHandle;
  let db: Db;
  let engine: Engine;
  let connection: ReturnType<typeof createRedis>;
  const children: ChildProcess[] = [];
  const outputs: (() => string)[] = [];

  beforeAll(async () => {
    chmodSync(home, 0o755);
    chmodSync(dags, 0o755);
    writeFileSync(join(dags, 'survivor.ts'), DAG);
    port = await freePort();
    pg = await startEmbeddedPostgres(home, () => {}, port);
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      WEIR_QUEUE_PREFIX: redis.prefix,
      WEIR_DAGS_FOLDER: dags,
      WEIR_SCHEDULER_TICK_MS: '200',
    };
    expect((await runWeir(['db', 'migrate'], env)).code).toBe(0);
    db = createDb(pg.url);
    connection = createRedis(redis.url);
    engine = new Engine({ db, queue: new TaskQueue({ connection, prefix: redis.prefix }) });
    await new DagProcessor({ db, folder: dags }).processOnce();
    for (const component of ['scheduler', 'worker']) {
      const started = startWeir([component], env);
      children.push(started.child);
      outputs.push(started.output);
    }
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await db?.$disconnect();
    connection?.disconnect();
    await pg?.stop();
    await redis.cleanup();
    rmSync(home, { recursive: true, force: true });
    rmSync(dags, { recursive: true, force: true });
  });

  const finished = async (dagRunId: number) => {
    for (let i = 0; i < 600; i++) {
      const run = await db.dagRun.findUnique({ where: { id: dagRunId } }).catch(() => null);
      if (run?.state === 'success' || run?.state === 'failed') return run.state;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${dagRunId} did not finish`);
  };

  it('keeps running runs after PostgreSQL goes away and comes back', async () => {
    const before = await engine.trigger({ dagId: 'survivor', runId: 'before' });
    expect(await finished(before.id)).toBe('success');

    await pg.stop();
    await new Promise((r) => setTimeout(r, 1_500)); // every component meets connection errors
    pg = await startEmbeddedPostgres(home, () => {}, port);

    let after: { id: number } | undefined;
    for (let i = 0; i < 50 && !after; i++) {
      after = await engine.trigger({ dagId: 'survivor', runId: 'after' }).catch(() => undefined);
      if (!after) await new Promise((r) => setTimeout(r, 200));
    }
    expect(after).toBeDefined();
    expect(await finished((after as { id: number }).id)).toBe('success');
    // Both still running; if not, what they printed says why.
    expect(
      children.every((c) => c.exitCode === null),
      outputs.map((o) => o()).join('\n'),
    ).toBe(true);
  }, 120_000);
});
