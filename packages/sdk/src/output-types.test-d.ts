// Output types at compile time: a downstream input's type is what decodeOutput delivers, and a
// task returning something that cannot be stored does not compile. Vitest's typecheck mode runs
// tsc over this file in `npm test`: every `expectTypeOf` must hold and every `@ts-expect-error`
// line must be an error.
import { Socket } from 'node:net';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AsStorable, dag, type Storable, type TaskHandle } from './index.ts';

interface Summary {
  readonly rows: number;
  readonly at: Date;
  readonly byTable: Map<string, bigint>;
  readonly note?: string;
}

describe('output types', () => {
  it('delivers Date, Map, Set, bigint, typed arrays and interfaces downstream as themselves', () => {
    const built = dag({ id: 'types' }, (d) => {
      const extract = d.task('extract', async () => ({
        at: new Date(),
        big: new Map<string, Set<bigint>>(),
        bytes: new Uint8Array(4),
        pattern: /x/g,
        missing: undefined,
      }));
      const summary = d.task(
        'summary',
        async (): Promise<Summary> => ({
          rows: 1,
          at: new Date(),
          byTable: new Map(),
        }),
      );
      d.task('load', { inputs: [extract, summary] }, async (_ctx, out, sum) => {
        expectTypeOf(out.at).toEqualTypeOf<Date>();
        expectTypeOf(out.big).toEqualTypeOf<Map<string, Set<bigint>>>();
        expectTypeOf(out.bytes).toEqualTypeOf<Uint8Array<ArrayBuffer>>();
        expectTypeOf(out.pattern).toEqualTypeOf<RegExp>();
        expectTypeOf(out.missing).toEqualTypeOf<undefined>();
        expectTypeOf(sum).toEqualTypeOf<Summary>();
        return sum.rows;
      });
      const parts = d.map('parts', { expand: { n: [1, 2] } }, async (_ctx, { n }) =>
        n > 1 ? new Date(n) : undefined,
      );
      // An instance that returned nothing arrives as null, and the type says so.
      expectTypeOf(parts).toEqualTypeOf<TaskHandle<(Date | null)[]>>();
      const waited = d.sensor('waited', async () => (Math.random() > 0.5 ? new Map([[1, 'a']]) : null));
      expectTypeOf(waited).toEqualTypeOf<TaskHandle<Map<number, string>>>();
    });
    expect(built.tasks.size).toBe(5);
  });

  it('accepts unknown, void and Storable, which are checked when the task runs', () => {
    dag({ id: 'loose' }, (d) => {
      expectTypeOf(d.task('parsed', async () => JSON.parse('{}') as unknown)).toEqualTypeOf<
        TaskHandle<unknown>
      >();
      expectTypeOf(d.task('nothing', () => {})).toEqualTypeOf<TaskHandle<void>>();
      const value: Storable = { at: new Date(), list: [1n, null], m: new Map([['k', new Set([/x/])]]) };
      // Annotated, not expectTypeOf: its deep comparison gives up on a recursive type.
      const storable: TaskHandle<Storable> = d.task('storable', () => value);
      d.task('reads_storable', { inputs: [storable] }, (_ctx, v) =>
        expectTypeOf(v).toEqualTypeOf<Storable>(),
      );
    });
    expectTypeOf<AsStorable<{ a: Date; b: readonly number[] }>>().toEqualTypeOf<{
      a: Date;
      b: readonly number[];
    }>();
  });

  it('refuses functions, symbols, Promises and objects with methods anywhere in the output', () => {
    dag({ id: 'refused' }, (d) => {
      // @ts-expect-error a function cannot be stored
      d.task('fn', () => () => 1);
      // @ts-expect-error a function nested in the output
      d.task('nested_fn', async () => ({ rows: [{ format: (n: number) => `${n}` }] }));
      // @ts-expect-error a symbol cannot be stored
      d.task('sym', () => ({ tag: Symbol('t') }));
      // @ts-expect-error a Promise nested in the output: await it
      d.task('promise', async () => ({ later: Promise.resolve(1) }));
      // @ts-expect-error a class instance with methods (a socket)
      d.task('socket', () => ({ client: new Socket() }));
      // @ts-expect-error a WeakMap has methods and is no Map
      d.task('weak', () => new WeakMap<object, number>());
      // @ts-expect-error a Buffer is a Uint8Array subclass that would arrive as a Uint8Array
      d.task('buffer', () => Buffer.from('x'));
      // @ts-expect-error a Map whose values cannot be stored
      d.task('map_of_fns', () => new Map([['k', () => 1]]));
      // @ts-expect-error mapped tasks are checked too
      d.map('mapped_fn', { expand: { n: [1] } }, async () => ({ run: () => 1 }));
      // @ts-expect-error sensors are checked too
      d.sensor('sensor_fn', async () => ({ poke: () => true }));
      class Client {
        query(): number {
          return 1;
        }
      }
      // @ts-expect-error a class instance with a method
      d.task('client', { inputs: [] }, () => new Client());
    });
  });
});
