// Owns reading task outputs (XCom) as downstream tasks see them: an unmapped task's output, or
// a mapped task's outputs as a list in map index order (null where an instance returned nothing).

import type { RawSql } from '@weir/db';
import { argumentsAt, type Expansion } from '@weir/domain';
import type { ExpandSource, SerializedDag, SerializedMapping } from '@weir/sdk';

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

/**
 * The expanded arguments of one mapped instance. Reads only its elements (`value -> i` in
 * PostgreSQL), not the upstream's whole list: 10,000 instances over a 10,000-item list would
 * otherwise parse the list 10,000 times. Falls back to reading whole lists when an argument
 * comes from a mapped upstream or an upstream output is not a list (for the exact error).
 */
export async function mappedArgumentsAt(
  db: Pick<RawSql, '$queryRaw'>,
  dagRunId: number,
  dag: SerializedDag,
  mapping: SerializedMapping,
  mapIndex: number,
): Promise<{ args: Record<string, unknown> } | { error: string }> {
  const keys = Object.keys(mapping.expand);
  const sources = keys.map((key) => mapping.expand[key] as ExpandSource);
  const mappedTasks = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
  const fromMapped = sources.some((s) => s.kind === 'upstream' && mappedTasks.has(s.taskId));
  const lengths: (number | null)[] = sources.map((s) => (s.kind === 'literal' ? s.values.length : null));
  // The first key's length is not needed to place an index (it varies slowest).
  const unknown = lengths.flatMap((n, k) => (n === null && k > 0 ? [k] : []));
  if (!fromMapped && unknown.length > 0) {
    const rows = await upstreamValues(
      db,
      dagRunId,
      unknown.map((k) => (sources[k] as { taskId: string }).taskId),
      unknown.map(() => 0),
    );
    for (const [i, k] of unknown.entries()) lengths[k] = rows[i]?.n ?? null;
  }
  if (!fromMapped && lengths.every((n, k) => k === 0 || (n !== null && n > 0))) {
    const indexes = placeIndexes(lengths as number[], mapIndex);
    const upstream = sources.flatMap((s, k) => (s.kind === 'upstream' ? [k] : []));
    const rows = await upstreamValues(
      db,
      dagRunId,
      upstream.map((k) => (sources[k] as { taskId: string }).taskId),
      upstream.map((k) => indexes[k] as number),
    );
    const args: Record<string, unknown> = {};
    let complete = true;
    for (const [k, key] of keys.entries()) {
      const source = sources[k] as ExpandSource;
      if (source.kind === 'literal') args[key] = source.values[indexes[k] as number];
      else {
        const row = rows[upstream.indexOf(k)];
        if (!row || row.n === null || (indexes[k] as number) >= row.n) complete = false;
        else args[key] = row.element;
      }
    }
    if (complete) return { args };
  }
  const expansion = expansionOf(mapping, await taskOutputs(db, dagRunId, dag, expandSources(mapping)));
  return 'error' in expansion ? expansion : { args: argumentsAt(expansion, mapIndex) };
}

/** The index into each list for one map index (last key varies fastest), as argumentsAt does. */
function placeIndexes(lengths: readonly number[], mapIndex: number): number[] {
  const indexes: number[] = [];
  let rest = mapIndex;
  for (let k = lengths.length - 1; k >= 0; k--) {
    const n = lengths[k] as number;
    indexes[k] = k === 0 ? rest : rest % n;
    rest = Math.floor(rest / n);
  }
  return indexes;
}

/** Per (unmapped upstream, index): the list's length (null when not a list) and that element. */
async function upstreamValues(
  db: Pick<RawSql, '$queryRaw'>,
  dagRunId: number,
  taskIds: readonly string[],
  indexes: readonly number[],
): Promise<{ n: number | null; element: unknown }[]> {
  if (taskIds.length === 0) return [];
  const rows = await db.$queryRaw<{ ord: number; n: number | null; element: unknown }[]>`
    SELECT s.ord, CASE WHEN jsonb_typeof(x.value) = 'array' THEN jsonb_array_length(x.value) END AS n,
           x.value -> s.idx AS element
    FROM unnest(${[...taskIds]}::text[], ${[...indexes]}::int[]) WITH ORDINALITY AS s(task_id, idx, ord)
    LEFT JOIN task_instance t ON t.dag_run_id = ${dagRunId} AND t.task_id = s.task_id AND t.map_index = -1
    LEFT JOIN xcom x ON x.task_instance_id = t.id AND x.key = 'return_value'
    ORDER BY s.ord`;
  return rows.map((r) => ({ n: r.n, element: r.element }));
}
