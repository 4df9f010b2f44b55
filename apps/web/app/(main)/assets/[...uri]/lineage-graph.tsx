'use client';
// Owns an asset's lineage drawn as a graph: the tasks whose outlets update it on the left, the
// asset in the middle, the DAGs scheduled on it on the right, laid out by dagre and drawn by
// React Flow; every node links to its DAG.
import dagre from '@dagrejs/dagre';
import { Handle, MarkerType, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';

type Kind = 'producer' | 'asset' | 'consumer';
type LineageData = { kind: Kind; title: string; subtitle: string; href: string | null };
type LineageNode = Node<LineageData, 'lineage'>;

const WIDTH = 230;
const HEIGHT = 58;

function LineageBox({ data }: NodeProps<LineageNode>) {
  const body = (
    <>
      <span className="lineage-kind">
        {data.kind === 'producer' ? 'task' : data.kind === 'asset' ? 'asset' : 'scheduled DAG'}
      </span>
      <span className="lineage-title">{data.title}</span>
      {data.subtitle ? <span className="lineage-sub">{data.subtitle}</span> : null}
    </>
  );
  return (
    <div className={`lineage-node ${data.kind}`} data-testid={`lineage-${data.kind}`} title={data.subtitle}>
      {data.kind !== 'producer' ? (
        <Handle type="target" position={Position.Left} isConnectable={false} />
      ) : null}
      {data.href ? <Link href={data.href}>{body}</Link> : body}
      {data.kind !== 'consumer' ? (
        <Handle type="source" position={Position.Right} isConnectable={false} />
      ) : null}
    </div>
  );
}

const nodeTypes = { lineage: LineageBox };

export function LineageGraph({
  asset,
  producers,
  consumers,
}: {
  readonly asset: { readonly uri: string; readonly name: string };
  readonly producers: readonly { readonly dagId: string; readonly taskId: string }[];
  readonly consumers: readonly string[];
}) {
  const router = useRouter();
  const { nodes, edges, height } = useMemo(() => {
    const dagHref = (dagId: string) => `/dags/${encodeURIComponent(dagId)}`;
    const boxes: { id: string; data: LineageData }[] = [
      ...producers.map((p) => ({
        id: `task:${p.dagId}.${p.taskId}`,
        data: {
          kind: 'producer' as const,
          title: p.taskId,
          subtitle: `in ${p.dagId}`,
          href: dagHref(p.dagId),
        },
      })),
      {
        id: 'asset',
        data: {
          kind: 'asset' as const,
          title: asset.name,
          subtitle: asset.name === asset.uri ? '' : asset.uri,
          href: null,
        },
      },
      ...consumers.map((d) => ({
        id: `dag:${d}`,
        data: { kind: 'consumer' as const, title: d, subtitle: 'runs on new events', href: dagHref(d) },
      })),
    ];
    const links = [
      ...producers.map((p) => ({ source: `task:${p.dagId}.${p.taskId}`, target: 'asset' })),
      ...consumers.map((d) => ({ source: 'asset', target: `dag:${d}` })),
    ];
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 90, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const b of boxes) g.setNode(b.id, { width: WIDTH, height: HEIGHT });
    for (const l of links) g.setEdge(l.source, l.target);
    dagre.layout(g);
    const laidOut: LineageNode[] = boxes.map((b) => {
      const at = g.node(b.id);
      return {
        id: b.id,
        type: 'lineage',
        data: b.data,
        position: { x: at.x - WIDTH / 2, y: at.y - HEIGHT / 2 },
        draggable: false,
        selectable: false,
      };
    });
    return {
      nodes: laidOut,
      edges: links.map((l) => ({
        id: `${l.source}->${l.target}`,
        ...l,
        markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      })),
      height: Math.min(560, Math.max(170, (g.graph().height ?? 0) + 40)),
    };
  }, [asset, producers, consumers]);

  return (
    <div className="lineage" data-testid="lineage" style={{ height }}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        // A click anywhere on a task or DAG node opens its DAG (the node's link does the same).
        onNodeClick={(event, node) => {
          if ((event.target as HTMLElement).closest('a')) return;
          if (node.data.href) router.push(node.data.href);
        }}
        colorMode="system"
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        nodesConnectable={false}
        nodesDraggable={false}
        panOnScroll={false}
        zoomOnScroll={false}
        preventScrolling={false}
      />
      {producers.length === 0 && consumers.length === 0 ? (
        <p className="muted small lineage-note">No task produces this asset and no DAG is scheduled on it.</p>
      ) : null}
    </div>
  );
}
