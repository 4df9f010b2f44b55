// Tests the trigger form's fields against params as the SDK really serializes them, and a
// submitted form's conf against the engine's own validation (resolveConf).
import { resolveConf } from '@weir/engine';
import { dag, serializeDag, z } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { confFromForm, logicalDateFromForm, paramFields } from './param-fields.ts';

const serialized = serializeDag(
  dag(
    {
      id: 'typed',
      params: z.object({
        rows: z.number().int().min(1).default(10).describe('how many rows to load'),
        ratio: z.number().default(0.5),
        region: z.enum(['eu', 'us']).default('eu'),
        label: z.string(),
        note: z.string().optional(),
        dryRun: z.boolean().default(true),
        tables: z.array(z.string()).default(['sales']),
      }),
    },
    (d) => void d.task('t', async () => 1),
  ),
);
const params = serialized.params;

describe('paramFields', () => {
  it('gives each param a typed field with its default', () => {
    const fields = paramFields(params?.schema, params?.defaults);
    expect(fields.map((f) => [f.key, f.kind, f.initial, f.required])).toEqual([
      ['rows', 'integer', '10', false],
      ['ratio', 'number', '0.5', false],
      ['region', 'enum', 'eu', false],
      ['label', 'string', '', true],
      ['note', 'string', '', false],
      ['dryRun', 'boolean', 'true', false],
      ['tables', 'json', JSON.stringify(['sales'], null, 2), false],
    ]);
    expect(fields.find((f) => f.key === 'region')?.options).toEqual(['eu', 'us']);
    expect(fields[0]?.description).toBe('how many rows to load');
  });

  it('has no fields for a DAG without params', () => {
    expect(paramFields(null)).toEqual([]);
  });
});

describe('confFromForm', () => {
  const fields = paramFields(params?.schema, params?.defaults);
  const form = (values: Record<string, string>) => (key: string) => values[key] ?? null;

  it('turns the initial values into a conf the engine accepts as the defaults', () => {
    const initial = Object.fromEntries(fields.map((f) => [f.key, f.initial]));
    const { conf, errors } = confFromForm(fields, form({ ...initial, label: 'x' }));
    expect(errors).toEqual({});
    expect(resolveConf(serialized, conf)).toEqual({
      rows: 10,
      ratio: 0.5,
      region: 'eu',
      label: 'x',
      dryRun: true,
      tables: ['sales'],
    });
  });

  it('passes bad values on, so the engine names the field; an unchecked box is false', () => {
    const { conf, errors } = confFromForm(fields, form({ rows: '0', ratio: 'lots', label: 'x' }));
    expect(errors).toEqual({});
    expect(conf).toMatchObject({ rows: 0, ratio: 'lots', dryRun: false });
    expect(() => resolveConf(serialized, conf)).toThrow(/rows: .*; ratio: /);
  });

  it('refuses JSON that does not parse, by field', () => {
    const { errors } = confFromForm(fields, form({ label: 'x', tables: '[sales' }));
    expect(Object.keys(errors)).toEqual(['tables']);
    expect(errors.tables).toMatch(/^not valid JSON: /);
  });
});

describe('logicalDateFromForm', () => {
  it('reads a datetime-local value as UTC, and says when the text is no date', () => {
    expect(logicalDateFromForm('2026-03-01T06:30')?.toISOString()).toBe('2026-03-01T06:30:00.000Z');
    expect(logicalDateFromForm('')).toBeUndefined();
    expect(logicalDateFromForm('yesterday')).toBeNull();
  });
});
