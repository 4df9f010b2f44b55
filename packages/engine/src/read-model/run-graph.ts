// Owns the DAG graph as the UI draws it for one run: task nodes (with the run's state of each,
// a mapped task's states counted), edges labelled with the downstream task's trigger rule where
// it is not `all_success`, the task-group tree, and assets as their own nodes (the outlets a task
// updates, the assets the DAG is scheduled on). One zod schema is the DTO's type and its check.
import type { Db } from '@weir/db';
import { DAG_RUN_STATES, TASK_INSTANCE_STATES, type TaskInstanceState } from '@weir/domain';
import type { SerializedAssetCondition, SerializedDag } from '@weir/sdk';
import { z } from 'zod';
import { dagGraph } from './dag-graph.ts';
import { DAG_RUN_SELECT } from './dag-runs.ts';
import { getStoredDag } from './dags.ts';
import { summaryState } from './state-summary.ts';

const TaskState = z.enum(TASK_INSTANCE_STATES);

export const RunGraphRunSchema = z.object({
  runId: z.string(),
  state: z.enum(DAG_RUN_STATES),
  logicalDate: z.date(),
});

export const RunGraphTaskSchema = z.object({
  taskId: z.string(),
  kind: z.enum(['task', 'sensor', 'branch', 'short_circuit']),
  groupId: z.string().nullable(),
  mapped: z.boolean(),
  triggerRule: z.string(),
  role: z.enum(['setup', 'teardown']).nullable(),
  /** The run's state of the task (a mapped task's most telling instance state); null: no instance. */
  state: TaskState.nullable(),
  tryNumber: z.number().int().nullable(),
  /** A mapped task's instances by state. */
  mappedStates: z.record(z.string(), z.number().int()).nullable(),
});

export const RunGraphSchema = z.object({
  dagId: z.string(),
  /** The run whose states colour the nodes; null when the DAG has no runs. */
  run: RunGraphRunSchema.nullable(),
  /** The DAG's latest runs, newest first, to pick another. */
  recentRuns: z.array(RunGraphRunSchema),
  tasks: z.array(RunGraphTaskSchema),
  groups: z.array(
    z.object({
      groupId: z.string(),
      parentGroupId: z.string().nullable(),
      tooltip: z.string().nullable(),
    }),
  ),
  assets: z.array(z.object({ uri: z.string(), name: z.string() })),
  edges: z.array(
    z.object({
      source: z.string(),
      target: z.string(),
      kind: z.enum(['task', 'outlet', 'schedule']),
      /** The downstream task's trigger rule when it is not all_success. */
      label: z.string().nullable(),
    }),
  ),
});

export type RunGraphView = z.infer<typeof RunGraphSchema>;
export type RunGraphTaskView = z.infer<typeof RunGraphTaskSchema>;

/** Node ids of assets, kept apart from task ids. */
export function assetNodeId(uri: string): string {
  return `asset:${uri}`;
}

/**
 * A mapped task's one state to colour it by: the first of its instances' states in this order
 * (Airflow's grid does the same), so a single failure or a running instance shows.
 */
/**
 * The graph of a DAG with the states of one run (`runId`; default its latest run); DAG_NOT_FOUND
 * when no such DAG is stored. An unknown run id colours nothing (run: null).
 */
export async function getRunGraph(db: Db, dagId: string, runId?: string): Promise<RunGraphView> {
  const [stored, recent] = await Promise.all([
    getStoredDag(db, dagId),
    db.dagRun.findMany({
      where: { dagId },
      orderBy: [{ logicalDate: 'desc' }, { id: 'desc' }],
      take: 25,
      select: DAG_RUN_SELECT,
    }),
  ]);
  let run = runId === undefined ? recent[0] : recent.find((r) => r.runId === runId);
  if (runId !== undefined && !run)
    run =
      (await db.dagRun.findUnique({ where: { dagId_runId: { dagId, runId } }, select: DAG_RUN_SELECT })) ??
      undefined;
  const [instances, serialized] = run
    ? await Promise.all([
        db.taskInstance.findMany({
          where: { dagRunId: run.id },
          select: { taskId: true, mapIndex: true, state: true, tryNumber: true },
        }),
        serializedOfRun(db, run.id),
      ])
    : [[], null];
  const view = buildRunGraph(
    serialized ?? stored.serialized,
    run ?? null,
    recent,
    instances as { taskId: string; mapIndex: number; state: TaskInstanceState; tryNumber: number }[],
  );
  return RunGraphSchema.parse(view);
}

/**
 * The DAG as the run was created from it (the version its `dag_hash` names), so a run made
 * before a task was added or removed is drawn with the tasks it had; null when the run predates
 * versions, and the current definition is drawn.
 */
async function serializedOfRun(db: Db, dagRunId: number): Promise<SerializedDag | null> {
  const run = await db.dagRun.findUnique({ where: { id: dagRunId }, select: { dagId: true, dagHash: true } });
  if (!run?.dagHash) return null;
  const version = await db.dagVersion.findUnique({
    where: { dagId_serializedHash: { dagId: run.dagId, serializedHash: run.dagHash } },
    select: { serialized: true },
  });
  return (version?.serialized as unknown as SerializedDag | undefined) ?? null;
}

type RunRow = z.infer<typeof RunGraphRunSchema>;

/** Pure: the graph from the serialized DAG and the run's task instances. */
export function buildRunGraph(
  dag: SerializedDag,
  run: RunRow | null,
  recentRuns: readonly RunRow[],
  instances: readonly { taskId: string; mapIndex: number; state: TaskInstanceState; tryNumber: number }[],
): RunGraphView {
  const graph = dagGraph(dag);
  const byTask = new Map<string, (typeof instances)[number][]>();
  for (const ti of instances) {
    const list = byTask.get(ti.taskId) ?? [];
    list.push(ti);
    byTask.set(ti.taskId, list);
  }
  const serialized = new Map(dag.tasks.map((t) => [t.taskId, t]));
  const tasks = graph.tasks.map((t) => {
    const tis = byTask.get(t.taskId) ?? [];
    const mappedTis = tis.filter((ti) => ti.mapIndex >= 0);
    let mappedStates: Record<string, number> | null = null;
    if (t.mapped) {
      mappedStates = {};
      for (const ti of mappedTis) mappedStates[ti.state] = (mappedStates[ti.state] ?? 0) + 1;
    }
    return {
      taskId: t.taskId,
      kind: t.kind,
      groupId: t.groupId,
      mapped: t.mapped,
      triggerRule: t.triggerRule,
      role: serialized.get(t.taskId)?.setupTeardown?.role ?? null,
      state: summaryState(tis.map((ti) => ti.state)),
      tryNumber: tis.length > 0 ? Math.max(...tis.map((ti) => ti.tryNumber)) : null,
      mappedStates,
    };
  });
  const edges: RunGraphView['edges'] = [];
  for (const t of graph.tasks)
    for (const up of t.upstreams)
      edges.push({
        source: up,
        target: t.taskId,
        kind: 'task',
        label: t.triggerRule === 'all_success' ? null : t.triggerRule,
      });
  const assets = new Map<string, { uri: string; name: string }>();
  for (const t of dag.tasks)
    for (const a of t.outlets ?? []) {
      assets.set(a.uri, { uri: a.uri, name: a.name });
      edges.push({ source: t.taskId, target: assetNodeId(a.uri), kind: 'outlet', label: null });
    }
  const roots = graph.tasks.filter((t) => t.upstreams.length === 0);
  for (const a of scheduleAssets(dag.assetSchedule ?? null)) {
    assets.set(a.uri, { uri: a.uri, name: a.name });
    for (const r of roots)
      edges.push({ source: assetNodeId(a.uri), target: r.taskId, kind: 'schedule', label: null });
  }
  return {
    dagId: dag.dagId,
    run: run ? { runId: run.runId, state: run.state, logicalDate: run.logicalDate } : null,
    recentRuns: recentRuns.map((r) => ({ runId: r.runId, state: r.state, logicalDate: r.logicalDate })),
    tasks,
    groups: graph.taskGroups.map((g) => ({
      groupId: g.groupId,
      parentGroupId: g.parentGroupId,
      tooltip: g.tooltip,
    })),
    assets: [...assets.values()],
    edges,
  };
}

function scheduleAssets(
  condition: SerializedAssetCondition | null,
): { readonly uri: string; readonly name: string }[] {
  if (!condition) return [];
  if (condition.kind === 'asset') return [{ uri: condition.uri, name: condition.name }];
  return condition.of.flatMap(scheduleAssets);
}
