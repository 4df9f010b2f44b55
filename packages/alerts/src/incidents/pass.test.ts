// The alert pass against a real PostgreSQL and Redis, with a clock the test moves: what it decides
// to send (delivery rows), for repeats, acknowledgement, flapping, resolution and lost jobs.
// Sending itself is tested with real peers in the channels' tests and end to end in apps/cli.

import { createRawSql, type RawSqlPool } from '@weir/db';
import { acknowledgeAlert, incidentKey, raiseAlerts, resolveAlert } from '@weir/engine';
import { createRedis, TaskQueue } from '@weir/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@weir/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AlertsConfig } from '../types.ts';
import { runAlertPass } from './pass.ts';

const MINUTE = 60_000;
const config: AlertsConfig = {
  source: { kind: 'env' },
  channels: {
    slack: { type: 'slack', channel: '#a', token: 'xoxb-1' },
    pd: { type: 'pagerduty', routingKey: 'routing-key-1234' },
    mail: { type: 'email', to: ['a@example.com'], from: 'w@example.com', smtpUrl: 'smtp://127.0.0.1:1' },
  },
  routes: { default: { onFailure: ['slack', 'pd', 'mail'] } },
  groupWaitMs: 0,
  repeatIntervalMs: 60 * MINUTE,
};

describe('the alert pass', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let sql: RawSqlPool;
  let queue: TaskQueue;
  let connection: ReturnType<typeof createRedis>;
  const t0 = new Date('2026-12-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
  const pass = (now: Date) => runAlertPass({ sql, config, queue, now, unhealthyAfterMs: 60_000 });
  const fail = (now: Date, taskId = 'load', runId = 'r1') =>
    raiseAlerts(sql, [
      {
        kind: 'task_failed',
        severity: 'error',
        dedupKey: incidentKey('task_failed', 'sales', taskId),
        title: `task ${taskId} of sales failed`,
        details: { error: 'boom' },
        dagId: 'sales',
        runId,
        taskId,
        at: now,
      },
    ]);
  const deliveries = async () =>
    (
      await sql.$queryRaw<{ channel: string; event: string; group_id: number }[]>`
        SELECT channel, event, group_id FROM alert_delivery ORDER BY id`
    ).map((d) => `${d.event}:${d.channel}`);

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    sql = createRawSql(database.url);
    connection = createRedis(redis.url);
    queue = new TaskQueue({ connection, prefix: redis.prefix });
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await sql.end();
    await database.drop();
    await redis.cleanup();
  });
  beforeEach(async () => {
    await sql.$executeRaw`TRUNCATE alert, alert_group, alert_delivery, alert_silence RESTART IDENTITY CASCADE`;
  });

  it('notifies a new incident once per channel; repeats only count; an open group is re-notified after repeatInterval', async () => {
    await fail(at(0));
    expect((await pass(at(0))).groupsNotified).toBe(1);
    await fail(at(1));
    await fail(at(2));
    await pass(at(3));
    expect(await deliveries()).toEqual(['trigger:slack', 'trigger:pd', 'trigger:mail']);
    const [incident] = await sql.$queryRaw<{ occurrences: number }[]>`SELECT occurrences FROM alert`;
    expect(incident?.occurrences).toBe(3);
    await pass(at(30));
    expect(await deliveries()).toHaveLength(3);
    await pass(at(61));
    // PagerDuty keeps its incident open by itself: no repeat there.
    expect((await deliveries()).slice(3)).toEqual(['repeat:slack', 'repeat:mail']);
  });

  it('acknowledging stops the repeats and tells PagerDuty and Slack', async () => {
    await fail(at(0));
    await pass(at(0));
    const [incident] = await sql.$queryRaw<{ id: number }[]>`SELECT id FROM alert`;
    await acknowledgeAlert(sql, incident?.id as number, 'alice', at(5));
    await pass(at(120));
    expect((await deliveries()).slice(3)).toEqual(['acknowledge:slack', 'acknowledge:pd']);
  });

  it('a group resolves when every incident in it has; each channel that heard of it hears the resolution', async () => {
    await fail(at(0), 'a');
    await fail(at(0), 'b');
    await pass(at(0));
    expect(await deliveries()).toEqual(['trigger:slack', 'trigger:pd', 'trigger:mail']);
    const ids = await sql.$queryRaw<
      { id: number; task_id: string }[]
    >`SELECT id, task_id FROM alert ORDER BY task_id`;
    await resolveAlert(sql, ids[0]?.id as number, 'alice', at(1));
    await pass(at(1));
    expect(await deliveries()).toHaveLength(3);
    await resolveAlert(sql, ids[1]?.id as number, 'alice', at(2));
    await pass(at(2));
    expect((await deliveries()).slice(3)).toEqual(['resolve:slack', 'resolve:pd', 'resolve:mail']);
  });

  it('marks an incident that opened more than 3 times within the hour as flapping and notifies it at most hourly', async () => {
    for (const minute of [0, 5, 10, 15, 20]) {
      await fail(at(minute));
      await pass(at(minute));
      const [open] = await sql.$queryRaw<{ id: number }[]>`SELECT id FROM alert WHERE state = 'open'`;
      await resolveAlert(sql, open?.id as number, 'test', at(minute + 1));
      await pass(at(minute + 1));
    }
    const rows = await sql.$queryRaw<{ flapping: boolean; group_id: number | null }[]>`
      SELECT flapping, group_id FROM alert ORDER BY id`;
    expect(rows.map((r) => r.flapping)).toEqual([false, false, false, true, true]);
    // The first three were notified; the flapping ones were not (one was, within the hour).
    expect(rows.map((r) => r.group_id !== null)).toEqual([true, true, true, false, false]);
    const triggers = (await deliveries()).filter((d) => d.startsWith('trigger:'));
    expect(triggers).toHaveLength(9);
    // An hour later it has settled: notified as any new incident.
    await fail(at(90));
    await pass(at(90));
    expect((await deliveries()).filter((d) => d.startsWith('trigger:'))).toHaveLength(12);
  });

  it('a silence holds an incident back while it lasts; after it, the incident is notified if still open', async () => {
    await sql.$executeRaw`
      INSERT INTO alert_silence (dag_id, task_id, starts_at, ends_at, reason) VALUES ('sales', NULL, ${at(0)}, ${at(60)}, 'maintenance')`;
    await fail(at(1));
    await pass(at(1));
    await pass(at(30));
    expect(await deliveries()).toEqual([]);
    const [held] = await sql.$queryRaw<{ silence_id: number | null }[]>`SELECT silence_id FROM alert`;
    expect(held?.silence_id).toBe(1);
    await pass(at(61));
    expect(await deliveries()).toEqual(['trigger:slack', 'trigger:pd', 'trigger:mail']);
  });

  it('hands a pending delivery to the queue again when its job was lost', async () => {
    await fail(at(0));
    const first = await pass(at(0));
    expect(first.enqueued).toBe(3);
    // Redis lost everything: the jobs are gone, the rows still pending.
    const keys = await connection.keys(`${redis.prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    expect((await pass(at(0.1))).enqueued).toBe(0);
    const again = await pass(at(2));
    expect(again.enqueued).toBe(3);
    const waiting = await connection.keys(`${redis.prefix}:*alert-*`);
    expect(waiting.length).toBeGreaterThanOrEqual(3);
  });
});
