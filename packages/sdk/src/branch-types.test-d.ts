// Branch, short-circuit and group types at compile time (vitest's typecheck runs tsc over this
// file in `npm test`: every `expectTypeOf` must hold and every `@ts-expect-error` must be an error).
import { describe, expectTypeOf, it } from 'vitest';
import { type BranchChoice, dag, type TaskGroupHandle, type TaskHandle } from './index.ts';

describe('branch, short-circuit and group types', () => {
  it('a branch outputs the followed ids and returns a choice; a short-circuit outputs its value', () => {
    dag({ id: 'types' }, (d) => {
      // Choices are defined after the branch (they wait for it): return ids, or annotate the
      // return type to return their handles, or TypeScript sees a circular inference.
      const b = d.branch('b', async (): Promise<BranchChoice> => (Math.random() > 0.5 ? x : ['y', grp]));
      d.branch('by_id', async () => (Math.random() > 0.5 ? 'x' : null));
      expectTypeOf(b).toEqualTypeOf<TaskHandle<string[]>>();
      // @ts-expect-error: a branch returns task ids, handles, groups or null, not a number
      d.branch('bad', async () => 42);
      const sc = d.shortCircuit('sc', async () => ({ rows: 3 }));
      expectTypeOf(sc).toEqualTypeOf<TaskHandle<{ rows: number }>>();
      const x = d.task('x', { after: [b] }, async () => 1);
      d.task('y', { after: [b] }, async () => 1);
      const grp = d.group('grp', { after: [b] }, (g) => void g.task('z', async () => 1));
      expectTypeOf(grp).toEqualTypeOf<TaskGroupHandle>();
      // A group handle waits in `after`, but passes no value in `inputs`.
      d.task('after_grp', { after: [grp, sc] }, async () => 1);
      // @ts-expect-error: a group has no output to pass
      d.task('input_grp', { inputs: [grp] }, async () => 1);
    });
  });
});
