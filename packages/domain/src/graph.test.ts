import { describe, expect, it } from 'vitest';
import { downstreamMap, type GraphTask, leaves, roots, topologicalOrder, validateDagGraph } from './graph.ts';

const t = (taskId: string, ...upstreams: string[]): GraphTask => ({ taskId, upstreams });

// extract → [clean, enrich] → load → check
const pipeline = [
  t('extract'),
  t('clean', 'extract'),
  t('enrich', 'extract'),
  t('load', 'clean', 'enrich'),
  t('check', 'load'),
];

describe('validateDagGraph', () => {
  it('accepts a well-formed DAG', () => {
    expect(validateDagGraph(pipeline)).toEqual([]);
  });

  it('names duplicate task ids', () => {
    expect(validateDagGraph([t('a'), t('b', 'a'), t('a')])).toEqual([
      { code: 'duplicate_task_id', taskId: 'a', message: 'task id "a" is used by more than one task' },
    ]);
  });

  it('names unknown upstreams', () => {
    expect(validateDagGraph([t('a'), t('b', 'a', 'ghost')])).toEqual([
      {
        code: 'unknown_upstream',
        taskId: 'b',
        upstreamId: 'ghost',
        message: 'task "b" depends on "ghost", which is not a task of this DAG',
      },
    ]);
  });

  it('names the tasks of a cycle, in run order', () => {
    const problems = validateDagGraph([
      t('start'),
      t('a', 'start', 'c'),
      t('b', 'a'),
      t('c', 'b'),
      t('end', 'c'),
    ]);
    expect(problems).toEqual([
      {
        code: 'cycle',
        path: ['a', 'b', 'c', 'a'],
        message: 'tasks depend on each other in a cycle: a → b → c → a',
      },
    ]);
  });

  it('reports a task depending on itself, and separate cycles separately', () => {
    const problems = validateDagGraph([t('self', 'self'), t('x', 'y'), t('y', 'x')]);
    expect(problems.map((p) => (p.code === 'cycle' ? p.path.join(' → ') : p.code))).toEqual([
      'self → self',
      'x → y → x',
    ]);
  });
});

describe('graph views', () => {
  it('maps each task to its downstream tasks', () => {
    expect(downstreamMap(pipeline)).toEqual(
      new Map([
        ['extract', ['clean', 'enrich']],
        ['clean', ['load']],
        ['enrich', ['load']],
        ['load', ['check']],
        ['check', []],
      ]),
    );
  });

  it('finds leaves and roots', () => {
    expect(leaves(pipeline)).toEqual(['check']);
    expect(leaves([t('a'), t('b', 'a'), t('c', 'a')])).toEqual(['b', 'c']);
    expect(roots([t('a'), t('b', 'a'), t('c')])).toEqual(['a', 'c']);
  });

  it('orders tasks after their upstreams, definition order breaking ties', () => {
    expect(topologicalOrder(pipeline)).toEqual(['extract', 'clean', 'enrich', 'load', 'check']);
    // Defined downstream-first: still upstreams first.
    expect(topologicalOrder([t('c', 'b'), t('b', 'a'), t('z'), t('a')])).toEqual(['z', 'a', 'b', 'c']);
  });

  it('refuses to order a cycle, naming it', () => {
    expect(() => topologicalOrder([t('a', 'b'), t('b', 'a')])).toThrow(
      'tasks depend on each other in a cycle: a → b → a',
    );
  });

  it('handles a long chain without overflowing the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? t('t0') : t(`t${i}`, `t${i - 1}`)));
    expect(validateDagGraph(chain)).toEqual([]);
    expect(topologicalOrder(chain).at(-1)).toBe('t19999');
  });
});
