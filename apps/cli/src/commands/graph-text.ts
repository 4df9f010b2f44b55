// Owns drawing a DAG's graph for a terminal: the task tree of `weir tasks list --tree` (each root
// with what runs after it, as Airflow's tree view), the task-group tree of `weir dags show`, and
// Graphviz DOT (`--dot`) with one cluster per task group.
import type { DagGraphView } from '@weir/engine';

/** Each root, then its downstream tasks indented under it; a task reached twice is shown again. */
export function taskTree(graph: DagGraphView): string {
  const byId = new Map(graph.tasks.map((t) => [t.taskId, t]));
  const lines: string[] = [];
  const walk = (taskId: string, prefix: string, last: boolean, depth: number) => {
    const task = byId.get(taskId);
    if (!task) return;
    lines.push(depth === 0 ? label(task) : `${prefix}${last ? '└── ' : '├── '}${label(task)}`);
    const below = depth === 0 ? '' : `${prefix}${last ? '    ' : '│   '}`;
    task.downstreams.forEach((d, i) => {
      walk(d, below, i === task.downstreams.length - 1, depth + 1);
    });
  };
  for (const root of graph.tasks.filter((t) => t.upstreams.length === 0)) walk(root.taskId, '', true, 0);
  return lines.map((l) => `${l}\n`).join('');
}

function label(task: DagGraphView['tasks'][number]): string {
  const notes = [task.kind === 'task' ? '' : task.kind, task.mapped ? 'mapped' : ''].filter(Boolean);
  return notes.length > 0 ? `${task.taskId} (${notes.join(', ')})` : task.taskId;
}

/** The group tree: each group with its tasks and inner groups, indented. Empty when there are none. */
export function groupTree(graph: DagGraphView): string {
  const groups = new Map(graph.taskGroups.map((g) => [g.groupId, g]));
  const lines: string[] = [];
  const walk = (groupId: string, depth: number) => {
    const group = groups.get(groupId);
    if (!group) return;
    const pad = '  '.repeat(depth);
    lines.push(`${pad}${group.groupId}/${group.tooltip ? `  (${group.tooltip})` : ''}`);
    for (const taskId of group.taskIds) lines.push(`${pad}  ${taskId}`);
    for (const child of group.childGroupIds) walk(child, depth + 1);
  };
  for (const g of graph.taskGroups) if (g.parentGroupId === null) walk(g.groupId, 0);
  return lines.map((l) => `${l}\n`).join('');
}

/** Graphviz DOT: `weir dags show x --dot | dot -Tsvg > x.svg`. */
export function dot(graph: DagGraphView): string {
  const q = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const out: string[] = [
    `digraph ${q(graph.dagId)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style=rounded];',
  ];
  const groups = new Map(graph.taskGroups.map((g) => [g.groupId, g]));
  const cluster = (groupId: string, depth: number) => {
    const group = groups.get(groupId);
    if (!group) return;
    const pad = '  '.repeat(depth + 1);
    out.push(`${pad}subgraph ${q(`cluster_${group.groupId}`)} {`, `${pad}  label=${q(group.groupId)};`);
    for (const taskId of group.taskIds) out.push(`${pad}  ${q(taskId)};`);
    for (const child of group.childGroupIds) cluster(child, depth + 1);
    out.push(`${pad}}`);
  };
  for (const g of graph.taskGroups) if (g.parentGroupId === null) cluster(g.groupId, 0);
  for (const task of graph.tasks) if (task.groupId === null) out.push(`  ${q(task.taskId)};`);
  for (const task of graph.tasks)
    for (const upstream of task.upstreams) out.push(`  ${q(upstream)} -> ${q(task.taskId)};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
