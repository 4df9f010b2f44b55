'use client';
// Owns drawing a DAG's graph for one run with React Flow: task nodes coloured by the run's states
// (each a link to its task instance), trigger rules on edges where not all_success, task groups
// that collapse into one node (the collapsed ones kept in the URL), assets as their own nodes,
// and a run picker. The layout (dagre) is graph-layout.ts.
import '@xyflow/react/dist/style.css';
import type { RunGraphTaskView, RunGraphView } from '@weir/engine';
import {
  Background,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from '@xyflow/react';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { createContext, useCallback, useContext, useMemo } from 'react';
import { groupLabel, layoutGraph, type PlacedNode } from './graph-layout.ts';

type TaskData = { task: RunGraphTaskView; href: string | null };
type GroupData = Extract<PlacedNode, { kind: 'group' }>;
type FrameData = Extract<PlacedNode, { kind: 'frame' }>;
type AssetData = Extract<PlacedNode, { kind: 'asset' }>;

/** Lets group nodes toggle themselves without threading callbacks through node data. */
const ToggleGroup = createContext<(groupId: string) => void>(() => {});

const hidden = { opacity: 0, pointerEvents: 'none' } as const;

function Ends() {
  return (
    <>
      <Handle type="target" position={Position.Left} style={hidden} isConnectable={false} />
      <Handle type="source" position={Position.Right} style={hidden} isConnectable={false} />
    </>
  );
}

function stateText(task: RunGraphTaskView): string {
  if (!task.state) return 'no instance';
  if (task.mappedStates) {
    const total = Object.values(task.mappedStates).reduce((a, b) => a + b, 0);
    return `${task.state} · ${total} mapped`;
  }
  return task.tryNumber && task.tryNumber > 1 ? `${task.state} · try ${task.tryNumber}` : task.state;
}

function TaskNode({ data }: NodeProps<Node<TaskData>>) {
  const { task, href } = data;
  const state = task.state ?? 'none';
  const badges = [
    task.mapped ? '[ ]' : null,
    task.kind !== 'task' ? task.kind.replace('_', '-') : null,
    task.role,
  ].filter(Boolean);
  const body = (
    <>
      <span className="graph-node-title">
        {/* Inside its group's frame a task goes by its own name; the full id is in the title. */}
        {task.groupId ? task.taskId.slice(task.groupId.length + 1) : task.taskId}
        {badges.length > 0 ? <span className="graph-badge">{badges.join(' ')}</span> : null}
      </span>
      <span className="graph-node-sub">{stateText(task)}</span>
    </>
  );
  return (
    <div
      className={`graph-node graph-task st-${state}`}
      data-testid="graph-node"
      data-task-id={task.taskId}
      data-state={state}
      title={`${task.taskId}\nstate: ${state}\ntrigger rule: ${task.triggerRule}${task.groupId ? `\ngroup: ${task.groupId}` : ''}`}
    >
      <Ends />
      {href ? (
        <Link href={href} className="graph-node-link" aria-label={`${task.taskId} ${state}`}>
          {body}
        </Link>
      ) : (
        <span className="graph-node-link">{body}</span>
      )}
    </div>
  );
}

function GroupNode({ data }: NodeProps<Node<GroupData>>) {
  const toggle = useContext(ToggleGroup);
  const state = data.state ?? 'none';
  const counts = Object.entries(data.states)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return (
    <div
      className={`graph-node graph-group st-${state}`}
      data-testid="graph-group"
      data-group-id={data.groupId}
      data-state={state}
      title={`${data.groupId}${data.tooltip ? `\n${data.tooltip}` : ''}\n${counts}`}
    >
      <Ends />
      <button
        type="button"
        className="graph-node-link graph-toggle"
        onClick={() => toggle(data.groupId)}
        aria-expanded={false}
        aria-label={`expand group ${data.groupId}`}
      >
        <span className="graph-node-title">▸ {groupLabel(data.groupId)}</span>
        <span className="graph-node-sub">
          {data.tasks} task{data.tasks === 1 ? '' : 's'} · {state}
        </span>
      </button>
    </div>
  );
}

function FrameNode({ data }: NodeProps<Node<FrameData>>) {
  return (
    <div className="graph-frame" data-group-id={data.groupId} style={{ width: data.w, height: data.h }} />
  );
}

function FrameHead({ data }: NodeProps<Node<FrameData>>) {
  const toggle = useContext(ToggleGroup);
  return (
    <button
      type="button"
      className="graph-frame-head"
      onClick={() => toggle(data.groupId)}
      aria-expanded
      aria-label={`collapse group ${data.groupId}`}
      title={`${data.groupId}: collapse into one node`}
    >
      ▾ {groupLabel(data.groupId)}
    </button>
  );
}

function AssetNode({ data }: NodeProps<Node<AssetData>>) {
  return (
    <div className="graph-node graph-asset" data-testid="graph-asset" title={data.uri}>
      <Ends />
      <span className="graph-node-link">
        <span className="graph-node-title">◆ {data.name}</span>
        <span className="graph-node-sub">asset</span>
      </span>
    </div>
  );
}

// Not 'group': React Flow styles its own group type's wrapper.
const NODE_TYPES = {
  task: TaskNode,
  taskgroup: GroupNode,
  frame: FrameNode,
  framehead: FrameHead,
  asset: AssetNode,
};

export function RunGraph({ graph }: { readonly graph: RunGraphView }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const collapsedParam = search.get('collapsed');
  const collapsed = useMemo(
    () => new Set((collapsedParam ?? '').split(',').filter((g) => g.length > 0)),
    [collapsedParam],
  );
  const setUrl = useCallback(
    (change: (q: URLSearchParams) => void) => {
      const q = new URLSearchParams(search.toString());
      change(q);
      const text = q.toString();
      return `${pathname}${text ? `?${text}` : ''}`;
    },
    [pathname, search],
  );
  const toggle = useCallback(
    (groupId: string) => {
      const next = new Set(collapsed);
      if (next.has(groupId)) next.delete(groupId);
      else next.add(groupId);
      // The URL keeps the view; no server round trip is needed to redraw.
      window.history.replaceState(
        null,
        '',
        setUrl((q) => (next.size > 0 ? q.set('collapsed', [...next].join(',')) : q.delete('collapsed'))),
      );
    },
    [collapsed, setUrl],
  );
  const run = graph.run;
  const base = `/dags/${encodeURIComponent(graph.dagId)}`;
  const { nodes, edges } = useMemo(() => {
    const layout = layoutGraph(graph, collapsed);
    const nodes: Node[] = layout.nodes.flatMap((n): Node | Node[] => {
      const common = { id: n.id, position: { x: n.x, y: n.y }, width: n.w, height: n.h };
      switch (n.kind) {
        case 'task':
          return {
            ...common,
            type: 'task',
            data: {
              task: n.task,
              href: run
                ? `${base}/runs/${encodeURIComponent(run.runId)}/tasks/${encodeURIComponent(n.task.taskId)}${n.task.mapped ? '?mapIndex=0' : ''}`
                : null,
            } satisfies TaskData,
          };
        case 'frame':
          // Under the edges; its header is a node of its own above them, so it can be clicked.
          return [
            { ...common, type: 'frame', data: n, zIndex: -20 + n.depth, selectable: false },
            {
              id: `head:${n.groupId}`,
              type: 'framehead',
              position: { x: n.x + 8, y: n.y + 4 },
              data: n,
              selectable: false,
            },
          ];
        case 'group':
          return { ...common, type: 'taskgroup', data: n };
        default:
          return { ...common, type: 'asset', data: n };
      }
    });
    const edges: Edge[] = layout.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'default',
      className: `graph-edge graph-edge-${e.kind}${e.label ? ' graph-edge-ruled' : ''}`,
      ...(e.label
        ? {
            label: e.label,
            labelBgPadding: [4, 2] as [number, number],
            labelBgBorderRadius: 4,
            labelStyle: { fill: 'var(--warn)', fontSize: 11, fontWeight: 600 },
            labelBgStyle: { fill: 'var(--bg)', stroke: 'var(--warn)', strokeWidth: 1 },
          }
        : {}),
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: 'var(--muted)' },
    }));
    return { nodes, edges };
  }, [graph, collapsed, run, base]);

  const allGroups = graph.groups.map((g) => g.groupId);
  return (
    <div className="graph" data-testid="graph" data-run-id={run?.runId ?? ''}>
      <div className="graph-bar">
        <label className="graph-run-pick">
          <span className="muted small">run</span>
          <select
            value={run?.runId ?? ''}
            onChange={(e) => router.push(setUrl((q) => q.set('runId', e.target.value)))}
            disabled={graph.recentRuns.length === 0}
          >
            {run && !graph.recentRuns.some((r) => r.runId === run.runId) ? (
              <option value={run.runId}>{run.runId}</option>
            ) : null}
            {graph.recentRuns.length === 0 ? <option value="">no runs yet</option> : null}
            {graph.recentRuns.map((r) => (
              <option key={r.runId} value={r.runId}>
                {r.runId} · {r.state}
              </option>
            ))}
          </select>
        </label>
        {run ? <span className={`state ${run.state}`}>{run.state}</span> : null}
        {allGroups.length > 0 ? (
          <span className="graph-group-buttons">
            <button
              type="button"
              className="secondary small-button"
              onClick={() =>
                window.history.replaceState(
                  null,
                  '',
                  setUrl((q) => q.delete('collapsed')),
                )
              }
            >
              Expand all
            </button>
            <button
              type="button"
              className="secondary small-button"
              onClick={() =>
                window.history.replaceState(
                  null,
                  '',
                  setUrl((q) =>
                    q.set(
                      'collapsed',
                      graph.groups
                        .filter((g) => g.parentGroupId === null)
                        .map((g) => g.groupId)
                        .join(','),
                    ),
                  ),
                )
              }
            >
              Collapse all
            </button>
          </span>
        ) : null}
        <span className="graph-legend muted small" aria-hidden>
          {['success', 'running', 'queued', 'failed', 'upstream_failed', 'up_for_retry', 'skipped'].map(
            (s) => (
              <span key={s}>
                <span className={`sq ${s}`} /> {s.replaceAll('_', ' ')}
              </span>
            ),
          )}
        </span>
      </div>
      {run ? null : <p className="muted">No runs yet: the graph shows the DAG's structure only.</p>}
      <div className="graph-canvas">
        <ToggleGroup.Provider value={toggle}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            colorMode="system"
            fitView
            fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
            minZoom={0.1}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            edgesFocusable={false}
            onlyRenderVisibleElements={nodes.length > 300}
            // A click handler also gives every node pointer events (React Flow turns them off
            // for nodes that are neither selectable nor draggable), so links and buttons work.
            onNodeClick={(event, node) => {
              if ((event.target as Element).closest('a, button')) return;
              const href = node.type === 'task' ? (node.data as TaskData).href : null;
              if (href) router.push(href);
            }}
          >
            <Background gap={20} size={1} />
            <Controls showInteractive={false} />
          </ReactFlow>
        </ToggleGroup.Provider>
      </div>
    </div>
  );
}
