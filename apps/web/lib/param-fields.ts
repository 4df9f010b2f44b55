// Owns turning a DAG's params (their JSON Schema, as serialized) into trigger-form fields, and a
// submitted form back into a conf. It checks only what a form can get wrong on its own (a number
// field holding letters, a JSON field that does not parse); the params' rules are the engine's
// to check (resolveConf), so the form shows the same messages as `weir dags trigger --conf`.
import { z } from 'zod';

export const paramFieldSchema = z.object({
  key: z.string(),
  /** How the field is edited: enum → select, anything else a form cannot type → JSON text. */
  kind: z.enum(['string', 'number', 'integer', 'boolean', 'enum', 'json']),
  label: z.string(),
  description: z.string().nullable(),
  required: z.boolean(),
  /** The field's initial text (a checkbox: 'true' or ''). */
  initial: z.string(),
  options: z.array(z.string()),
});
export type ParamField = z.infer<typeof paramFieldSchema>;

type Json = Readonly<Record<string, unknown>>;

/** One field per top-level param, in declaration order; none for params that are not an object. */
export function paramFields(schema: Json | null | undefined, defaults: Json = {}): ParamField[] {
  const properties = schema?.type === 'object' ? schema.properties : undefined;
  if (!schema || typeof properties !== 'object' || properties === null) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(properties as Record<string, Json>).map(([key, property]) => {
    const kind = kindOf(property);
    const fallback = Object.hasOwn(defaults, key) ? defaults[key] : property.default;
    return paramFieldSchema.parse({
      key,
      kind,
      label: typeof property.title === 'string' ? property.title : key,
      description: typeof property.description === 'string' ? property.description : null,
      required: required.has(key) && fallback === undefined,
      initial: initialText(kind, fallback),
      options: kind === 'enum' ? (property.enum as unknown[]).map(String) : [],
    });
  });
}

function kindOf(property: Json): ParamField['kind'] {
  if (Array.isArray(property.enum) && property.enum.every((v) => typeof v === 'string')) return 'enum';
  switch (property.type) {
    case 'string':
      return typeof property.const === 'string' ? 'json' : 'string';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

function initialText(kind: ParamField['kind'], value: unknown): string {
  if (value === undefined) return '';
  switch (kind) {
    case 'boolean':
      return value === true ? 'true' : '';
    case 'string':
    case 'enum':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'number':
    case 'integer':
      return typeof value === 'number' ? String(value) : JSON.stringify(value);
    case 'json':
      return JSON.stringify(value, null, 2);
  }
}

export interface FormConf {
  readonly conf: Record<string, unknown>;
  /** Problems found before the engine sees the conf, by field key. */
  readonly errors: Record<string, string>;
}

/**
 * The conf a submitted form stands for. An empty optional field is left out (its default then
 * applies); a number field with text that is not a number is passed on as that text, so the
 * engine's validation names the problem as it would for the CLI.
 */
export function confFromForm(fields: readonly ParamField[], read: (key: string) => string | null): FormConf {
  const conf: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = read(field.key);
    if (field.kind === 'boolean') {
      conf[field.key] = raw === 'true';
      continue;
    }
    const text = (raw ?? '').trim();
    if (text === '') continue;
    if (field.kind === 'number' || field.kind === 'integer') {
      const n = Number(text);
      conf[field.key] = Number.isFinite(n) ? n : text;
    } else if (field.kind === 'json') {
      try {
        conf[field.key] = JSON.parse(text);
      } catch (error) {
        errors[field.key] = `not valid JSON: ${(error as Error).message}`;
      }
    } else conf[field.key] = raw ?? '';
  }
  return { conf, errors };
}

/**
 * A `datetime-local` value read as UTC (the form says so), or an ISO instant; undefined when
 * empty; null when it is not a date.
 */
export function logicalDateFromForm(text: string | null): Date | null | undefined {
  const value = (text ?? '').trim();
  if (value === '') return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}
