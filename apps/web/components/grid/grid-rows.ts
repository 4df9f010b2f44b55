// Owns which rows the grid shows, in which order: the DAG's tasks in topological order, each
// task group as a row placed where its first task is (its tasks and inner groups under it, unless
// collapsed), and an expanded mapped task's instances under it. Pure, so the client component
// only renders.

export interface GridRowTask {
  readonly taskId: string;
  readonly groupId: string | null;
  readonly mapped: boolean;
}

export interface GridRowGroup {
  readonly groupId: string;
  readonly parentGroupId: string | null;
}

export type GridRow =
  | { readonly kind: 'group'; readonly groupId: string; readonly label: string; readonly depth: number }
  | {
      readonly kind: 'task';
      readonly taskId: string;
      /** Position in the task list (the runs' cells follow it). */
      readonly index: number;
      readonly label: string;
      readonly depth: number;
      readonly mapped: boolean;
    }
  | {
      readonly kind: 'instance';
      readonly taskId: string;
      readonly index: number;
      readonly mapIndex: number;
      readonly depth: number;
    };

interface Node {
  readonly groupId: string | null;
  readonly items: (Node | number)[];
}

/** The id without its group's prefix (`etl.clean` in group `etl` reads `clean`). */
export function localId(id: string, groupId: string | null): string {
  return groupId && id.startsWith(`${groupId}.`) ? id.slice(groupId.length + 1) : id;
}

export function gridRows(
  tasks: readonly GridRowTask[],
  groups: readonly GridRowGroup[],
  options: {
    readonly collapsed: ReadonlySet<string>;
    /** Mapped task id → how many instance rows to show. */
    readonly expanded: ReadonlyMap<string, number>;
  },
): GridRow[] {
  const parentOf = new Map(groups.map((g) => [g.groupId, g.parentGroupId]));
  const root: Node = { groupId: null, items: [] };
  const nodes = new Map<string, Node>();
  const nodeOf = (groupId: string | null, seen: Set<string> = new Set()): Node => {
    if (groupId === null || seen.has(groupId)) return root;
    const known = nodes.get(groupId);
    if (known) return known;
    seen.add(groupId);
    const parent = nodeOf(parentOf.get(groupId) ?? null, seen);
    const node: Node = { groupId, items: [] };
    nodes.set(groupId, node);
    parent.items.push(node);
    return node;
  };
  tasks.forEach((task, index) => {
    nodeOf(task.groupId).items.push(index);
  });
  const rows: GridRow[] = [];
  const walk = (node: Node, depth: number) => {
    for (const item of node.items) {
      if (typeof item === 'number') {
        const task = tasks[item] as GridRowTask;
        rows.push({
          kind: 'task',
          taskId: task.taskId,
          index: item,
          label: localId(task.taskId, node.groupId),
          depth,
          mapped: task.mapped,
        });
        const shown = task.mapped ? options.expanded.get(task.taskId) : undefined;
        for (let mapIndex = 0; mapIndex < (shown ?? 0); mapIndex++)
          rows.push({ kind: 'instance', taskId: task.taskId, index: item, mapIndex, depth: depth + 1 });
      } else {
        const groupId = item.groupId as string;
        rows.push({
          kind: 'group',
          groupId,
          label: localId(groupId, node.groupId),
          depth,
        });
        if (!options.collapsed.has(groupId)) walk(item, depth + 1);
      }
    }
  };
  walk(root, 0);
  return rows;
}
