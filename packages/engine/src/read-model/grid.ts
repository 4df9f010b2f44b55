// Owns a DAG's grid as the UI and the API show it: one page of runs (newest logical date first,
// keyset-paged on dag_run (dag_id, logical_date, id), never an OFFSET), the DAG's tasks in
// topological order with their task groups, and per run × task one cell. A mapped task is one
// cell per run with a count per state (its instances only for the tasks asked to expand), and
// each task group a summary per run. One SQL statement reads it all, whatever the number of
// tasks or runs: the DAG's task list (projected from its serialized JSON), the runs, the cells
// grouped by (run, task, state), and the expanded instances.
import type { RawSql } from '@weir/db';
import { DAG_RUN_STATES, TASK_INSTANCE_STATES, type TaskInstanceState, topologicalOrder } from '@weir/domain';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { inPriorityOrder, summaryState } from './state-summary.ts';

const iso = z.iso.datetime({ offset: true });
const TiState = z.enum(TASK_INSTANCE_STATES);
const count = z.number().int().min(0);
const StateCounts = z.partialRecord(TiState, count).describe('how many instances are in each state');

export const GridTask = z.object({
  taskId: z.string(),
  kind: z.string(),
  /** The innermost task group, or null. */
  groupId: z.string().nullable(),
  mapped: z.boolean(),
});

export const GridGroup = z.object({
  groupId: z.string().describe('dotted path from the outermost group'),
  parentGroupId: z.string().nullable(),
  tooltip: z.string().nullable(),
});

export const GridCell = z.object({
  state: TiState.describe("the instance's state; a mapped task's summary state"),
  tryNumber: z.number().int().describe('of the instance the cell opens (0: no try yet)'),
  mapIndex: z
    .number()
    .int()
    .describe('-1 when unmapped; for a mapped task, the first instance in the summary state'),
  mapped: z
    .object({ count, states: StateCounts })
    .optional()
    .describe('a mapped task: its instances in the run'),
});

export const GridGroupCell = z.object({ state: TiState, states: StateCounts });

export const GridInstance = z.object({
  mapIndex: z.number().int(),
  state: TiState,
  tryNumber: z.number().int(),
});

export const GridRun = z.object({
  id: z.number().int().describe('the database id (the keyset cursor’s tie-breaker)'),
  runId: z.string(),
  runType: z.enum(['scheduled', 'manual', 'backfill', 'asset_triggered']),
  state: z.enum(DAG_RUN_STATES),
  logicalDate: iso,
  queuedAt: iso,
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  /** Start to end, or to now while the run runs; null before it starts. */
  durationMs: z.number().int().min(0).nullable(),
  /**
   * The cell of each task, in the order of `tasks` (cells[i] is tasks[i]'s): null while the task
   * has no instance in the run. An array, not a map by task id: 1,000 tasks × 25 runs stay cheap
   * to build, validate and send.
   */
  cells: z.array(GridCell.nullable()),
  /** By group id: the summary of every task inside the group (nested groups too). */
  groups: z.record(z.string(), GridGroupCell),
  /** Expanded mapped tasks only, by task id: every instance, by map index. */
  instances: z.record(z.string(), z.array(GridInstance)),
});

export const GridView = z.object({
  dagId: z.string(),
  /** Topological order; among tasks ready together, definition order. */
  tasks: z.array(GridTask),
  /** Outer before inner, in definition order. */
  groups: z.array(GridGroup),
  /** Newest logical date first. */
  runs: z.array(GridRun),
  totalRuns: count.describe('runs of the DAG over all pages'),
  /** The last run's sort key when older runs exist (pass as `before` for the next page). */
  older: z.object({ logicalDate: iso, id: z.number().int() }).nullable(),
});

export type GridView = z.infer<typeof GridView>;
export type GridRunView = z.infer<typeof GridRun>;
export type GridCellView = z.infer<typeof GridCell>;
export type GridTaskView = z.infer<typeof GridTask>;

export interface GridQuery {
  /** Runs per page (default 25). */
  readonly limit?: number;
  /** Runs older than this one in the order: older logical date, or the same and a lower id. */
  readonly before?: { readonly logicalDate: Date; readonly id: number };
  /** Mapped tasks whose instances to list. */
  readonly expand?: readonly string[];
  /** For the duration of runs still running. */
  readonly now: Date;
}

export const GRID_DEFAULT_RUNS = 25;

// [taskId, kind, upstreams, groupId, mapped]
type TaskRow = [string, string, string[], string | null, boolean];
// [id, runId, runType, state, logicalDate, queuedAt, startedAt, endedAt]
type RunRow = [number, string, string, string, string, string, string | null, string | null];
// [dagRunId, 'taskId state tryNumber,…'] for the instances of unmapped tasks: 25,000 cells as
// 25 strings cost PostgreSQL and node-postgres a fraction of 25,000 rows or JSON arrays.
type PackedCells = [number, string];
// [dagRunId, taskId, state, count, first map index, its try number]
type CellRow = [number, string, TaskInstanceState, number, number, number];
// [dagRunId, taskId, mapIndex, state, tryNumber]
type InstanceRow = [number, string, number, TaskInstanceState, number];

interface GridRows {
  found: boolean;
  tasks: TaskRow[] | null;
  groups: { groupId: string; parentGroupId: string | null; tooltip: string | null }[] | null;
  total_runs: number;
  runs: RunRow[];
  cells: PackedCells[];
  mapped_cells: CellRow[];
  instances: InstanceRow[];
}

// Timestamps are UTC wall times (timestamp(3) without zone), written as toISOString writes them.
const ISO_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
// The first page starts after the newest possible key.
const END_OF_TIME = 'infinity';
const MAX_ID = 2_147_483_647;

/** One page of the DAG's grid; DAG_NOT_FOUND when no such DAG was ever stored. */
export async function dagGrid(sql: RawSql, dagId: string, query: GridQuery): Promise<GridView> {
  const limit = query.limit ?? GRID_DEFAULT_RUNS;
  const expand = [...new Set(query.expand ?? [])];
  const [row] = await sql.$queryRaw<GridRows[]>`
    WITH d AS (
      SELECT serialized FROM dag WHERE dag_id = ${dagId}
    ), runs AS (
      SELECT r.id, r.run_id, r.run_type, r.state, r.logical_date, r.queued_at, r.started_at, r.ended_at
      FROM dag_run r
      WHERE r.dag_id = ${dagId}
        AND r.logical_date <= ${query.before?.logicalDate ?? END_OF_TIME}::timestamp
        AND (r.logical_date < ${query.before?.logicalDate ?? END_OF_TIME}::timestamp OR r.id < ${query.before?.id ?? MAX_ID})
      ORDER BY r.logical_date DESC, r.id DESC
      LIMIT ${limit + 1}
    ), ti AS (
      SELECT t.dag_run_id, t.task_id, t.state, t.map_index, t.try_number
      FROM task_instance t
      WHERE t.dag_run_id IN (SELECT id FROM runs)
    )
    SELECT
      EXISTS (SELECT 1 FROM d) AS found,
      (SELECT jsonb_agg(jsonb_build_array(
                t->>'taskId', t->>'kind', COALESCE(t->'upstreams', '[]'::jsonb), t->>'groupId',
                jsonb_typeof(t->'mapping') = 'object') ORDER BY i)
       FROM d, jsonb_array_elements(d.serialized->'tasks') WITH ORDINALITY AS x(t, i)) AS tasks,
      (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                'groupId', g->>'groupId', 'parentGroupId', g->>'parentGroupId', 'tooltip', g->>'tooltip')
                ORDER BY i), '[]'::jsonb)
       FROM d, jsonb_array_elements(COALESCE(d.serialized->'taskGroups', '[]'::jsonb)) WITH ORDINALITY AS y(g, i)
       ) AS groups,
      (SELECT count(*)::int FROM dag_run WHERE dag_id = ${dagId}) AS total_runs,
      (SELECT COALESCE(json_agg(json_build_array(
                id, run_id, run_type, state,
                to_char(logical_date, ${ISO_FORMAT}), to_char(queued_at, ${ISO_FORMAT}),
                to_char(started_at, ${ISO_FORMAT}), to_char(ended_at, ${ISO_FORMAT}))
                ORDER BY logical_date DESC, id DESC), '[]'::json)
       FROM runs) AS runs,
      (SELECT COALESCE(json_agg(json_build_array(dag_run_id, packed)), '[]'::json)
       FROM (SELECT dag_run_id, string_agg(task_id || ' ' || state || ' ' || try_number, ',') AS packed
             FROM ti WHERE map_index = -1 GROUP BY dag_run_id) u) AS cells,
      (SELECT COALESCE(json_agg(json_build_array(dag_run_id, task_id, state, n, first[1], first[2])), '[]'::json)
       FROM (SELECT dag_run_id, task_id, state, count(*)::int AS n, min(ARRAY[map_index, try_number]) AS first
             FROM ti WHERE map_index >= 0 GROUP BY dag_run_id, task_id, state) m) AS mapped_cells,
      (SELECT COALESCE(json_agg(json_build_array(dag_run_id, task_id, map_index, state, try_number)
                ORDER BY dag_run_id, task_id, map_index), '[]'::json)
       FROM ti WHERE task_id = ANY(${expand}::text[]) AND map_index >= 0) AS instances`;
  if (!row?.found) throw new EngineError('DAG_NOT_FOUND', `DAG "${dagId}" not found`);
  return GridView.parse(assemble(dagId, row, limit, query.now));
}

function assemble(dagId: string, row: GridRows, limit: number, now: Date): GridView {
  const taskRows = row.tasks ?? [];
  const byId = new Map(taskRows.map((t) => [t[0], t]));
  const order = topologicalOrder(taskRows.map((t) => ({ taskId: t[0], upstreams: t[2] })));
  const tasks = order.flatMap((taskId) => {
    const t = byId.get(taskId);
    return t ? [{ taskId, kind: t[1] ?? 'task', groupId: t[3], mapped: t[4] }] : [];
  });
  const groups = (row.groups ?? []).map((g) => ({
    groupId: g.groupId,
    parentGroupId: g.parentGroupId ?? null,
    tooltip: g.tooltip ?? null,
  }));
  // Each task's groups, innermost first: a task counts in every group it is nested in.
  const parentOf = new Map(groups.map((g) => [g.groupId, g.parentGroupId]));
  const groupChain = new Map<string, string[]>();
  for (const t of tasks) {
    const chain: string[] = [];
    for (let g = t.groupId; g !== null && !chain.includes(g); g = parentOf.get(g) ?? null) chain.push(g);
    groupChain.set(t.taskId, chain);
  }
  const position = new Map(tasks.map((t, i) => [t.taskId, i]));
  const mapped = new Set(tasks.filter((t) => t.mapped).map((t) => t.taskId));

  const pageRuns = row.runs.slice(0, limit);
  const runs = pageRuns.map((r) => {
    const startedAt = r[6];
    const endedAt = r[7];
    const end = endedAt ? Date.parse(endedAt) : now.getTime();
    return {
      id: r[0],
      runId: r[1],
      runType: r[2] as GridRunView['runType'],
      state: r[3] as GridRunView['state'],
      logicalDate: r[4],
      queuedAt: r[5],
      startedAt,
      endedAt,
      durationMs: startedAt ? Math.max(0, end - Date.parse(startedAt)) : null,
      cells: new Array<GridCellView | null>(tasks.length).fill(null),
      groups: {} as GridRunView['groups'],
      instances: {} as GridRunView['instances'],
    };
  });
  const runById = new Map(runs.map((r) => [r.id, r]));

  // Group summaries count every instance of every task nested in the group.
  const groupCounts = new Map<number, Map<string, Map<TaskInstanceState, number>>>();
  const countInGroups = (runDbId: number, taskId: string, state: TaskInstanceState, n: number) => {
    for (const groupId of groupChain.get(taskId) ?? []) {
      const perGroup = groupCounts.get(runDbId) ?? new Map<string, Map<TaskInstanceState, number>>();
      groupCounts.set(runDbId, perGroup);
      const counts = perGroup.get(groupId) ?? new Map<TaskInstanceState, number>();
      perGroup.set(groupId, counts);
      counts.set(state, (counts.get(state) ?? 0) + n);
    }
  };
  // Unmapped instances (and a mapped task's placeholder before it expands): one cell each.
  for (const [runDbId, packed] of row.cells) {
    const run = runById.get(runDbId);
    if (!run) continue;
    for (const entry of packed.split(',')) {
      const [taskId = '', state = 'none', tryNumber = '0'] = entry.split(' ');
      const at = position.get(taskId);
      if (at === undefined) continue;
      run.cells[at] = { state: state as TaskInstanceState, tryNumber: Number(tryNumber), mapIndex: -1 };
      countInGroups(runDbId, taskId, state as TaskInstanceState, 1);
    }
  }
  // Mapped instances: one row per (run, task, state), folded into one cell per run.
  for (const [runDbId, taskId, state, n, firstMapIndex, firstTry] of row.mapped_cells) {
    const run = runById.get(runDbId);
    const at = position.get(taskId);
    if (!run || at === undefined || !mapped.has(taskId)) continue;
    const cell = run.cells[at];
    const summary = cell ? (summaryState([cell.state, state]) ?? 'none') : state;
    const opens = !cell || summary !== cell.state ? { tryNumber: firstTry, mapIndex: firstMapIndex } : cell;
    run.cells[at] = {
      state: summary,
      tryNumber: opens.tryNumber,
      mapIndex: opens.mapIndex,
      mapped: {
        count: (cell?.mapped?.count ?? 0) + n,
        states: inPriorityOrder({ ...cell?.mapped?.states, [state]: n }),
      },
    };
    countInGroups(runDbId, taskId, state, n);
  }
  for (const [runDbId, perGroup] of groupCounts) {
    const run = runById.get(runDbId);
    if (!run) continue;
    for (const [groupId, counts] of perGroup)
      run.groups[groupId] = {
        state: summaryState(counts.keys()) ?? 'none',
        states: inPriorityOrder(Object.fromEntries(counts)),
      };
  }
  for (const [runDbId, taskId, mapIndex, state, tryNumber] of row.instances) {
    const run = runById.get(runDbId);
    if (!run || !mapped.has(taskId)) continue;
    const list = run.instances[taskId] ?? [];
    list.push({ mapIndex, state, tryNumber });
    run.instances[taskId] = list;
  }
  const last = pageRuns.at(-1);
  return {
    dagId,
    tasks,
    groups,
    runs,
    totalRuns: row.total_runs,
    older: row.runs.length > limit && last ? { logicalDate: last[4], id: last[0] } : null,
  };
}
