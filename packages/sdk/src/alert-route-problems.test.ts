import { describe, expect, it } from 'vitest';
import { alertRouteProblems, dag, serializeDag } from './index.ts';

const names = { routes: ['team-y', 'default'], channels: ['data-slack', 'data-pd'] };

describe('alertRouteProblems', () => {
  it('finds nothing when every name is configured, or nothing is named', () => {
    const s = serializeDag(
      dag({ id: 'd', alerts: { route: 'team-y', onFailure: ['data-pd'] } }, (d) => {
        d.task(
          'a',
          { alerts: { route: 'default', onRetry: ['data-slack'], onDeadlineMiss: [] } },
          async () => 1,
        );
        d.task('b', async () => 1);
      }),
    );
    expect(alertRouteProblems(s, names)).toEqual([]);
    expect(
      alertRouteProblems(serializeDag(dag({ id: 'e' }, (d) => void d.task('a', async () => 1))), names),
    ).toEqual([]);
  });

  it('names who uses each unknown route and channel, where, and what is configured', () => {
    const s = serializeDag(
      dag({ id: 'd', alerts: { route: 'team-x', onFailure: ['data-pd', 'pager'] } }, (d) => {
        d.task(
          'load',
          { alerts: { route: 'team-x', onFailure: ['pager'], onRetry: ['chat'] } },
          async () => 1,
        );
        d.task(
          'clean',
          { alerts: { onFailure: ['pager'], onDataQuality: ['dq', 'data-slack'] } },
          async () => 1,
        );
        d.task('fine', { alerts: { route: 'team-y' } }, async () => 1);
        d.task('typo', { alerts: { route: 'tem-y' } }, async () => 1);
      }),
    );
    expect(alertRouteProblems(s, names)).toEqual([
      {
        kind: 'unknown_alert_route',
        message:
          "the DAG and task load: alerts.route names route 'team-x', which alerts.yaml does not define (routes: default, team-y); the default route is used instead",
      },
      {
        kind: 'unknown_alert_route',
        message:
          "task typo: alerts.route names route 'tem-y', which alerts.yaml does not define (routes: default, team-y); the default route is used instead",
      },
      {
        kind: 'unknown_alert_channel',
        message:
          "the DAG and tasks clean, load: alerts.onFailure names channel 'pager', which alerts.yaml does not define (channels: data-pd, data-slack); nothing is sent to it",
      },
      {
        kind: 'unknown_alert_channel',
        message:
          "task load: alerts.onRetry names channel 'chat', which alerts.yaml does not define (channels: data-pd, data-slack); nothing is sent to it",
      },
      {
        kind: 'unknown_alert_channel',
        message:
          "task clean: alerts.onDataQuality names channel 'dq', which alerts.yaml does not define (channels: data-pd, data-slack); nothing is sent to it",
      },
    ]);
  });

  it('says so when no channel is configured', () => {
    const s = serializeDag(dag({ id: 'd', alerts: { onFailure: ['x', 'x'] } }, () => {}));
    expect(alertRouteProblems(s, { routes: ['default'], channels: [] })).toEqual([
      {
        kind: 'unknown_alert_channel',
        message:
          "the DAG: alerts.onFailure names channel 'x', which alerts.yaml does not define (channels: none); nothing is sent to it",
      },
    ]);
  });

  it('reads a DAG serialized before the alerts option existed', () => {
    const old = { dagId: 'old', tasks: [{ taskId: 'a' }] };
    expect(alertRouteProblems(old, names)).toEqual([]);
  });
});
