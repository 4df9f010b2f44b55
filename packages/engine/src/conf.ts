// Owns validating a trigger's conf against the DAG's params schema (serialized as JSON Schema,
// since the scheduler never imports DAG files) and applying the params' defaults.
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
  if (!dag.params) return { ...conf };
  const schema = z.fromJSONSchema(dag.params.schema as Parameters<typeof z.fromJSONSchema>[0]);
  const parsed = schema.safeParse({ ...dag.params.defaults, ...conf });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new EngineError(
      'INVALID_CONF',
      `conf for DAG "${dag.dagId}" does not match its params: ${problems}`,
    );
  }
  return parsed.data as Record<string, unknown>;
}
