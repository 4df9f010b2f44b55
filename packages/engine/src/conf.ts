// Owns validating a trigger's conf against the DAG's params schema (serialized as JSON Schema,
// since the scheduler never imports DAG files) and applying the params' defaults. A conf key the
// params do not declare is refused (a typo would otherwise be ignored without a word), unless the
// schema takes extra keys: z.looseObject / .passthrough() / .catchall() serialize
// `additionalProperties` as a schema, which then validates them. A plain z.object serializes
// (in zod's input mode) with no `additionalProperties` at all, and is read as taking none.
import type { SerializedDag } from '@weir/sdk';
import { z } from 'zod';
import { EngineError } from './errors.ts';

export function resolveConf(
  dag: SerializedDag,
  conf: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) {
    throw new EngineError('INVALID_CONF', `conf for DAG "${dag.dagId}" must be a JSON object`);
  }
  // Without params, conf is free-form, as in Airflow: nothing declares what it may hold.
  if (!dag.params) return { ...conf };
  const unknown = undeclaredKeys(dag.params.schema, conf);
  if (unknown.length > 0) {
    const declared = Object.keys(objectProperties(dag.params.schema) ?? {});
    throw new EngineError(
      'INVALID_CONF',
      `conf for DAG "${dag.dagId}" has ${unknown.length === 1 ? 'a key' : 'keys'} its params do not declare: ${unknown.join(', ')}` +
        ` (declared: ${declared.length > 0 ? declared.join(', ') : 'none'}); declare ${unknown.length === 1 ? 'it' : 'them'} in the DAG's params, or let the params take extra keys (z.looseObject or .catchall)`,
      Object.fromEntries(unknown.map((key) => [key, 'not a param of this DAG'])),
    );
  }
  const schema = z.fromJSONSchema(dag.params.schema as Parameters<typeof z.fromJSONSchema>[0]);
  const parsed = schema.safeParse({ ...dag.params.defaults, ...conf });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new EngineError(
      'INVALID_CONF',
      `conf for DAG "${dag.dagId}" does not match its params: ${problems}`,
      fieldProblems(parsed.error.issues),
    );
  }
  return parsed.data as Record<string, unknown>;
}

/** Each issue under the top-level key it concerns ('' for the whole conf), joined per key. */
function fieldProblems(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const byKey: Record<string, string> = {};
  for (const issue of issues) {
    const [key, ...rest] = issue.path;
    const field = key === undefined ? '' : String(key);
    const text = rest.length > 0 ? `${rest.map(String).join('.')}: ${issue.message}` : issue.message;
    byKey[field] = byKey[field] ? `${byKey[field]}; ${text}` : text;
  }
  return byKey;
}

/** The top-level properties of an object schema, or undefined when it is not one. */
function objectProperties(schema: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  if (schema.type !== 'object') return undefined;
  const properties = schema.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

/** Conf keys an object params schema neither declares nor takes as extra keys, sorted. */
function undeclaredKeys(
  schema: Readonly<Record<string, unknown>>,
  conf: Readonly<Record<string, unknown>>,
): string[] {
  const properties = objectProperties(schema);
  if (!properties) return [];
  const extra = schema.additionalProperties;
  // A schema (even {}) or true: extra keys are allowed, and the schema validates them.
  if (extra === true || (typeof extra === 'object' && extra !== null)) return [];
  if (schema.patternProperties !== undefined) return [];
  return Object.keys(conf)
    .filter((key) => !Object.hasOwn(properties, key))
    .sort();
}
