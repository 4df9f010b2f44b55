// Airflow's weight rules (docs "Priority Weights"): downstream = own + every downstream task,
// upstream = own + every upstream task, absolute = own.
import { describe, expect, it } from 'vitest';
import { effectivePriorityWeights, type WeightedTask } from './priority.ts';

const task = (
  taskId: string,
  upstreams: string[],
  priorityWeight: number,
  weightRule: WeightedTask['weightRule'] = 'downstream',
): WeightedTask => ({
  taskId,
  upstreams,
  priorityWeight,
  weightRule,
});

describe('effectivePriorityWeights', () => {
  // a → b → d, a → c → d, d → e: a diamond, so d and e are reachable from a twice.
  const diamond = (rule: WeightedTask['weightRule']) => [
    task('a', [], 1, rule),
    task('b', ['a'], 2, rule),
    task('c', ['a'], 4, rule),
    task('d', ['b', 'c'], 8, rule),
    task('e', ['d'], 16, rule),
  ];

  it('downstream: own weight plus every task downstream, each counted once', () => {
    expect(effectivePriorityWeights(diamond('downstream'))).toEqual(
      new Map([
        ['a', 31],
        ['b', 26],
        ['c', 28],
        ['d', 24],
        ['e', 16],
      ]),
    );
  });

  it('upstream: own weight plus every task upstream, each counted once', () => {
    expect(effectivePriorityWeights(diamond('upstream'))).toEqual(
      new Map([
        ['a', 1],
        ['b', 3],
        ['c', 5],
        ['d', 15],
        ['e', 31],
      ]),
    );
  });

  it('absolute: own weight only', () => {
    expect(effectivePriorityWeights(diamond('absolute'))).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 4],
        ['d', 8],
        ['e', 16],
      ]),
    );
  });

  it('applies each task its own rule, summing relatives own weights', () => {
    const weights = effectivePriorityWeights([
      task('a', [], 1, 'absolute'),
      task('b', ['a'], 10, 'upstream'),
      task('c', ['b'], 100, 'downstream'),
    ]);
    expect(weights).toEqual(
      new Map([
        ['a', 1],
        ['b', 11],
        ['c', 100],
      ]),
    );
  });

  it('clamps to a 32-bit integer, as the database column is one', () => {
    const weights = effectivePriorityWeights([task('a', [], 2_000_000_000), task('b', ['a'], 2_000_000_000)]);
    expect(weights.get('a')).toBe(2_147_483_647);
  });
});
