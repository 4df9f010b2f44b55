// `weir pipeline run` against real scheduler and worker processes running the bundled pipeline
// DAGs (copied from dags/): events on the bus reach the warehouse through the four DAGs, run one
// after another with a line each; without a scheduler it says what to start instead of waiting.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventBusKeyPrefix, queryWarehouse } from '@weir/pipeline';
import { createRedisStreamsBus } from '@weir/queue';
import { runWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_DAGS } from '../commands/pipeline.ts';
import { type Harness, startHarness } from './harness.ts';

const REPO_DAGS = new URL('../../../../dags/', import.meta.url);

describe('weir pipeline run', () => {
  let h: Harness;
  let warehouse: string;

  beforeAll(async () => {
    const lakeDir = `/tmp/weir-pipeline-run-${randomUUID()}`;
    warehouse = `${lakeDir}/warehouse.duckdb`;
    h = await startHarness({
      WEIR_LAKE_URL: `file://${lakeDir}/lake/`,
      WEIR_WAREHOUSE_URL: `duckdb://${warehouse}`,
    });
    for (const dagId of PIPELINE_DAGS)
      h.writeDag(`${dagId}.ts`, readFileSync(new URL(`${dagId}.ts`, REPO_DAGS), 'utf8'));
    await h.processor.processOnce();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    rmSync(join(warehouse, '..'), { recursive: true, force: true });
  });

  it('says to start Weir when no scheduler is running', async () => {
    const result = await runWeir(['pipeline', 'run'], h.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no scheduler is running: start Weir first \(`npm start`\)/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('runs the four DAGs in order and fills the warehouse', async () => {
    const bus = createRedisStreamsBus({
      url: h.env.REDIS_URL,
      partitions: 8,
      keyPrefix: eventBusKeyPrefix(h.redis.prefix),
    });
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const ids = Array.from({ length: 25 }, () => randomUUID());
    for (const [i, id] of ids.entries())
      await bus.append(bus.partitionFor(`u${i % 3}`), [
        JSON.stringify({
          event_id: id,
          event_type: 'view',
          user_id: `u${i % 3}`,
          session_id: null,
          properties: {},
          client_ts: at,
          server_ts: at,
          ingested_at: at,
          app_version: null,
          platform: 'ios',
          schema_version: null,
          device_type: null,
          geo_country: null,
        }),
      ]);
    await bus.close();
    h.start('scheduler');
    h.start('worker');
    // The scheduler's heartbeat is what the command looks for.
    for (
      let i = 0;
      i < 100 && !(await h.database.db.componentHeartbeat.count({ where: { component: 'scheduler' } }));
      i++
    )
      await new Promise((r) => setTimeout(r, 200));
    const result = await runWeir(['pipeline', 'run'], h.env, 600_000);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.slice(0, 4).map((l) => /^\[(\d)\/4\] (\w+): run \S+ … (\w+) in/.exec(l)?.slice(1))).toEqual(
      PIPELINE_DAGS.map((dagId, i) => [String(i + 1), dagId, 'success']),
    );
    const [row] = await queryWarehouse(warehouse, 'SELECT COUNT(DISTINCT event_id) AS n FROM events');
    expect(Number(row?.n)).toBe(ids.length);
    const runs = await h.database.db.dagRun.findMany({ where: { triggeredBy: 'weir pipeline run' } });
    expect(runs.map((r) => r.dagId).sort()).toEqual([...PIPELINE_DAGS].sort());
  }, 600_000);
});
