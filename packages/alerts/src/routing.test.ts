import { type AlertOptions, dag, type SerializedDag, serializeDag } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { alertRouteProblems, channelsFor } from './index.ts';
import type { AlertsConfig, Route } from './types.ts';

const config = (routes: Record<string, Route>): AlertsConfig => ({
  source: { kind: 'env' },
  channels: {},
  routes: { default: {}, ...routes },
  groupWaitMs: 0,
  repeatIntervalMs: 0,
});

const routes = config({
  default: { onFailure: ['ops-slack'], onImportError: ['ops-email'], onDataQuality: ['dq-slack'] },
  'team-x': { onFailure: ['x-pd', 'x-slack'], onRetry: ['x-slack'] },
  'team-y': { onFailure: ['y-pd'], onDeadlineMiss: ['y-slack'] },
});

/** A DAG with the given alerts on it and on its tasks (task id → its alerts, or undefined). */
const withAlerts = (dagAlerts: AlertOptions | undefined, tasks: Record<string, AlertOptions | undefined>) =>
  serializeDag(
    dag({ id: 'd', ...(dagAlerts ? { alerts: dagAlerts } : {}) }, (d) => {
      for (const [taskId, alerts] of Object.entries(tasks))
        d.task(taskId, alerts ? { alerts } : {}, async () => 1);
    }),
  );

describe('channelsFor', () => {
  it('follows the default route for a DAG and task that name nothing, and for alerts about no DAG', () => {
    const s = withAlerts(undefined, { t: undefined });
    expect(channelsFor(routes, 'task_failed', s, 't')).toEqual(['ops-slack']);
    expect(channelsFor(routes, 'run_failed', s, null)).toEqual(['ops-slack']);
    expect(channelsFor(routes, 'import_error', null, null)).toEqual(['ops-email']);
    // volume_drop and freshness are data quality, sent by onDataQuality.
    expect(channelsFor(routes, 'volume_drop', s, 't')).toEqual(['dq-slack']);
    expect(channelsFor(routes, 'retrying', s, 't')).toEqual([]);
  });

  it("uses the task's route over the DAG's, and the DAG's over default", () => {
    const s = withAlerts({ route: 'team-x' }, { plain: undefined, owned: { route: 'team-y' } });
    expect(channelsFor(routes, 'task_failed', s, 'plain')).toEqual(['x-pd', 'x-slack']);
    expect(channelsFor(routes, 'task_failed', s, 'owned')).toEqual(['y-pd']);
    expect(channelsFor(routes, 'run_failed', s, null)).toEqual(['x-pd', 'x-slack']);
    // A key the chosen route leaves out sends nothing; default is not consulted.
    expect(channelsFor(routes, 'retrying', s, 'owned')).toEqual([]);
    expect(channelsFor(routes, 'deadline_missed', s, 'owned')).toEqual(['y-slack']);
  });

  it("uses the task's channels for a key over the DAG's, and the DAG's over any route", () => {
    const s = withAlerts(
      { route: 'team-x', onFailure: ['dag-pd'], onRetry: ['dag-slack'] },
      {
        plain: undefined,
        own: { onFailure: ['task-pd'] },
        routed: { route: 'team-y' },
        silent: { onFailure: [] },
      },
    );
    expect(channelsFor(routes, 'task_failed', s, 'plain')).toEqual(['dag-pd']);
    expect(channelsFor(routes, 'task_failed', s, 'own')).toEqual(['task-pd']);
    // Keys the task does not set come from the DAG.
    expect(channelsFor(routes, 'retrying', s, 'own')).toEqual(['dag-slack']);
    expect(channelsFor(routes, 'task_failed', s, 'routed')).toEqual(['dag-pd']);
    expect(channelsFor(routes, 'deadline_missed', s, 'routed')).toEqual(['y-slack']);
    // An empty list is "send nothing", not "not set".
    expect(channelsFor(routes, 'task_failed', s, 'silent')).toEqual([]);
    // An alert about the run has no task: the DAG's channels.
    expect(channelsFor(routes, 'run_failed', s, null)).toEqual(['dag-pd']);
    // A task id the DAG no longer has: as if about no task.
    expect(channelsFor(routes, 'task_failed', s, 'gone')).toEqual(['dag-pd']);
  });

  it('follows default for a route alerts.yaml does not define', () => {
    const s = withAlerts({ route: 'team-z' }, { t: { route: 'nowhere' } });
    expect(channelsFor(routes, 'task_failed', s, 't')).toEqual(['ops-slack']);
    expect(channelsFor(routes, 'run_failed', s, null)).toEqual(['ops-slack']);
  });

  it("sends unhealthy to a route's onFailure unless it sets onUnhealthy", () => {
    const c = config({
      default: { onFailure: ['ops-pd'] },
      quiet: { onFailure: ['q-pd'], onUnhealthy: [] },
      health: { onFailure: ['h-pd'], onUnhealthy: ['h-slack'] },
    });
    expect(channelsFor(c, 'unhealthy', null, null)).toEqual(['ops-pd']);
    const on = (route: string) => channelsFor(c, 'unhealthy', withAlerts({ route }, {}), null);
    expect(on('quiet')).toEqual([]);
    expect(on('health')).toEqual(['h-slack']);
    // Nothing else falls back to onFailure.
    expect(channelsFor(c, 'retrying', null, null)).toEqual([]);
  });

  it('returns each channel once, in the order given', () => {
    const c = config({ default: { onFailure: ['b', 'a', 'b'] } });
    expect(channelsFor(c, 'task_failed', null, null)).toEqual(['b', 'a']);
    const s = withAlerts(undefined, { t: { onFailure: ['z', 'y', 'z', 'y'] } });
    expect(channelsFor(c, 'task_failed', s, 't')).toEqual(['z', 'y']);
  });

  it('reads a DAG serialized before the alerts option existed as naming nothing', () => {
    const old = { tasks: [{ taskId: 't' }] } as unknown as SerializedDag;
    expect(channelsFor(routes, 'task_failed', old, 't')).toEqual(['ops-slack']);
    expect(channelsFor(routes, 'run_failed', old, null)).toEqual(['ops-slack']);
  });
});

describe('alertRouteProblems (re-exported from the SDK)', () => {
  it('lists the unknown route and channel a DAG names', () => {
    const s = withAlerts({ route: 'team-z' }, { t: { onFailure: ['pager'] } });
    expect(alertRouteProblems(s, { routes: Object.keys(routes.routes), channels: ['ops-slack'] })).toEqual([
      {
        kind: 'unknown_alert_route',
        message:
          "the DAG: alerts.route names route 'team-z', which alerts.yaml does not define (routes: default, team-x, team-y); the default route is used instead",
      },
      {
        kind: 'unknown_alert_channel',
        message:
          "task t: alerts.onFailure names channel 'pager', which alerts.yaml does not define (channels: ops-slack); nothing is sent to it",
      },
    ]);
  });
});
