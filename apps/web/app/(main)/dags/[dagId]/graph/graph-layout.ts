// Owns placing a run graph's nodes: which nodes show (a collapsed task group stands for all it
// holds, its edges rerouted to it), and where, laid out left to right by dagre with expanded
// groups as clusters around their tasks. Pure: the DTO and the collapsed groups in, boxes out.
import dagre from '@dagrejs/dagre';
import type { TaskInstanceState } from '@weir/domain';
import type { RunGraphTaskView, RunGraphView } from '@weir/engine';

export const TASK_W = 200;
export const TASK_H = 48;
export const ASSET_W = 190;
export const ASSET_H = 40;
/** Room above an expanded group's tasks for its header (the collapse button). */
export const FRAME_HEAD = 26;

export type PlacedNode =
  | { kind: 'task'; id: string; x: number; y: number; w: number; h: number; task: RunGraphTaskView }
  | {
      kind: 'group';
      id: string;
      x: number;
      y: number;
      w: number;
      h: number;
      groupId: string;
      tooltip: string | null;
      /** The tasks inside (at any depth) by state. */
      states: Record<string, number>;
      state: TaskInstanceState | null;
      tasks: number;
    }
  | { kind: 'frame'; id: string; x: number; y: number; w: number; h: number; groupId: string; depth: number }
  | { kind: 'asset'; id: string; x: number; y: number; w: number; h: number; uri: string; name: string };

export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  kind: 'task' | 'outlet' | 'schedule';
  label: string | null;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** A group's display name: the last part of its dotted id. */
export function groupLabel(groupId: string): string {
  return groupId.slice(groupId.lastIndexOf('.') + 1);
}

const SUMMARY_ORDER: readonly TaskInstanceState[] = [
  'failed',
  'upstream_failed',
  'up_for_retry',
  'up_for_reschedule',
  'running',
  'queued',
  'scheduled',
  'none',
  'success',
  'skipped',
  'removed',
];

export function layoutGraph(graph: RunGraphView, collapsed: ReadonlySet<string>): GraphLayout {
  const parentOf = new Map(graph.groups.map((g) => [g.groupId, g.parentGroupId]));
  const tooltipOf = new Map(graph.groups.map((g) => [g.groupId, g.tooltip]));
  /** Outermost first. */
  const chain = (groupId: string | null): string[] => {
    const out: string[] = [];
    for (let g = groupId; g; g = parentOf.get(g) ?? null) out.unshift(g);
    return out;
  };
  const hiddenBy = (groupId: string | null): string | null =>
    chain(groupId).find((g) => collapsed.has(g)) ?? null;
  const visibleOf = (taskId: string, groupId: string | null): string => {
    const g = hiddenBy(groupId);
    return g ? `group:${g}` : taskId;
  };
  const taskGroup = new Map(graph.tasks.map((t) => [t.taskId, t.groupId]));
  const visible = (id: string) => (id.startsWith('asset:') ? id : visibleOf(id, taskGroup.get(id) ?? null));

  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  // nodesep leaves room for a group's header above its tasks (FRAME_HEAD).
  g.setGraph({
    rankdir: 'LR',
    nodesep: 20 + (graph.groups.length > 0 ? FRAME_HEAD : 0),
    ranksep: 56,
    edgesep: 12,
    marginx: 16,
    marginy: 16,
  });
  g.setDefaultEdgeLabel(() => ({}));

  const groupStates = new Map<string, TaskInstanceState[]>();
  for (const t of graph.tasks) {
    for (const grp of chain(t.groupId)) {
      const list = groupStates.get(grp) ?? [];
      list.push(t.state ?? 'none');
      groupStates.set(grp, list);
    }
  }

  // Expanded groups are clusters (frames) unless an outer group is collapsed.
  const frames = graph.groups.filter((grp) => !collapsed.has(grp.groupId) && !hiddenBy(grp.parentGroupId));
  for (const f of frames) {
    g.setNode(`frame:${f.groupId}`, { width: 0, height: 0 });
    if (f.parentGroupId) g.setParent(`frame:${f.groupId}`, `frame:${f.parentGroupId}`);
  }
  const collapsedShown = graph.groups.filter(
    (grp) => collapsed.has(grp.groupId) && !hiddenBy(grp.parentGroupId),
  );
  for (const c of collapsedShown) {
    g.setNode(`group:${c.groupId}`, { width: TASK_W, height: TASK_H });
    if (c.parentGroupId) g.setParent(`group:${c.groupId}`, `frame:${c.parentGroupId}`);
  }
  for (const t of graph.tasks) {
    if (hiddenBy(t.groupId)) continue;
    g.setNode(t.taskId, { width: TASK_W, height: TASK_H });
    if (t.groupId) g.setParent(t.taskId, `frame:${t.groupId}`);
  }
  for (const a of graph.assets) g.setNode(`asset:${a.uri}`, { width: ASSET_W, height: ASSET_H });

  const edges = new Map<string, PlacedEdge>();
  for (const e of graph.edges) {
    const source = visible(e.source);
    const target = visible(e.target);
    if (source === target) continue;
    const id = `${source}->${target}`;
    const known = edges.get(id);
    // Several edges folded into one by a collapsed group keep a label only when they agree.
    if (known) {
      if (known.label !== e.label) known.label = null;
      continue;
    }
    edges.set(id, { id, source, target, kind: e.kind, label: e.label });
  }
  for (const e of edges.values())
    g.setEdge(
      e.source,
      e.target,
      e.label ? { width: e.label.length * 7 + 12, height: 18, labelpos: 'c' } : {},
    );

  dagre.layout(g);

  const box = (id: string) => {
    const n = g.node(id);
    return { x: (n.x ?? 0) - n.width / 2, y: (n.y ?? 0) - n.height / 2, w: n.width, h: n.height };
  };
  const nodes: PlacedNode[] = [];
  for (const f of frames) {
    const b = box(`frame:${f.groupId}`);
    nodes.push({
      kind: 'frame',
      id: `frame:${f.groupId}`,
      x: b.x,
      y: b.y - FRAME_HEAD,
      w: b.w,
      h: b.h + FRAME_HEAD,
      groupId: f.groupId,
      depth: chain(f.groupId).length,
    });
  }
  for (const c of collapsedShown) {
    const states: Record<string, number> = {};
    const list = groupStates.get(c.groupId) ?? [];
    for (const s of list) states[s] = (states[s] ?? 0) + 1;
    nodes.push({
      kind: 'group',
      id: `group:${c.groupId}`,
      ...box(`group:${c.groupId}`),
      groupId: c.groupId,
      tooltip: tooltipOf.get(c.groupId) ?? null,
      states,
      state: SUMMARY_ORDER.find((s) => list.includes(s)) ?? null,
      tasks: list.length,
    });
  }
  for (const t of graph.tasks)
    if (!hiddenBy(t.groupId)) nodes.push({ kind: 'task', id: t.taskId, ...box(t.taskId), task: t });
  for (const a of graph.assets)
    nodes.push({ kind: 'asset', id: `asset:${a.uri}`, ...box(`asset:${a.uri}`), uri: a.uri, name: a.name });
  return { nodes, edges: [...edges.values()] };
}
