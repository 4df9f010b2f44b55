// Owns turning a JSON Schema document into a validator, with ajv under JSON Schema 2020-12 (the
// current draft; `items` is a single schema and tuples are `prefixItems`) and ajv-formats for
// `format`. Strict mode: an unknown keyword (a typo such as "requried") makes the schema invalid
// instead of silently checking nothing. Also the registry's own rules for a `properties` schema:
// a JSON object whose root type is "object", at most MAX_SCHEMA_BYTES.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { canonicalJson } from './canonical-json.ts';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const MAX_SCHEMA_BYTES = 64 * 1024;

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

export type SchemaCheck = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

/**
 * Compiles a `properties` schema, or says why it is not one. A fresh ajv per schema: versions of
 * one event_type often share an `$id`, which a shared ajv instance refuses to hold twice.
 */
export function compilePropertiesSchema(schema: unknown): SchemaCheck {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return { ok: false, message: 'the schema must be a JSON object' };
  const root = schema as Record<string, unknown>;
  if (root.type !== 'object')
    return {
      ok: false,
      message: 'the schema describes an event’s `properties`, a JSON object: its root needs "type": "object"',
    };
  if (root.$schema !== undefined && root.$schema !== JSON_SCHEMA_DIALECT)
    return {
      ok: false,
      message: `"$schema" must be ${JSON_SCHEMA_DIALECT} (or left out): the registry uses JSON Schema 2020-12`,
    };
  const size = Buffer.byteLength(canonicalJson(schema));
  if (size > MAX_SCHEMA_BYTES)
    return { ok: false, message: `the schema is ${size} bytes; at most ${MAX_SCHEMA_BYTES} are allowed` };
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, allErrors: true });
  addFormats(ajv);
  try {
    return { ok: true, validate: ajv.compile(schema) };
  } catch (error) {
    return { ok: false, message: `not a valid JSON Schema 2020-12: ${(error as Error).message}` };
  }
}

/** ajv's errors as `<instancePath> <message>`, the path naming the property at fault. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, limit = 3): string {
  const list = (errors ?? []).slice(0, limit).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` ('${String((e.params as { additionalProperty?: unknown }).additionalProperty)}')`
        : '';
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
  const more = (errors?.length ?? 0) - list.length;
  return `${list.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
