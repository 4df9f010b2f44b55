// Alert route warnings through the real dag processor and CLI: a DAG file whose `alerts` name a
// route or channel alerts.yaml does not define gets a DAG warning at sync time, `weir dags list`
// shows it, and fixing the file removes it. Processes that do not know alerts.yaml (`weir dags
// list`'s own parse, `weir pools set`) leave those warnings as they are.
import { DagProcessor } from '@weir/scheduler';
import { runWeir } from '@weir/testing';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';

const ALERT_NAMES = { routes: ['default', 'team-y'], channels: ['data-pd', 'data-slack'] };

const alerting = (route: string, channel: string, pool = 'default') => `
import { dag } from '@weir/sdk';
export default dag({ id: 'alerting', alerts: { route: '${route}' } }, (d) => {
  const load = d.task('load', { alerts: { onFailure: ['${channel}'] }, pool: '${pool}' }, async () => 1);
  d.task('report', { after: [load], alerts: { onRetry: [] } }, async () => 2);
});
`;

const ROUTE_MESSAGE =
  "the DAG: alerts.route names route 'team-x', which alerts.yaml does not define (routes: default, team-y); the default route is used instead";
const CHANNEL_MESSAGE =
  "task load: alerts.onFailure names channel 'pager', which alerts.yaml does not define (channels: data-pd, data-slack); nothing is sent to it";

describe('DAG warnings for alert routes and channels', () => {
  const h = useHarness({
    dags: () => ({ 'alerting.ts': alerting('team-x', 'pager', 'api') }),
    components: [],
  });
  const warnings = () =>
    h.database.db.dagWarning.findMany({
      select: { dagId: true, kind: true, message: true },
      orderBy: [{ kind: 'asc' }, { message: 'asc' }],
    });
  const POOL = {
    dagId: 'alerting',
    kind: 'nonexistent_pool',
    message:
      "task load uses pool 'api', which does not exist; its instances wait in scheduled until it is created (weir pools set api <slots>)",
  };
  const ROUTE = { dagId: 'alerting', kind: 'unknown_alert_route', message: ROUTE_MESSAGE };
  const CHANNEL = { dagId: 'alerting', kind: 'unknown_alert_channel', message: CHANNEL_MESSAGE };
  // A dag processor that knows alerts.yaml's names, as `weir scheduler` and `weir dag-processor` will.
  let processor: DagProcessor | undefined;
  const knowing = () => {
    processor ??= new DagProcessor({
      db: h.database.db,
      folder: h.dir,
      importTimeoutMs: 10_000,
      alertNames: ALERT_NAMES,
    });
    return processor;
  };

  it('a sync that does not know alerts.yaml records none', async () => {
    // The harness's own processor synced the file in beforeAll, without alert names.
    expect(await warnings()).toEqual([POOL]);
  });

  it('a sync that knows alerts.yaml records the unknown route and channel, and dags list shows them', async () => {
    await knowing().processOnce();
    expect(await warnings()).toEqual([POOL, ROUTE, CHANNEL]);

    // `weir dags list` parses stale files itself, without alert names: it keeps them.
    const table = await runWeir(['dags', 'list'], h.env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('\nDAG warnings (3):\n');
    expect(table.stdout).toContain(`  alerting: ${ROUTE_MESSAGE}\n`);
    expect(table.stdout).toContain(`  alerting: ${CHANNEL_MESSAGE}\n`);
    const json = JSON.parse((await runWeir(['dags', 'list', '--json'], h.env)).stdout);
    expect(json[0].warnings.map((w: { kind: string }) => w.kind).sort()).toEqual([
      'nonexistent_pool',
      'unknown_alert_channel',
      'unknown_alert_route',
    ]);
    expect(await warnings()).toEqual([POOL, ROUTE, CHANNEL]);
  });

  it('a pool change re-evaluates pool warnings only', async () => {
    expect((await runWeir(['pools', 'set', 'api', '2'], h.env)).code).toBe(0);
    expect(await warnings()).toEqual([ROUTE, CHANNEL]);
    expect((await runWeir(['pools', 'delete', 'api'], h.env)).code).toBe(0);
    expect(await warnings()).toEqual([POOL, ROUTE, CHANNEL]);
  });

  it('a sync without alert names leaves them as they were; one with them replaces them', async () => {
    h.writeDag('alerting.ts', alerting('team-x', 'data-pd', 'default'));
    await h.processor.processOnce();
    expect(await warnings()).toEqual([ROUTE, CHANNEL]);

    await knowing().processOnce();
    expect(await warnings()).toEqual([ROUTE]);
    // Found again: the same row, first seen when it was first found.
    const before = await h.database.db.dagWarning.findFirstOrThrow({
      where: { kind: 'unknown_alert_route' },
    });
    h.writeDag('alerting.ts', alerting('team-x', 'data-slack', 'default'));
    await knowing().processOnce();
    const after = await h.database.db.dagWarning.findFirstOrThrow({ where: { kind: 'unknown_alert_route' } });
    expect(after.id).toBe(before.id);
    expect(after.createdAt).toEqual(before.createdAt);
  });

  it('fixing the file removes them', async () => {
    h.writeDag('alerting.ts', alerting('team-y', 'data-slack', 'default'));
    await knowing().processOnce();
    expect(await warnings()).toEqual([]);
    expect((await runWeir(['dags', 'list'], h.env)).stdout).not.toContain('DAG warnings');
  });

  it('a DAG its file no longer defines keeps none, even after a sync without alert names', async () => {
    h.writeDag('alerting.ts', alerting('team-x', 'pager', 'default'));
    await knowing().processOnce();
    expect(await warnings()).toEqual([ROUTE, CHANNEL]);
    h.writeDag(
      'alerting.ts',
      alerting('team-x', 'pager', 'default').replace("id: 'alerting'", "id: 'renamed'"),
    );
    await h.processor.processOnce();
    expect(await h.database.db.dag.findUniqueOrThrow({ where: { dagId: 'alerting' } })).toMatchObject({
      isActive: false,
    });
    expect(await warnings()).toEqual([]);
  });
});
