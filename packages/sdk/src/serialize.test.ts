import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  allOf,
  anyOf,
  asset,
  type DagOptions,
  dag,
  type SensorOptions,
  serializeDag,
  type TaskHandle,
  type TaskOptions,
  z,
} from './index.ts';
import type { SerializedDag, SerializedSensor, SerializedTask } from './serialized.ts';

const roundTrip = (value: SerializedDag): SerializedDag => JSON.parse(JSON.stringify(value)) as SerializedDag;

function serializeWith(options: Partial<DagOptions<z.ZodType | undefined>>): SerializedDag {
  const serialized = serializeDag(dag({ id: 'd', ...options }, (d) => void d.task('t', async () => 1)));
  expect(roundTrip(serialized)).toEqual(serialized);
  return serialized;
}

function serializeTaskWith(options: TaskOptions<unknown>): SerializedTask {
  const serialized = serializeDag(dag({ id: 'd' }, (d) => void d.task('t', options, async () => 1)));
  expect(roundTrip(serialized)).toEqual(serialized);
  return serialized.tasks[0] as SerializedTask;
}

describe('DAG fields round-trip through serialization', () => {
  it.each<[string, Partial<DagOptions<z.ZodType | undefined>>, Partial<SerializedDag>]>([
    ['schedule (cron)', { schedule: '0 * * * *' }, { schedule: '0 * * * *' }],
    ['schedule (preset)', { schedule: '@daily' }, { schedule: '@daily' }],
    ['schedule (none)', { schedule: null }, { schedule: null }],
    ['timezone', { timezone: 'Europe/Amsterdam' }, { timezone: 'Europe/Amsterdam' }],
    ['startDate in UTC', { startDate: '2026-01-01' }, { startDate: '2026-01-01T00:00:00.000Z' }],
    [
      'startDate in the DAG timezone',
      { startDate: '2026-07-01', timezone: 'Europe/Amsterdam' },
      { startDate: '2026-06-30T22:00:00.000Z' },
    ],
    ['endDate', { endDate: '2026-12-31T23:00:00Z' }, { endDate: '2026-12-31T23:00:00.000Z' }],
    ['catchup', { catchup: true }, { catchup: true }],
    ['pausedAtCreation (false)', { pausedAtCreation: false }, { pausedAtCreation: false }],
    ['pausedAtCreation (true)', { pausedAtCreation: true }, { pausedAtCreation: true }],
    ['maxActiveRuns', { maxActiveRuns: 3 }, { maxActiveRuns: 3 }],
    ['maxActiveTasks', { maxActiveTasks: 5 }, { maxActiveTasks: 5 }],
    ['tags', { tags: ['pipeline', 'hourly'] }, { tags: ['pipeline', 'hourly'] }],
    ['owner', { owner: 'data-eng' }, { owner: 'data-eng' }],
    ['description', { description: 'Loads events' }, { description: 'Loads events' }],
    ['callbacks', { onSuccess: () => {}, onFailure: () => {} }, { callbacks: ['onSuccess', 'onFailure'] }],
    [
      'deadlines',
      {
        deadlines: [
          { reference: 'dataIntervalEnd', interval: '45m' },
          { id: 'morning', reference: { timeOfDay: '06:30' }, interval: 0 },
        ],
      },
      {
        deadlines: [
          { id: 'dataIntervalEnd+45m', reference: { kind: 'dataIntervalEnd' }, intervalMs: 2_700_000 },
          { id: 'morning', reference: { kind: 'timeOfDay', hour: 6, minute: 30 }, intervalMs: 0 },
        ],
      },
    ],
    [
      'alerts (route and channels)',
      { alerts: { onRetry: [], route: 'team-x', onFailure: ['data-pd', 'data-slack'] } },
      { alerts: { route: 'team-x', channels: { onFailure: ['data-pd', 'data-slack'], onRetry: [] } } },
    ],
  ])('%s', (_, options, expected) => {
    expect(serializeWith(options)).toMatchObject(expected);
  });

  it('params: JSON schema and defaults', () => {
    const serialized = serializeWith({
      params: z.object({
        limit: z.number().int().default(10),
        region: z.enum(['eu', 'us']).default('eu'),
        note: z.string().optional(),
      }),
    });
    expect(serialized.params?.defaults).toEqual({ limit: 10, region: 'eu' });
    expect(serialized.params?.schema).toMatchObject({
      type: 'object',
      properties: {
        limit: { type: 'integer', default: 10 },
        region: { enum: ['eu', 'us'] },
        note: { type: 'string' },
      },
    });
  });

  it('defaults that nothing sets', () => {
    const s = serializeWith({});
    expect(s).toMatchObject({
      schedule: null,
      timezone: 'UTC',
      catchup: false,
      pausedAtCreation: null,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      params: null,
      alerts: null,
    });
  });
});

describe('task fields round-trip through serialization', () => {
  it.each<[string, TaskOptions<unknown>, Partial<SerializedTask>]>([
    ['retries', { retries: 3 }, { retries: 3 }],
    ['retryDelay', { retryDelay: '30s' }, { retryDelayMs: 30_000 }],
    ['retryDelay in seconds', { retryDelay: 2.5 }, { retryDelayMs: 2_500 }],
    ['retryExponentialBackoff', { retryExponentialBackoff: true }, { retryExponentialBackoff: true }],
    ['maxRetryDelay', { maxRetryDelay: '1h' }, { maxRetryDelayMs: 3_600_000 }],
    ['executionTimeout', { executionTimeout: '1m30s' }, { executionTimeoutMs: 90_000 }],
    ['triggerRule', { triggerRule: 'one_failed' }, { triggerRule: 'one_failed' }],
    ['pool', { pool: 'warehouse' }, { pool: 'warehouse' }],
    ['poolSlots', { poolSlots: 2 }, { poolSlots: 2 }],
    ['priorityWeight', { priorityWeight: 7 }, { priorityWeight: 7 }],
    ['weightRule', { weightRule: 'absolute' }, { weightRule: 'absolute' }],
    ['queue', { queue: 'heavy' }, { queue: 'heavy' }],
    ['dependsOnPast', { dependsOnPast: true }, { dependsOnPast: true }],
    ['doc', { doc: 'Counts rows' }, { doc: 'Counts rows' }],
    [
      'deadline',
      { deadline: { reference: 'queuedAt', interval: '10m' } },
      { deadline: { id: 'queuedAt+10m', reference: { kind: 'queuedAt' }, intervalMs: 600_000 } },
    ],
    [
      'callbacks',
      { onSuccess: () => {}, onFailure: () => {}, onRetry: () => {}, onSkipped: () => {} },
      { callbacks: ['onSuccess', 'onFailure', 'onRetry', 'onSkipped'] },
    ],
    ['alerts (route)', { alerts: { route: 'team-x' } }, { alerts: { route: 'team-x', channels: {} } }],
    [
      'alerts (channels)',
      { alerts: { onDeadlineMiss: ['data-pd'], onFailure: ['data-pd'], onSensorTimeout: [] } },
      {
        alerts: {
          route: null,
          channels: { onFailure: ['data-pd'], onDeadlineMiss: ['data-pd'], onSensorTimeout: [] },
        },
      },
    ],
  ])('%s', (_, options, expected) => {
    expect(serializeTaskWith(options)).toMatchObject(expected);
  });

  it('defaults, and DAG defaults under task options', () => {
    expect(serializeTaskWith({})).toEqual({
      taskId: 't',
      kind: 'task',
      upstreams: [],
      inputs: [],
      triggerRule: 'all_success',
      retries: 0,
      retryDelayMs: 300_000,
      retryExponentialBackoff: false,
      maxRetryDelayMs: null,
      executionTimeoutMs: null,
      pool: 'default',
      poolSlots: 1,
      priorityWeight: 1,
      weightRule: 'downstream',
      queue: 'default',
      dependsOnPast: false,
      callbacks: [],
      doc: null,
      mapping: null,
      deadline: null,
      sensor: null,
      respectTriggerRules: null,
      groupId: null,
      setupTeardown: null,
      outlets: [],
      alerts: null,
    });
    const s = serializeDag(
      dag({ id: 'd', defaults: { retries: 2, queue: 'q1' } }, (d) => {
        d.task('a', async () => 1);
        d.task('b', { retries: 5 }, async () => 1);
      }),
    );
    expect(s.tasks.map((t) => [t.retries, t.queue])).toEqual([
      [2, 'q1'],
      [5, 'q1'],
    ]);
  });

  it('upstreams from inputs and after; inputs in argument order', () => {
    const s = serializeDag(
      dag({ id: 'd' }, (d) => {
        const a = d.task('a', async () => 1);
        const b = d.task('b', async () => 'x');
        const c = d.task('c', async () => true);
        d.task('z', { inputs: [b, a], after: [c, a] }, async (_ctx, bv, av) => `${bv}${av}`);
      }),
    );
    expect(s.tasks[3]).toMatchObject({ upstreams: ['a', 'b', 'c'], inputs: ['b', 'a'] });
  });
});

function serializeSensorWith(options: SensorOptions<unknown>): SerializedTask {
  const serialized = serializeDag(dag({ id: 'd' }, (d) => void d.sensor('s', options, async () => true)));
  expect(roundTrip(serialized)).toEqual(serialized);
  return serialized.tasks[0] as SerializedTask;
}

describe('sensors', () => {
  it.each<[string, SensorOptions<unknown>, Partial<SerializedSensor>]>([
    ['mode', { mode: 'reschedule' }, { mode: 'reschedule' }],
    ['pokeInterval', { pokeInterval: '5m' }, { pokeIntervalMs: 300_000 }],
    ['pokeInterval in seconds', { pokeInterval: 0.2 }, { pokeIntervalMs: 200 }],
    ['timeout', { timeout: '2h' }, { timeoutMs: 7_200_000 }],
    ['softFail', { softFail: true }, { softFail: true }],
    ['exponentialBackoff', { exponentialBackoff: true }, { exponentialBackoff: true }],
    ['maxWait', { maxWait: '10m' }, { maxWaitMs: 600_000 }],
  ])('%s round-trips', (_, options, expected) => {
    expect(serializeSensorWith(options).sensor).toMatchObject(expected);
  });

  it('defaults as Airflow: poke mode, every 60 s, for 7 days; task options still apply', () => {
    expect(serializeSensorWith({ retries: 2, queue: 'sensors' })).toMatchObject({
      taskId: 's',
      kind: 'sensor',
      retries: 2,
      queue: 'sensors',
      mapping: null,
      sensor: {
        mode: 'poke',
        pokeIntervalMs: 60_000,
        timeoutMs: 604_800_000,
        softFail: false,
        exponentialBackoff: false,
        maxWaitMs: null,
      },
    });
  });

  it('type their output as the non-falsy return value, and pass inputs like a task', () => {
    const s = serializeDag(
      dag({ id: 'sensed' }, (d) => {
        const path = d.task('path', async () => '/tmp/x');
        const exists = d.sensor('exists', { inputs: [path], mode: 'reschedule' }, async (_ctx, p) => {
          expectTypeOf(p).toEqualTypeOf<string>();
          return p.length > 3;
        });
        expectTypeOf(exists).toEqualTypeOf<TaskHandle<true>>();
        const rows = d.sensor('rows', async () => (Math.random() > 0.5 ? { rows: 3 } : null));
        expectTypeOf(rows).toEqualTypeOf<TaskHandle<{ rows: number }>>();
        d.task('use', { inputs: [rows, exists] }, async (_ctx, r, e) => {
          expectTypeOf(r).toEqualTypeOf<{ rows: number }>();
          expectTypeOf(e).toEqualTypeOf<true>();
          return r.rows;
        });
      }),
    );
    expect(s.tasks.map((t) => [t.taskId, t.kind, t.upstreams])).toEqual([
      ['path', 'task', []],
      ['exists', 'sensor', ['path']],
      ['rows', 'sensor', []],
      ['use', 'task', ['exists', 'rows']],
    ]);
  });

  it('refuse an unknown mode and a bad duration, naming the task and the field', () => {
    expect(() => serializeSensorWith({ mode: 'wait' as 'poke' })).toThrow(
      /task "s": mode must be 'poke' or 'reschedule', got "wait"/,
    );
    expect(() => serializeSensorWith({ pokeInterval: 'often' })).toThrow(
      /task "s": pokeInterval "often" is not a duration/,
    );
    expect(() => serializeSensorWith({ timeout: -1 })).toThrow(/task "s": timeout must be a non-negative/);
  });
});

describe('definition errors name the DAG, the task and the field', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['bad dag id', () => dag({ id: 'bad id' }, () => {}), /DAG id "bad id" is invalid/],
    [
      'duplicate task',
      () =>
        dag({ id: 'd' }, (d) => {
          d.task('a', async () => 1);
          d.task('a', async () => 1);
        }),
      /defines task "a" twice/,
    ],
    [
      'bad duration',
      () => serializeTaskWith({ retryDelay: 'soon' }),
      /task "t": retryDelay "soon" is not a duration/,
    ],
    [
      'bad timezone',
      () => serializeWith({ timezone: 'Mars/Olympus' }),
      /timezone "Mars\/Olympus" is not an IANA time zone/,
    ],
    ['bad startDate', () => serializeWith({ startDate: 'yesterday' }), /startDate "yesterday" is not a date/],
    ['negative retries', () => serializeTaskWith({ retries: -1 }), /retries must be a whole number ≥ 0/],
    [
      'upstream from another DAG',
      () => {
        let foreign: TaskHandle<number> | undefined;
        dag({ id: 'other' }, (d) => {
          foreign = d.task('x', async () => 1);
        });
        return dag(
          { id: 'd' },
          (d) => void d.task('y', { inputs: [foreign as TaskHandle<number>] }, async (_c, x) => x),
        );
      },
      /inputs must list tasks of this DAG defined before it/,
    ],
  ])('%s', (_, define, message) => {
    expect(define).toThrow(message);
  });
});

describe('mapped tasks', () => {
  it('serialize their expand sources and partial arguments; typed arguments reach the function', () => {
    const s = serializeDag(
      dag({ id: 'm' }, (d) => {
        const files = d.task('files', async () => ['a.csv', 'b.csv']);
        const loaded = d.map(
          'load',
          {
            expand: { file: files, mode: ['full', 'delta'] as const },
            partial: { table: 'events' },
            retries: 1,
          },
          async (_ctx, args) => {
            expectTypeOf(args).toEqualTypeOf<{ file: string; mode: 'full' | 'delta' } & { table: string }>();
            return args.file.length;
          },
        );
        expectTypeOf(loaded).toEqualTypeOf<TaskHandle<number[]>>();
        d.task('total', { inputs: [loaded] }, async (_ctx, counts) => counts.reduce((a, b) => a + b, 0));
      }),
    );
    expect(s.tasks[1]).toMatchObject({
      taskId: 'load',
      upstreams: ['files'],
      retries: 1,
      mapping: {
        expand: {
          file: { kind: 'upstream', taskId: 'files' },
          mode: { kind: 'literal', values: ['full', 'delta'] },
        },
        partial: { table: 'events' },
      },
    });
    expect(roundTrip(s)).toEqual(s);
  });

  it('refuse a key both expanded and partial, and non-JSON partial values', () => {
    expect(() =>
      dag({ id: 'm' }, (d) => void d.map('x', { expand: { a: [1] }, partial: { a: 2 } }, async () => 1)),
    ).toThrow(/"a" is both expanded and partial/);
    expect(() =>
      serializeDag(
        dag(
          { id: 'm' },
          (d) => void d.map('x', { expand: { a: [1] }, partial: { f: () => 1 } }, async () => 1),
        ),
      ),
    ).toThrow(/partial argument "f" must be JSON/);
  });
});

describe('typed outputs', () => {
  it('delivers upstream output types to the task function, and rejects mismatches at compile time', () => {
    dag({ id: 'typed', params: z.object({ n: z.number().default(1) }) }, (d) => {
      const extract = d.task('extract', async () => [1, 2, 3]);
      const label = d.task('label', async () => 'rows');
      const total = d.task('total', { inputs: [extract, label] }, async (ctx, xs, name) => {
        expectTypeOf(xs).toEqualTypeOf<number[]>();
        expectTypeOf(name).toEqualTypeOf<string>();
        expectTypeOf(ctx.params.n).toEqualTypeOf<number>();
        return { count: xs.length };
      });
      expectTypeOf(total).toEqualTypeOf<TaskHandle<{ count: number }>>();
      // @ts-expect-error: extract outputs number[], not string
      d.task('wrong', { inputs: [extract] }, async (_ctx, xs: string) => xs);
    });
  });
});

describe('branches, short-circuits and task groups', () => {
  it('serialize their kinds, respectTriggerRules, group ids and the group tree, and round-trip', () => {
    const s = serializeDag(
      dag({ id: 'g' }, (d) => {
        const b = d.branch('b', async () => null);
        const sc = d.shortCircuit('sc', { after: [b], respectTriggerRules: true }, async () => 1);
        d.shortCircuit('sc2', async () => 0);
        d.group('outer', { after: [sc], tooltip: 'tip' }, (g) => {
          g.task('x', async () => 1);
          g.group('inner', (i) => void i.task('y', async () => 2));
        });
      }),
    );
    expect(roundTrip(s)).toEqual(s);
    const pick = (t: SerializedTask) => [t.taskId, t.kind, t.respectTriggerRules, t.groupId, t.upstreams];
    expect(s.tasks.map(pick)).toEqual([
      ['b', 'branch', null, null, []],
      ['sc', 'short_circuit', true, null, ['b']],
      ['sc2', 'short_circuit', false, null, []],
      ['outer.x', 'task', null, 'outer', ['sc']],
      ['outer.inner.y', 'task', null, 'outer.inner', ['sc']],
    ]);
    expect(s.taskGroups).toEqual([
      {
        groupId: 'outer',
        parentGroupId: null,
        tooltip: 'tip',
        taskIds: ['outer.x'],
        childGroupIds: ['outer.inner'],
      },
      {
        groupId: 'outer.inner',
        parentGroupId: 'outer',
        tooltip: null,
        taskIds: ['outer.inner.y'],
        childGroupIds: [],
      },
    ]);
  });

  it('refuse a task waiting for its own group, an empty group, and an id used twice', () => {
    expect(() =>
      dag({ id: 'g' }, (d) => {
        d.group('grp', (g) => {
          const self = { groupId: 'grp', [Symbol.for('weir.task-group')]: true } as never;
          g.task('t', { after: [self] }, async () => 1);
        });
      }),
    ).toThrow('task "grp.t": after cannot wait for a group it is in');
    expect(() => dag({ id: 'g' }, (d) => void d.group('empty', () => {}))).toThrow(
      'task group "empty" defines no task',
    );
    expect(() =>
      dag({ id: 'g' }, (d) => {
        d.task('same', async () => 1);
        d.group('same', (g) => void g.task('t', async () => 1));
      }),
    ).toThrow('DAG "g" uses the id "same" twice');
  });
});

describe('setup and teardown', () => {
  it('serialize their roles, the teardown rule and setups as upstreams, and round-trip', () => {
    const s = serializeDag(
      dag({ id: 'st' }, (d) => {
        const create = d.setup('create', async () => 'cluster-1');
        const work = d.task('work', { inputs: [create] }, async (_ctx, name) => name.length);
        d.teardown('delete', { setups: [create], after: [work] }, async () => undefined);
        d.teardown('delete_strict', { setups: [create], failRun: true }, async () => undefined);
      }),
    );
    expect(roundTrip(s)).toEqual(s);
    const pick = (t: SerializedTask) => [t.taskId, t.setupTeardown, t.triggerRule, t.upstreams];
    expect(s.tasks.map(pick)).toEqual([
      ['create', { role: 'setup' }, 'all_success', []],
      ['work', null, 'all_success', ['create']],
      [
        'delete',
        { role: 'teardown', setups: ['create'], failRun: false },
        'all_done_setup_success',
        ['create', 'work'],
      ],
      [
        'delete_strict',
        { role: 'teardown', setups: ['create'], failRun: true },
        'all_done_setup_success',
        ['create'],
      ],
    ]);
  });

  it('refuse a teardown without setups, with a setups entry that is not a setup, or with a trigger rule', () => {
    expect(() => dag({ id: 'st' }, (d) => void d.teardown('t', { setups: [] }, async () => 1))).toThrow(
      'task "t" in DAG "st": a teardown needs setups: [...]',
    );
    expect(() =>
      dag({ id: 'st' }, (d) => {
        const plain = d.task('plain', async () => 1);
        d.teardown('t', { setups: [plain] }, async () => 1);
      }),
    ).toThrow('setups lists "plain", which is not a setup task (d.setup)');
    expect(() =>
      dag({ id: 'st' }, (d) => {
        const s = d.setup('s', async () => 1);
        d.teardown('t', { setups: [s], triggerRule: 'all_success' } as never, async () => 1);
      }),
    ).toThrow("a teardown's trigger rule is all_done_setup_success");
  });
});

describe('assets', () => {
  const raw = asset({ uri: 's3://lake/raw', name: 'raw', group: 'lake' });
  const dim = asset('pg://dim');
  it('serialize outlets and every schedule form, and round-trip', () => {
    const build = (schedule: DagOptions<undefined>['schedule']) =>
      serializeDag(dag({ id: 'a', schedule }, (d) => void d.task('t', { outlets: [raw] }, async () => 1)));
    const list = build([raw, dim]);
    expect(roundTrip(list)).toEqual(list);
    expect(list.tasks[0]?.outlets).toEqual([{ uri: 's3://lake/raw', name: 'raw', group: 'lake' }]);
    expect(list.schedule).toBeNull();
    expect(list.assetSchedule).toEqual({
      kind: 'all',
      of: [
        { kind: 'asset', uri: 's3://lake/raw', name: 'raw', group: 'lake' },
        { kind: 'asset', uri: 'pg://dim', name: 'pg://dim', group: 'asset' },
      ],
    });
    const nested = build(anyOf(dim, allOf(raw, dim)));
    expect(nested.assetSchedule).toMatchObject({ kind: 'any', of: [{ uri: 'pg://dim' }, { kind: 'all' }] });
    const either = build({ cron: '@daily', or: [raw] });
    expect([either.schedule, either.assetSchedule?.kind]).toEqual(['@daily', 'all']);
    expect(build('@hourly').assetSchedule).toBeNull();
  });
  it('refuse an empty list, a bad uri and an outlet that is not an asset', () => {
    expect(() =>
      serializeDag(dag({ id: 'a', schedule: [] }, (d) => void d.task('t', async () => 1))),
    ).toThrow('DAG "a": schedule lists no asset');
    expect(() => asset('has space')).toThrow('asset uri "has space" is invalid');
    expect(() =>
      serializeDag(
        dag({ id: 'a' }, (d) => void d.task('t', { outlets: ['s3://x' as never] }, async () => 1)),
      ),
    ).toThrow('outlets must list assets (asset(uri))');
  });
});
