import { describe, expect, it } from 'vitest';
import { type AlertOptions, type DagOptions, dag, serializeDag } from './index.ts';
import type { SerializedDag } from './serialized.ts';

const roundTrip = (value: SerializedDag): SerializedDag => JSON.parse(JSON.stringify(value)) as SerializedDag;

describe('the alerts option', () => {
  it('is accepted by the DAG and every kind of task, and round-trips', () => {
    const serialized = serializeDag(
      dag({ id: 'd', alerts: { route: 'team-x' } }, (d) => {
        const setup = d.setup('setup', { alerts: { onFailure: ['a'] } }, async () => 1);
        d.task('task', { alerts: { route: 'team-y' } }, async () => 1);
        d.map('mapped', { expand: { n: [1, 2] }, alerts: { onFailure: ['b'] } }, async (_c, { n }) => n);
        d.sensor('sensor', { alerts: { onSensorTimeout: ['c'] }, timeout: '1h' }, async () => true);
        d.branch('branch', { alerts: { onRetry: [] } }, async () => null);
        d.shortCircuit('short', { alerts: { onDeadlineMiss: ['d'] } }, async () => true);
        d.teardown('teardown', { setups: [setup], alerts: { onFailure: ['e'] } }, async () => 1);
        d.task('plain', async () => 1);
      }),
    );
    expect(roundTrip(serialized)).toEqual(serialized);
    expect(serialized.alerts).toEqual({ route: 'team-x', channels: {} });
    expect(Object.fromEntries(serialized.tasks.map((t) => [t.taskId, t.alerts]))).toEqual({
      setup: { route: null, channels: { onFailure: ['a'] } },
      task: { route: 'team-y', channels: {} },
      mapped: { route: null, channels: { onFailure: ['b'] } },
      sensor: { route: null, channels: { onSensorTimeout: ['c'] } },
      branch: { route: null, channels: { onRetry: [] } },
      short: { route: null, channels: { onDeadlineMiss: ['d'] } },
      teardown: { route: null, channels: { onFailure: ['e'] } },
      plain: null,
    });
  });

  it('serializes the keys in one order, whatever order they are written in', () => {
    const serialize = (alerts: AlertOptions) =>
      JSON.stringify(serializeDag(dag({ id: 'd', alerts }, () => {})));
    expect(serialize({ onUnhealthy: ['x'], route: 'r', onFailure: ['y'], onRetry: ['z'] })).toBe(
      serialize({ onFailure: ['y'], onRetry: ['z'], onUnhealthy: ['x'], route: 'r' }),
    );
    expect(
      Object.keys(
        serializeDag(dag({ id: 'd', alerts: { onRetry: [], onFailure: [] } }, () => {})).alerts?.channels ??
          {},
      ),
    ).toEqual(['onFailure', 'onRetry']);
  });

  it('leaves out keys set to undefined', () => {
    const s = serializeDag(
      dag({ id: 'd', alerts: { route: undefined, onFailure: undefined, onRetry: ['x'] } }, () => {}),
    );
    expect(s.alerts).toEqual({ route: null, channels: { onRetry: ['x'] } });
  });

  it('rejects an unknown key at compile time', () => {
    // @ts-expect-error onFail is not a route key
    const options: DagOptions = { id: 'd', alerts: { onFail: ['x'] } };
    expect(options.id).toBe('d');
  });

  it.each<[string, unknown, RegExp]>([
    [
      'an unknown key',
      { onFail: ['x'] },
      /alerts has an unknown key "onFail"; use route, onFailure, onRetry,/,
    ],
    ['an empty route', { route: '' }, /alerts\.route must be the name of a route in alerts\.yaml, got ""/],
    [
      'a route that is not a string',
      { route: 3 },
      /alerts\.route must be the name of a route in alerts\.yaml, got 3/,
    ],
    [
      'a channel name that is not a string',
      { onFailure: ['ok', 7] },
      /alerts\.onFailure\[1\] must be the name of a channel in alerts\.yaml, got 7/,
    ],
    ['an empty channel name', { onRetry: [' '] }, /alerts\.onRetry\[0\] must be the name of a channel/],
    [
      'a string instead of a list',
      { onFailure: 'data-pd' },
      /alerts\.onFailure must be a list of channel names \(\['data-pd'\]\), got "data-pd"/,
    ],
    ['not an object', 'team-x', /alerts must be an object such as \{ route: 'team-x' \}/],
    ['null', null, /alerts must be an object/],
  ])('rejects %s, naming the DAG, the task and the key', (_, alerts, message) => {
    const onDag = () => serializeDag(dag({ id: 'etl', alerts: alerts as AlertOptions }, () => {}));
    expect(onDag).toThrow(TypeError);
    expect(onDag).toThrow(new RegExp(`^DAG "etl": ${message.source}`));
    const onTask = () =>
      serializeDag(
        dag({ id: 'etl' }, (d) => void d.task('load', { alerts: alerts as AlertOptions }, async () => 1)),
      );
    expect(onTask).toThrow(new RegExp(`^DAG "etl", task "load": ${message.source}`));
  });
});
