// Owns reading task outputs (XCom) as downstream tasks see them: an unmapped task's output, or
// a mapped task's outputs as a list in map index order (null where an instance returned nothing).
// Every value read from `xcom.value` goes through the SDK's decodeOutput, so a Date, Map or bigint
// a task returned arrives as one (plain JSON rows decode as themselves).

import type { RawSql } from '@weir/db';
import { argumentsAt, type Expansion } from '@weir/domain';
import { decodeOutput, type SerializedDag, type SerializedMapping } from '@weir/sdk';
import { GroupBatcher } from './group-batcher.ts';
import type { OutputVersion } from './task-tries.ts';

export async function taskOutputs(
  db: Pick<RawSql, '$queryRaw'>,
  dagRunId: number,
  dag: SerializedDag,
  taskIds: readonly string[],
): Promise<Map<string, unknown>> {
  const outputs = new Map<string, unknown>();
  if (taskIds.length === 0) return outputs;
  const rows = await db.$queryRaw<{ task_id: string; map_index: number; stored: boolean; value: unknown }[]>`
    SELECT t.task_id, t.map_index, x.id IS NOT NULL AS stored, x.value
    FROM task_instance t LEFT JOIN xcom x ON x.task_instance_id = t.id AND x.key = 'return_value'
    WHERE t.dag_run_id = ${dagRunId} AND t.task_id = ANY(${[...taskIds]})
    ORDER BY t.task_id, t.map_index`;
  const mapped = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
  for (const id of taskIds) outputs.set(id, mapped.has(id) ? [] : undefined);
  for (const row of rows) {
    if (mapped.has(row.task_id)) {
      if (row.map_index >= 0) (outputs.get(row.task_id) as unknown[]).push(decodeOutput(row.value) ?? null);
    } else if (row.map_index === -1 && row.stored) {
      // A returned null is stored, and arrives as null; no row means the task returned nothing.
      outputs.set(row.task_id, decodeOutput(row.value));
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
  if (value instanceof Map || value instanceof Set) return `a ${value.constructor.name}`;
  return typeof value;
}

interface OutputsRequest {
  readonly dagId: string;
  readonly runId: string;
  readonly taskIds: readonly string[];
}

/**
 * Unmapped tasks' outputs as a worker reads them again and again: each mapped instance of a task
 * expanding over a 10,000-item list needs that list. Entries are checked against the XCom row's
 * version (`xmin`, which changes whenever the row is written), so a cleared and re-run upstream
 * is never served stale. Only the check (an index probe, no value read) is paid per instance,
 * and the checks of instances starting together share one statement.
 */
export class OutputCache {
  private readonly entries = new Map<number, { version: string; value: unknown }>();
  private readonly checks: GroupBatcher<OutputsRequest, Map<string, unknown>>;

  constructor(
    private readonly db: Pick<RawSql, '$queryRaw'>,
    private readonly maxEntries = 64,
  ) {
    this.checks = new GroupBatcher((requests) => this.answer(requests), { maxInFlight: 1 });
  }

  /**
   * `versions`: the outputs' versions as read already (at claim); when every one of `taskIds` is
   * cached at that version, no statement is sent.
   */
  outputs(
    run: { readonly dagId: string; readonly runId: string },
    taskIds: readonly string[],
    versions?: ReadonlyMap<string, OutputVersion>,
  ): Promise<Map<string, unknown>> {
    if (taskIds.length === 0) return Promise.resolve(new Map<string, unknown>());
    if (versions) {
      const known = new Map<string, unknown>();
      for (const taskId of taskIds) {
        const version = versions.get(taskId);
        const entry = version && this.entries.get(version.id);
        if (!version || !entry || entry.version !== version.version) break;
        known.set(taskId, entry.value);
      }
      if (known.size === taskIds.length) return Promise.resolve(known);
    }
    return this.checks.submit({ dagId: run.dagId, runId: run.runId, taskIds });
  }

  private async answer(requests: readonly OutputsRequest[]): Promise<Map<string, unknown>[]> {
    const keyOf = (dagId: string, runId: string, taskId: string) => JSON.stringify([dagId, runId, taskId]);
    const wanted = new Map<string, [string, string, string]>();
    for (const r of requests)
      for (const t of r.taskIds) wanted.set(keyOf(r.dagId, r.runId, t), [r.dagId, r.runId, t]);
    const triples = [...wanted.values()];
    const rows = await this.db.$queryRaw<
      { dag_id: string; run_id: string; task_id: string; id: number; version: string }[]
    >`
      SELECT x.dag_id, x.run_id, x.task_id, x.id, x.xmin::text AS version
      FROM unnest(${triples.map((t) => t[0])}::text[], ${triples.map((t) => t[1])}::text[], ${triples.map((t) => t[2])}::text[])
           AS s(dag_id, run_id, task_id)
      JOIN xcom x ON x.dag_id = s.dag_id AND x.run_id = s.run_id AND x.task_id = s.task_id
                 AND x.map_index = -1 AND x.key = 'return_value'`;
    const missing = rows.filter((r) => this.entries.get(r.id)?.version !== r.version).map((r) => r.id);
    const found = new Map<string, unknown>();
    if (missing.length > 0) {
      const fetched = await this.db.$queryRaw<{ id: number; version: string; value: unknown }[]>`
        SELECT id, xmin::text AS version, value FROM xcom WHERE id = ANY(${missing})`;
      // Decoded once here: every mapped instance served from the cache shares the decoded value.
      for (const row of fetched)
        this.remember(row.id, { version: row.version, value: decodeOutput(row.value) });
    }
    for (const row of rows) {
      const entry = this.entries.get(row.id);
      if (entry) found.set(keyOf(row.dag_id, row.run_id, row.task_id), entry.value);
    }
    return requests.map(
      (r) => new Map(r.taskIds.map((t) => [t, found.get(keyOf(r.dagId, r.runId, t))] as [string, unknown])),
    );
  }

  private remember(id: number, entry: { version: string; value: unknown }): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}

/**
 * The expanded arguments of one mapped instance. Lists from unmapped upstreams come through the
 * worker's OutputCache; a list made of a mapped upstream's outputs is read whole.
 */
export async function mappedArgumentsAt(
  db: Pick<RawSql, '$queryRaw'>,
  cache: OutputCache,
  run: {
    readonly dagRunId: number;
    readonly dagId: string;
    readonly runId: string;
    readonly unmappedOutputs?: ReadonlyMap<string, OutputVersion>;
  },
  dag: SerializedDag,
  mapping: SerializedMapping,
  mapIndex: number,
): Promise<{ args: Record<string, unknown> } | { error: string }> {
  const mappedTasks = new Set(dag.tasks.filter((t) => t.mapping).map((t) => t.taskId));
  const sources = [...new Set(expandSources(mapping))];
  const fromMapped = sources.filter((id) => mappedTasks.has(id));
  const outputs = await cache.outputs(
    run,
    sources.filter((id) => !mappedTasks.has(id)),
    run.unmappedOutputs,
  );
  if (fromMapped.length > 0)
    for (const [id, value] of await taskOutputs(db, run.dagRunId, dag, fromMapped)) outputs.set(id, value);
  const expansion = expansionOf(mapping, outputs);
  return 'error' in expansion ? expansion : { args: argumentsAt(expansion, mapIndex) };
}
