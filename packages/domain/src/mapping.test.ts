import { describe, expect, it } from 'vitest';
import { argumentsAt, expansionLength } from './mapping.ts';

describe('mapping', () => {
  it('one list: one instance per element, in order', () => {
    const e = { keys: ['x'], lists: [[10, 20, 30]] };
    expect(expansionLength(e)).toBe(3);
    expect([0, 1, 2].map((i) => argumentsAt(e, i))).toEqual([{ x: 10 }, { x: 20 }, { x: 30 }]);
  });

  it('several lists: their cross product, last key fastest', () => {
    const e = {
      keys: ['file', 'mode'],
      lists: [
        ['a', 'b'],
        ['full', 'delta', 'check'],
      ],
    };
    expect(expansionLength(e)).toBe(6);
    expect(Array.from({ length: 6 }, (_, i) => argumentsAt(e, i))).toEqual([
      { file: 'a', mode: 'full' },
      { file: 'a', mode: 'delta' },
      { file: 'a', mode: 'check' },
      { file: 'b', mode: 'full' },
      { file: 'b', mode: 'delta' },
      { file: 'b', mode: 'check' },
    ]);
  });

  it('an empty list anywhere means no instances', () => {
    expect(expansionLength({ keys: ['a', 'b'], lists: [[1, 2], []] })).toBe(0);
    expect(expansionLength({ keys: [], lists: [] })).toBe(0);
  });
});
