// Branching (`d.branch`), short-circuit (`d.shortCircuit`) and task groups (`d.group`), through
// real dag processor, scheduler and worker processes: what is skipped, how the skip propagates
// through trigger rules (Airflow's rules: an all_success join after a branch is skipped), and
// the group's ids, defaults and dependencies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const DAGS: Record<string, string> = {
  'branching.ts': `
import { type BranchChoice, dag } from '@weir/sdk';
export default dag({ id: 'branching' }, (d) => {
  const pick = d.task('pick', async () => 'left');
  const choose = d.branch('choose', { inputs: [pick] }, async (_ctx, which): Promise<BranchChoice> => (which === 'left' ? left : 'right'));
  const left = d.task('left', { after: [choose] }, async () => 'went left');
  const right = d.task('right', { after: [choose] }, async () => 'went right');
  d.task('left_child', { inputs: [left] }, async (_ctx, v) => v + '!');
  d.task('right_child', { inputs: [right] }, async (_ctx, v) => v + '!');
  d.task('join_all_success', { after: [left, right] }, async () => 'joined');
  d.task('join_none_failed', { after: [left, right], triggerRule: 'none_failed_min_one_success' }, async () => 'joined');

  const nowhere = d.branch('nowhere', async () => null);
  d.task('a', { after: [nowhere] }, async () => 1);
  d.task('b', { after: [nowhere] }, async () => 2);

  const wrong = d.branch('wrong', async () => 'not_a_child');
  d.task('c', { after: [wrong] }, async () => 3);

  // Branching on a mapped upstream's outputs, into a task group.
  const sizes = d.map('sizes', { expand: { n: [1, 2, 3] } }, async (_ctx, { n }) => n * 10);
  const bySize = d.branch('by_size', { inputs: [sizes] }, async (_ctx, xs) => (xs.reduce((s, x) => s + (x ?? 0), 0) > 50 ? 'big' : 'small'));
  const big = d.group('big', { after: [bySize] }, (g) => {
    const first = g.task('first', async () => 'big first');
    g.task('second', { inputs: [first] }, async (_ctx, v) => v + ', then second');
  });
  d.task('small', { after: [bySize] }, async () => 'small');
  d.task('after_big', { after: [big] }, async () => 'after big');
});`,
  'short_circuit.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'short_circuit' }, (d) => {
  const no = d.shortCircuit('no', async () => 0);
  const child = d.task('child', { after: [no] }, async () => 'never');
  d.task('grandchild_all_done', { after: [child], triggerRule: 'all_done' }, async () => 'never');

  const soft = d.shortCircuit('soft', { respectTriggerRules: true }, async () => '');
  const softChild = d.task('soft_child', { after: [soft] }, async () => 'never');
  d.task('soft_grandchild_all_done', { after: [softChild], triggerRule: 'all_done' }, async () => 'ran');

  const yes = d.shortCircuit('yes', async () => ({ rows: 3 }));
  d.task('yes_child', { inputs: [yes] }, async (_ctx, v) => v.rows * 2);
});`,
  'groups.ts': `
import { dag } from '@weir/sdk';
export default dag({ id: 'groups', defaults: { retries: 1, retryDelay: 0 } }, (d) => {
  const start = d.task('start', async () => 'go');
  const etl = d.group('etl', { after: [start], retries: 3, pool: 'default', tooltip: 'extract, clean, load' }, (g) => {
    const extract = g.task('extract', async () => [1, 2, 3]);
    const clean = g.group('clean', { retries: 0 }, (c) => {
      c.task('dedup', { inputs: [extract] }, async (_ctx, xs) => [...new Set(xs)]);
      c.task('validate', { inputs: [extract], retries: 5 }, async () => true);
    });
    g.task('load', { after: [clean] }, async () => 'loaded');
    g.task('side', async () => 'a root of etl');
  });
  d.task('done', { after: [etl] }, async () => 'done');
});`,
};

describe('branching, short-circuit and task groups', () => {
  let h: Harness;
  const runs: Record<string, Record<string, { state: string; tryNumber: number }>> = {};

  beforeAll(async () => {
    h = await startHarness();
    for (const [file, source] of Object.entries(DAGS)) h.writeDag(file, source);
    const report = await h.processor.processOnce();
    expect(report.parsed.map((p) => p.importError)).toEqual([null, null, null]);
    h.start('worker', '--concurrency', '4');
    h.start('scheduler');
    for (const dagId of ['branching', 'short_circuit', 'groups']) {
      const run = await h.engine.trigger({ dagId });
      await h.waitForRun(run.id);
      runs[dagId] = await h.tasks(run.id);
    }
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  const states = (dagId: string, ids: string[]) =>
    Object.fromEntries(ids.map((id) => [id, runs[dagId]?.[id]?.state]));

  it('follows the chosen task, skips the other direct downstream, and joins as Airflow does', async () => {
    expect(
      states('branching', [
        'choose',
        'left',
        'left_child',
        'right',
        'right_child',
        'join_all_success',
        'join_none_failed',
      ]),
    ).toEqual({
      choose: 'success',
      left: 'success',
      left_child: 'success',
      right: 'skipped',
      right_child: 'skipped',
      join_all_success: 'skipped',
      join_none_failed: 'success',
    });
    // The branch's output is what it chose, as Airflow's branch pushes the followed task ids.
    const xcom = await h.database.db.xCom.findFirst({ where: { dagId: 'branching', taskId: 'choose' } });
    expect(xcom?.value).toEqual(['left']);
  });

  it('skips every direct downstream on null, and fails a choice that is not a direct downstream', async () => {
    expect(states('branching', ['nowhere', 'a', 'b', 'wrong', 'c'])).toEqual({
      nowhere: 'success',
      a: 'skipped',
      b: 'skipped',
      wrong: 'failed',
      c: 'upstream_failed',
    });
    const attempt = await h.database.db.taskAttempt.findFirst({
      where: { taskInstance: { dagId: 'branching', taskId: 'wrong' } },
    });
    expect(attempt?.error).toContain('"not_a_child" is not a direct downstream task of branch "wrong"');
    expect(attempt?.error).toContain('c');
  });

  it('branches on a mapped upstream’s outputs into a task group, by the group’s id', () => {
    expect(states('branching', ['by_size', 'big.first', 'big.second', 'small', 'after_big'])).toEqual({
      by_size: 'success',
      'big.first': 'success',
      'big.second': 'success',
      small: 'skipped',
      after_big: 'success',
    });
  });

  it('a falsy short-circuit skips everything downstream, whatever its trigger rules', () => {
    expect(states('short_circuit', ['no', 'child', 'grandchild_all_done'])).toEqual({
      no: 'success',
      child: 'skipped',
      grandchild_all_done: 'skipped',
    });
  });

  it('with respectTriggerRules, only direct downstreams are skipped and trigger rules decide the rest', () => {
    expect(states('short_circuit', ['soft', 'soft_child', 'soft_grandchild_all_done'])).toEqual({
      soft: 'success',
      soft_child: 'skipped',
      soft_grandchild_all_done: 'success',
    });
  });

  it('a truthy short-circuit passes its value downstream', async () => {
    expect(states('short_circuit', ['yes', 'yes_child'])).toEqual({ yes: 'success', yes_child: 'success' });
    const xcom = await h.database.db.xCom.findFirst({
      where: { dagId: 'short_circuit', taskId: 'yes_child' },
    });
    expect(xcom?.value).toBe(6);
  });

  it('runs a task group: prefixed ids, the group’s defaults, its after on its roots, its handle as its leaves', async () => {
    expect(Object.keys(runs.groups ?? {}).sort()).toEqual([
      'done',
      'etl.clean.dedup',
      'etl.clean.validate',
      'etl.extract',
      'etl.load',
      'etl.side',
      'start',
    ]);
    expect(Object.values(runs.groups ?? {}).every((t) => t.state === 'success')).toBe(true);
    const stored = await h.database.db.dag.findUniqueOrThrow({ where: { dagId: 'groups' } });
    const dag = stored.serialized as unknown as {
      tasks: { taskId: string; upstreams: string[]; retries: number; groupId: string | null }[];
      taskGroups: {
        groupId: string;
        parentGroupId: string | null;
        taskIds: string[];
        childGroupIds: string[];
      }[];
    };
    const task = (id: string) => dag.tasks.find((t) => t.taskId === id);
    // Roots of etl wait for start; a task with an upstream inside the group does not.
    expect(task('etl.extract')?.upstreams).toEqual(['start']);
    expect(task('etl.side')?.upstreams).toEqual(['start']);
    expect(task('etl.clean.dedup')?.upstreams).toEqual(['etl.extract']);
    // The inner group's handle stands for its leaves; the outer one's for all of its leaves.
    expect(task('etl.load')?.upstreams).toEqual(['etl.clean.dedup', 'etl.clean.validate']);
    expect(task('done')?.upstreams).toEqual(['etl.load', 'etl.side']);
    // Defaults: the DAG's, then each enclosing group's, then the task's own.
    expect(
      ['start', 'etl.extract', 'etl.clean.dedup', 'etl.clean.validate'].map((id) => task(id)?.retries),
    ).toEqual([1, 3, 0, 5]);
    expect(task('etl.clean.dedup')?.groupId).toBe('etl.clean');
    expect(dag.taskGroups).toEqual([
      {
        groupId: 'etl',
        parentGroupId: null,
        tooltip: 'extract, clean, load',
        taskIds: ['etl.extract', 'etl.load', 'etl.side'],
        childGroupIds: ['etl.clean'],
      },
      {
        groupId: 'etl.clean',
        parentGroupId: 'etl',
        tooltip: null,
        taskIds: ['etl.clean.dedup', 'etl.clean.validate'],
        childGroupIds: [],
      },
    ]);
  });
});
