import { describe, expect, it } from 'vitest';
import { type Connection, LookupError, lookupsFrom, z } from './index.ts';

const warehouse: Connection = {
  id: 'warehouse',
  type: 'postgres',
  host: 'db',
  port: 5432,
  login: 'etl',
  password: 'pw-123456',
  schema: 'dw',
  extra: {},
  uri: 'postgres://etl:pw-123456@db:5432/dw',
};
const ctx = lookupsFrom({
  variables: { limits: { rows: 10 }, n: '42', empty: null },
  connections: { warehouse },
});

describe('ctx.variable and ctx.connection', () => {
  it('returns a variable as JSON, checked and typed by a schema', async () => {
    expect(await ctx.variable('limits')).toEqual({ rows: 10 });
    expect(await ctx.variable('empty')).toBeNull();
    expect(await ctx.variable('n', z.string().transform(Number))).toBe(42);
    expect(await ctx.variable('limits', { schema: z.object({ rows: z.number() }) })).toEqual({ rows: 10 });
  });

  it('a missing variable is an error naming the key, unless there is a default', async () => {
    await expect(ctx.variable('region')).rejects.toThrow(
      'variable "region" is not set: set it with `weir variables set region <json>` or WEIR_VAR_REGION, or pass a default',
    );
    await expect(ctx.variable('region')).rejects.toBeInstanceOf(LookupError);
    expect(await ctx.variable('region', { default: 'eu-west-1' })).toBe('eu-west-1');
    expect(await ctx.variable('region', { default: undefined })).toBeUndefined();
    expect(await ctx.variable('rows', { schema: z.coerce.number(), default: '7' })).toBe(7);
    // A set variable wins over the default.
    expect(await ctx.variable('limits', { default: 'x' })).toEqual({ rows: 10 });
  });

  it('a value the schema refuses is an error naming the key and the problem', async () => {
    await expect(ctx.variable('limits', z.object({ rows: z.string() }))).rejects.toThrow(
      /^variable "limits" does not match its schema: rows: /,
    );
  });

  it('returns a connection, and a missing one is an error naming it', async () => {
    expect(await ctx.connection('warehouse')).toBe(warehouse);
    await expect(ctx.connection('lake')).rejects.toThrow(
      'connection "lake" does not exist: add it with `weir connections add lake …` or set WEIR_CONN_LAKE',
    );
  });
});
