// ctx.variable / ctx.connection / ctx.mask at compile time (vitest's typecheck runs tsc over this
// file in `npm test`: every `expectTypeOf` must hold and every `@ts-expect-error` must be an error).
import { describe, expectTypeOf, it } from 'vitest';
import { type Connection, dag, type JsonValue, z } from './index.ts';

describe('variable and connection types', () => {
  it('types a variable by its schema, its default, or as JSON', () => {
    dag({ id: 'lookup_types' }, (d) => {
      d.task('t', async (ctx) => {
        expectTypeOf(ctx.variable('plain')).toEqualTypeOf<Promise<JsonValue>>();
        const limits = z.object({ rows: z.number(), tables: z.array(z.string()) });
        expectTypeOf(ctx.variable('limits', limits)).toEqualTypeOf<
          Promise<{ rows: number; tables: string[] }>
        >();
        // The schema's output type: a transform or a default inside it counts.
        expectTypeOf(ctx.variable('n', z.string().transform(Number))).toEqualTypeOf<Promise<number>>();
        expectTypeOf(ctx.variable('region', { default: 'eu-west-1' })).toEqualTypeOf<
          Promise<JsonValue | string>
        >();
        expectTypeOf(ctx.variable('rows', { schema: z.number(), default: 10 })).toEqualTypeOf<
          Promise<number>
        >();
        // @ts-expect-error: a default must be what the schema takes
        ctx.variable('rows', { schema: z.number(), default: 'ten' });
        // @ts-expect-error: the key is a string
        ctx.variable(42);
        expectTypeOf(ctx.connection('warehouse')).toEqualTypeOf<Promise<Connection>>();
        const conn = await ctx.connection('warehouse');
        expectTypeOf(conn.password).toEqualTypeOf<string | null>();
        expectTypeOf(conn.port).toEqualTypeOf<number | null>();
        expectTypeOf(conn.uri).toEqualTypeOf<string>();
        expectTypeOf(ctx.mask('token')).toEqualTypeOf<void>();
        // @ts-expect-error: only strings are masked
        ctx.mask(123);
      });
      d.task(
        'with_callback',
        { onFailure: async (ctx) => void (await ctx.variable('alert_channel')) },
        async () => 1,
      );
    });
  });
});
