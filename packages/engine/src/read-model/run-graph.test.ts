import { asset, dag, serializeDag } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { assetNodeId, buildRunGraph, RunGraphSchema } from './run-graph.ts';
import { summaryState } from './state-summary.ts';

const lake = asset({ uri: 's3://lake/raw', name: 'raw' });
const report = asset('warehouse://report');
const shapes = serializeDag(
  dag({ id: 'shapes', schedule: [lake] }, (d) => {
    const extract = d.task('extract', async () => [1, 2]);
    const etl = d.group('etl', { after: [extract], tooltip: 'clean and load' }, (g) => {
      const clean = g.map('clean', { expand: { x: extract } }, async (_ctx, args) => args.x);
      g.task('load', { after: [clean] }, async () => 1);
    });
    d.task('report', { after: [etl], triggerRule: 'all_done', outlets: [report] }, async () => 1);
  }),
);
const run = { runId: 'r1', state: 'running' as const, logicalDate: new Date('2026-01-01T00:00:00Z') };

describe('buildRunGraph', () => {
  it('labels an edge with the downstream trigger rule only where it is not all_success', () => {
    const graph = buildRunGraph(shapes, run, [run], []);
    const task = graph.edges.filter((e) => e.kind === 'task');
    expect(task).toEqual([
      { source: 'extract', target: 'etl.clean', kind: 'task', label: null },
      { source: 'etl.clean', target: 'etl.load', kind: 'task', label: null },
      { source: 'etl.load', target: 'report', kind: 'task', label: 'all_done' },
    ]);
    expect(graph.groups).toEqual([{ groupId: 'etl', parentGroupId: null, tooltip: 'clean and load' }]);
    expect(RunGraphSchema.parse(graph)).toEqual(graph);
  });

  it('makes outlets and schedule assets nodes: task → asset, asset → the DAG’s roots', () => {
    const graph = buildRunGraph(shapes, run, [run], []);
    expect(graph.assets).toEqual([
      { uri: 'warehouse://report', name: 'warehouse://report' },
      { uri: 's3://lake/raw', name: 'raw' },
    ]);
    expect(graph.edges.filter((e) => e.kind !== 'task')).toEqual([
      { source: 'report', target: assetNodeId('warehouse://report'), kind: 'outlet', label: null },
      { source: assetNodeId('s3://lake/raw'), target: 'extract', kind: 'schedule', label: null },
    ]);
  });

  it("gives each task the run's state; a mapped task its most telling instance's, with counts", () => {
    const graph = buildRunGraph(
      shapes,
      run,
      [run],
      [
        { taskId: 'extract', mapIndex: -1, state: 'success', tryNumber: 2 },
        { taskId: 'etl.clean', mapIndex: 0, state: 'success', tryNumber: 1 },
        { taskId: 'etl.clean', mapIndex: 1, state: 'running', tryNumber: 1 },
        { taskId: 'etl.clean', mapIndex: 2, state: 'success', tryNumber: 1 },
      ],
    );
    const byId = Object.fromEntries(graph.tasks.map((t) => [t.taskId, t]));
    expect(byId.extract).toMatchObject({ state: 'success', tryNumber: 2, mappedStates: null });
    expect(byId['etl.clean']).toMatchObject({
      state: 'running',
      mapped: true,
      groupId: 'etl',
      mappedStates: { success: 2, running: 1 },
    });
    expect(byId.report).toMatchObject({ state: null, tryNumber: null, triggerRule: 'all_done' });
  });

  it('without a run colours nothing', () => {
    const graph = buildRunGraph(shapes, null, [], []);
    expect(graph.run).toBeNull();
    expect(graph.tasks.every((t) => t.state === null)).toBe(true);
  });
});

describe('summaryState', () => {
  it('prefers failure, then activity, then success', () => {
    expect(summaryState(['success', 'failed', 'running'])).toBe('failed');
    expect(summaryState(['success', 'queued', 'running'])).toBe('queued');
    expect(summaryState(['success', 'skipped'])).toBe('success');
    expect(summaryState([])).toBeNull();
  });
});
