import { buildRunGraph } from '@weir/engine';
import { dag, serializeDag } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { layoutGraph } from './graph-layout.ts';

const graph = buildRunGraph(
  serializeDag(
    dag({ id: 'g' }, (d) => {
      const a = d.task('a', async () => 1);
      const etl = d.group('etl', { after: [a] }, (g) => {
        const x = g.task('x', async () => 1);
        g.group('inner', { after: [x] }, (h) => void h.task('y', async () => 1));
      });
      d.task('b', { after: [etl], triggerRule: 'none_failed' }, async () => 1);
    }),
  ),
  null,
  [],
  [],
);

describe('layoutGraph', () => {
  it('lays tasks out left to right, each expanded group framing its tasks', () => {
    const { nodes, edges } = layoutGraph(graph, new Set());
    const at = Object.fromEntries(nodes.map((n) => [n.id, n]));
    expect(nodes.filter((n) => n.kind === 'task').map((n) => n.id)).toEqual([
      'a',
      'etl.x',
      'etl.inner.y',
      'b',
    ]);
    const a = at.a;
    const b = at.b;
    expect(a && b && a.x < b.x).toBe(true);
    for (const [frame, inside] of [
      ['frame:etl', ['etl.x', 'etl.inner.y']],
      ['frame:etl.inner', ['etl.inner.y']],
    ] as const) {
      const f = at[frame];
      if (!f) throw new Error(`no ${frame}`);
      for (const id of inside) {
        const n = at[id];
        if (!n) throw new Error(`no ${id}`);
        expect(n.x >= f.x && n.y >= f.y && n.x + n.w <= f.x + f.w && n.y + n.h <= f.y + f.h).toBe(true);
      }
    }
    expect(edges.find((e) => e.target === 'b')).toMatchObject({
      source: 'etl.inner.y',
      label: 'none_failed',
    });
  });

  it('folds a collapsed group into one node and reroutes its edges to it', () => {
    const { nodes, edges } = layoutGraph(graph, new Set(['etl']));
    expect(nodes.map((n) => `${n.kind}:${n.id}`)).toEqual(['group:group:etl', 'task:a', 'task:b']);
    expect(edges.map((e) => [e.source, e.target, e.label])).toEqual([
      ['a', 'group:etl', null],
      ['group:etl', 'b', 'none_failed'],
    ]);
    const group = nodes.find((n) => n.kind === 'group');
    expect(group).toMatchObject({ tasks: 2, state: 'none', states: { none: 2 } });
  });

  it('folds an inner group alone, inside its outer frame', () => {
    const { nodes } = layoutGraph(graph, new Set(['etl.inner']));
    expect(nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'etl.x', 'frame:etl', 'group:etl.inner']);
  });
});
