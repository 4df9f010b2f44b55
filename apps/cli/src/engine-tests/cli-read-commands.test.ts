// The read-only `weir dags …` and `weir tasks …` commands as users run them: the real CLI in a
// child process against a database whose runs real worker and scheduler processes completed.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWeir, startWeir } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const GROUPED_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'grouped' }, (d) => {
  const start = d.task('start', async () => 'go');
  const etl = d.group('etl', { after: [start], tooltip: 'extract and load' }, (g) => {
    const extract = g.task('extract', async (ctx) => {
      ctx.log.info('extracting', { rows: 3 });
      console.log('printed by extract');
      return [1, 2, 3];
    });
    g.task('load', { inputs: [extract] }, async (_ctx, rows) => rows.length);
  });
  const fan = d.map('fan', { expand: { n: [10, 20, 30] } }, async (ctx, { n }) => {
    ctx.log.info(\`item \${n}\`);
    return n;
  });
  d.task('notify', { after: [etl, fan] }, async () => 'done');
});
`;

const HOURLY_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'hourly', schedule: '0 * * * *', startDate: '2030-01-01' }, (d) => {
  d.task('only', async () => 1);
});
`;

const MANUAL_DAG = `
import { dag } from '@weir/sdk';
export default dag({ id: 'manual_only', pausedAtCreation: true }, (d) => {
  d.task('only', async () => 1);
});
`;

const followDag = (marker: string) => `
import { existsSync } from 'node:fs';
import { dag } from '@weir/sdk';
export default dag({ id: 'follow' }, (d) => {
  d.task('waits', async (ctx) => {
    ctx.log.info('waiting for the marker');
    while (!existsSync(${JSON.stringify(marker)})) await new Promise((r) => setTimeout(r, 100));
    ctx.log.info('marker found');
  });
});
`;

const json = <T>(text: string): T => JSON.parse(text) as T;

describe('weir read commands', () => {
  let h: Harness;
  let runId: string;
  beforeAll(async () => {
    h = await startHarness();
    h.writeDag('grouped.ts', GROUPED_DAG);
    h.writeDag('hourly.ts', HOURLY_DAG);
    h.writeDag('manual_only.ts', MANUAL_DAG);
    h.writeDag(
      'broken.ts',
      "import { dag } from '@weir/sdk'; export default dag({ id: 'broken', schedule: 'every day' }, () => {});",
    );
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('dags list parses the DAG folder when nothing is stored, and again only what changed', async () => {
    expect(await h.database.db.dag.count()).toBe(0);
    const first = await runWeir(['dags', 'list', '--json'], h.env);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^weir: parsed 4 new or changed DAG file\(s\) in /);
    expect(json<{ dagId: string; paused: boolean }[]>(first.stdout).map((d) => [d.dagId, d.paused])).toEqual([
      ['grouped', false],
      ['hourly', false],
      ['manual_only', true],
    ]);
    const again = await runWeir(['dags', 'list'], h.env);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^dag_id +\| schedule +\| paused \| fileloc\n/);
    expect(again.stdout).toMatch(/import errors \(1\):\n {2}DAG file .*broken\.ts failed to import/);

    // A new file, a changed file (newer than its stored parse) and a removed file.
    const extra = h.writeDag('extra.ts', HOURLY_DAG.replace("'hourly'", "'extra'"));
    writeFileSync(
      join(h.dir, 'manual_only.ts'),
      MANUAL_DAG.replace("id: 'manual_only'", "id: 'manual_only', tags: ['t']"),
    );
    const changed = await runWeir(['dags', 'list', '--json'], h.env);
    expect(changed.stderr).toMatch(/^weir: parsed 2 new or changed DAG file\(s\)/);
    expect(json<{ dagId: string }[]>(changed.stdout).map((d) => d.dagId)).toEqual([
      'extra',
      'grouped',
      'hourly',
      'manual_only',
    ]);
    expect((await h.database.db.dag.findUniqueOrThrow({ where: { dagId: 'manual_only' } })).tags).toEqual([
      't',
    ]);
    rmSync(extra);
    const removed = await runWeir(['dags', 'list', '--json'], h.env);
    expect(removed.stderr).toMatch(/retired 1 removed file\(s\)/);
    expect(json<{ dagId: string }[]>(removed.stdout).map((d) => d.dagId)).not.toContain('extra');
  }, 150_000);

  it('dags list-import-errors prints each failed file once', async () => {
    const result = await runWeir(['dags', 'list-import-errors', '--json'], h.env);
    expect(result.code).toBe(0);
    const errors = json<{ fileloc: string; message: string }[]>(result.stdout);
    expect(errors.map((e) => e.fileloc)).toEqual([join(h.dir, 'broken.ts')]);
    expect(errors[0]?.message).toMatch(/DAG "broken": schedule "every day"/);
    const table = await runWeir(['dags', 'list-import-errors'], h.env);
    expect(table.stdout.split('\n')[0]).toMatch(/^fileloc +\| at +\| error$/);
    expect(table.stdout).toContain('broken.ts');
  });

  it('dags show prints the graph in topological order with its task groups, and as DOT', async () => {
    const result = await runWeir(['dags', 'show', 'grouped', '--json'], h.env);
    const graph = json<{
      tasks: { taskId: string; upstreams: string[]; groupId: string | null; mapped: boolean }[];
      taskGroups: { groupId: string; taskIds: string[] }[];
    }>(result.stdout);
    expect(graph.tasks.map((t) => [t.taskId, t.upstreams, t.groupId, t.mapped])).toEqual([
      ['start', [], null, false],
      ['etl.extract', ['start'], 'etl', false],
      ['etl.load', ['etl.extract'], 'etl', false],
      ['fan', [], null, true],
      ['notify', ['etl.load', 'fan'], null, false],
    ]);
    expect(graph.taskGroups.map((g) => [g.groupId, g.taskIds])).toEqual([
      ['etl', ['etl.extract', 'etl.load']],
    ]);

    const text = await runWeir(['dags', 'show', 'grouped'], h.env);
    expect(text.stdout).toMatch(/^DAG grouped: schedule None, 5 task\(s\)\n/);
    expect(text.stdout).toMatch(/\netl\.load +\| task +\| etl\.extract +\| etl +\| all_success\n/);
    expect(text.stdout).toMatch(/\nfan +\| task \(mapped\) +\| - /);
    expect(text.stdout).toContain('\ntask groups:\netl/  (extract and load)\n  etl.extract\n  etl.load\n');

    const dot = await runWeir(['dags', 'show', 'grouped', '--dot'], h.env);
    expect(dot.stdout).toMatch(/^digraph "grouped" \{\n/);
    expect(dot.stdout).toMatch(
      /subgraph "cluster_etl" \{\n\s+label="etl";\n\s+"etl.extract";\n\s+"etl.load";\n\s+\}/,
    );
    expect(dot.stdout).toContain('"start" -> "etl.extract";');
    expect(dot.stdout).toContain('"fan" -> "notify";');
  });

  it('tasks list prints task ids in order, or their tree', async () => {
    expect((await runWeir(['tasks', 'list', 'grouped'], h.env)).stdout).toBe(
      'start\netl.extract\netl.load\nfan\nnotify\n',
    );
    expect((await runWeir(['tasks', 'list', 'grouped', '--tree'], h.env)).stdout).toBe(
      [
        'start',
        '└── etl.extract',
        '    └── etl.load',
        '        └── notify',
        'fan (mapped)',
        '└── notify',
        '',
      ].join('\n'),
    );
  });

  it('dags next-execution gives the next logical dates, None without a schedule, and notes a paused DAG', async () => {
    const hourly = await runWeir(['dags', 'next-execution', 'hourly', '--num', '3'], h.env);
    expect(hourly.code).toBe(0);
    expect(hourly.stdout).toBe(
      '2030-01-01T00:00:00.000Z\n2030-01-01T01:00:00.000Z\n2030-01-01T02:00:00.000Z\n',
    );
    expect(hourly.stderr).toBe('');
    const asJson = json<{ next: { dataIntervalEnd: string }[] }>(
      (await runWeir(['dags', 'next-execution', 'hourly', '--json'], h.env)).stdout,
    );
    expect(asJson.next).toEqual([expect.objectContaining({ dataIntervalEnd: '2030-01-01T01:00:00.000Z' })]);
    const manual = await runWeir(['dags', 'next-execution', 'manual_only'], h.env);
    expect(manual.stdout).toBe('None\n');
    expect(manual.stderr).toMatch(/^weir: DAG manual_only is paused: .*weir dags unpause manual_only/);
  });

  it('a run completed by real processes: list-runs, state, states-for-dag-run', async () => {
    h.start('worker');
    h.start('scheduler', '--no-dag-processor');
    const run = await h.engine.trigger({ dagId: 'grouped' });
    runId = run.runId;
    expect(await h.waitForRun(run.id)).toBe('success');

    const runs = json<{ runId: string; state: string; runType: string }[]>(
      (await runWeir(['dags', 'list-runs', 'grouped', '--json'], h.env)).stdout,
    );
    expect(runs.map((r) => [r.runId, r.state, r.runType])).toEqual([[runId, 'success', 'manual']]);
    expect(
      (await runWeir(['dags', 'list-runs', 'grouped', '--state', 'failed', '--json'], h.env)).stdout,
    ).toBe('[]\n');
    const table = await runWeir(['dags', 'list-runs', 'grouped'], h.env);
    expect(table.stdout).toMatch(
      /^run_id +\| state +\| run_type \| logical_date +\| start_date +\| end_date\n/,
    );
    expect(table.stdout).toContain(`${runId} | success | manual`);

    const state = await runWeir(['dags', 'state', 'grouped', runId], h.env);
    expect([state.code, state.stdout]).toEqual([0, 'success\n']);

    const instances = json<
      { taskId: string; mapIndex: number; state: string; tryNumber: number; startedAt: string }[]
    >((await runWeir(['tasks', 'states-for-dag-run', 'grouped', runId, '--json'], h.env)).stdout);
    expect(instances.map((t) => [t.taskId, t.mapIndex, t.state, t.tryNumber])).toEqual([
      ['start', -1, 'success', 1],
      ['etl.extract', -1, 'success', 1],
      ['etl.load', -1, 'success', 1],
      ['fan', 0, 'success', 1],
      ['fan', 1, 'success', 1],
      ['fan', 2, 'success', 1],
      ['notify', -1, 'success', 1],
    ]);
    expect(instances.every((t) => !Number.isNaN(Date.parse(t.startedAt)))).toBe(true);
    const states = await runWeir(['tasks', 'states-for-dag-run', 'grouped', runId], h.env);
    expect(states.stdout.split('\n')[0]).toMatch(
      /^task_id +\| map_index \| state +\| try_number \| start_date +\| end_date$/,
    );
  }, 120_000);

  it('tasks logs prints one try, by map index, and says what is wrong in one line', async () => {
    const extract = await runWeir(['tasks', 'logs', 'grouped', runId, 'etl.extract'], h.env);
    expect(extract.code).toBe(0);
    expect(extract.stdout).toMatch(/^\[\S+Z\] INFO extracting \{"rows":3\}\n/);
    expect(extract.stdout).toMatch(/\n\[\S+Z\] STDOUT printed by extract\n/);
    const second = await runWeir(['tasks', 'logs', 'grouped', runId, 'fan', '--map-index', '1'], h.env);
    expect(second.stdout).toMatch(/^\[\S+Z\] INFO item 20\n$/);

    const cases: [string[], number, string][] = [
      [['fan'], 1, `weir: task "fan" is mapped into 3 instance(s): name one with --map-index 0..2\n`],
      [['fan', '--map-index', '7'], 1, `weir: task "fan" has no map index 7: it has 3 instance(s), 0..2\n`],
      [
        ['start', '--try', '2'],
        1,
        `weir: task "start" of run "${runId}" has no try 2: it has tried 1 time(s)\n`,
      ],
      [['start', '--try', 'two'], 2, 'weir: --try must be a whole number ≥ 1, got "two"\n'],
      [['nope'], 1, `weir: run "${runId}" of DAG "grouped" has no task "nope"\n`],
    ];
    const results = await Promise.all(
      cases.map(([args]) => runWeir(['tasks', 'logs', 'grouped', runId, ...args], h.env)),
    );
    expect(results.map((r, i) => [cases[i]?.[0], r.code, r.stderr])).toEqual(cases);
  }, 60_000);

  it('tasks logs --follow prints lines while the try runs and stops when it ends', async () => {
    const marker = join(h.dir, 'marker');
    h.writeDag('follow.ts', followDag(marker));
    await h.processor.processOnce();
    const run = await h.engine.trigger({ dagId: 'follow' });
    const follow = startWeir(['tasks', 'logs', 'follow', run.runId, 'waits', '--follow'], h.env);
    const exited = new Promise<number | null>((resolve) => follow.child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!follow.output().includes('waiting for the marker') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(follow.output()).toContain('waiting for the marker');
    expect(follow.output()).not.toContain('marker found');
    expect(follow.child.exitCode).toBeNull();
    writeFileSync(marker, '');
    expect(await exited).toBe(0);
    expect(follow.output()).toMatch(
      /INFO waiting for the marker\n.*INFO marker found\n.*try 1 ended: success\n/s,
    );
    expect(existsSync(marker)).toBe(true);
  }, 90_000);

  it('names what is missing or wrong in one line: exit 1 for not found, 2 for bad usage', async () => {
    const cases: [string[], number, string][] = [
      [
        ['dags', 'state', 'grouped', 'manual__nope'],
        1,
        'weir: run "manual__nope" of DAG "grouped" not found\n',
      ],
      [['dags', 'state', 'nope', 'x'], 1, 'weir: DAG "nope" not found\n'],
      [['dags', 'show', 'nope'], 1, 'weir: DAG "nope" not found\n'],
      [['dags', 'list-runs', 'nope'], 1, 'weir: DAG "nope" not found\n'],
      [['tasks', 'states-for-dag-run', 'grouped', 'x'], 1, 'weir: run "x" of DAG "grouped" not found\n'],
      [
        ['dags', 'list-runs', 'grouped', '--limit', '0'],
        2,
        'weir: --limit must be a positive whole number, got "0"\n',
      ],
      [
        ['dags', 'list-runs', 'grouped', '--state', 'done'],
        2,
        'weir: --state must be one of queued, running, success, failed, got "done"\n',
      ],
      [
        ['dags', 'next-execution', 'hourly', '--num', 'x'],
        2,
        'weir: --num must be a positive whole number, got "x"\n',
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runWeir(args, h.env)));
    expect(results.map((r, i) => [cases[i]?.[0], r.code, r.stderr])).toEqual(cases);
    const unknown = await runWeir(['dags', 'list-runs', 'grouped', '--bogus'], h.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'\n/);
  }, 90_000);

  it('dags backfill --dry-run --json prints the plan', async () => {
    const result = await runWeir(
      [
        'dags',
        'backfill',
        'hourly',
        '--from',
        '2030-01-01T00:00:00Z',
        '--to',
        '2030-01-01T02:00:00Z',
        '--dry-run',
        '--json',
      ],
      h.env,
    );
    expect(result.code).toBe(0);
    const out = json<{ backfillId: number | null; plan: { logicalDate: string; action: string }[] }>(
      result.stdout,
    );
    expect(out.backfillId).toBeNull();
    expect(out.plan.map((p) => p.logicalDate)).toEqual([
      '2030-01-01T00:00:00.000Z',
      '2030-01-01T01:00:00.000Z',
      '2030-01-01T02:00:00.000Z',
    ]);
  });
});
