// Owns reading task outputs (XCom) as downstream tasks see them: an unmapped task's output, or
// a mapped task's outputs as a list in map index order (null where an instance returned nothing).

import type { RawSql } from '@weir/db';
import type { Expansion } from '@weir/domain';
import type { SerializedDag, SerializedMapping } from '@weir/sdk';

export async function taskOutputs(
  db: Pick<RawSql, '$queryRaw'>,
  dagRunId: number,
  dag: SerializedDag,
  taskIds: readonly string[],
): Promise<Map<string, unknown>> {
  const outputs = new Map<string, unknown>();
  if (taskIds.length === 0) return outputs;
  const rows = await db.$queryRaw<{ task_id: string; map_index: number; value: unknown }[]>`
    SELECT t.task_id, t.map_index, x.value
    FROM task_instance t LEFT JOIN xcom x ON x.task_instance_id = t.id AND x.key = 'return_value'
    WHERE t.dag_run_id = ${dagRunId} AND t.task_id = ANY(${[...taskIds]})
    ORDER BY t.task_id, t.map_index`;
  const mapped = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
  for (const id of taskIds) outputs.set(id, mapped.has(id) ? [] : undefined);
  for (const row of rows) {
    if (mapped.has(row.task_id)) {
      if (row.map_index >= 0) (outputs.get(row.task_id) as unknown[]).push(row.value ?? null);
    } else if (row.map_index === -1) {
      outputs.set(row.task_id, row.value ?? undefined);
    }
  }
  return outputs;
}

/** The task ids a mapping reads outputs from. */
export function expandSources(mapping: SerializedMapping): string[] {
  return Object.values(mapping.expand).flatMap((e) => (e.kind === 'upstream' ? [e.taskId] : []));
}

/** The lists a mapping expands over, or a reason it cannot (an upstream output is not a list). */
export function expansionOf(
  mapping: SerializedMapping,
  outputs: Map<string, unknown>,
): Expansion | { error: string } {
  const keys = Object.keys(mapping.expand);
  const lists: unknown[][] = [];
  for (const key of keys) {
    const source = mapping.expand[key];
    if (!source) continue;
    if (source.kind === 'literal') {
      lists.push([...source.values]);
      continue;
    }
    const value = outputs.get(source.taskId);
    if (!Array.isArray(value))
      return { error: `expand.${key}: task "${source.taskId}" returned ${describe(value)}, not a list` };
    lists.push(value);
  }
  return { keys, lists };
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  return typeof value;
}
