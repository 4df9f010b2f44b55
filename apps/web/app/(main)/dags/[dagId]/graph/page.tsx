// Owns a DAG's Graph page: the DAG's tasks, groups and assets laid out left to right, coloured by
// one run's states (`?runId=`, default the latest run), each task linking to its task instance.
import { EngineError, getRunGraph, type RunGraphView } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '../../../../../lib/auth.ts';
import { services } from '../../../../../lib/services.ts';
import { DagTabs } from '../dag-tabs.tsx';
import { RunGraph } from './run-graph.tsx';

export const dynamic = 'force-dynamic';

export default async function DagGraphPage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<{ runId?: string }>;
}) {
  await requirePage();
  const dagId = decodeURIComponent((await params).dagId);
  const { runId } = await searchParams;
  let graph: RunGraphView;
  try {
    graph = await getRunGraph(services().db, dagId, runId || undefined);
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={`/dags/${encodeURIComponent(dagId)}`}>{dagId}</Link> /
        graph
      </p>
      <h1>{dagId}</h1>
      <DagTabs dagId={dagId} current="graph" runId={graph.run?.runId ?? null} />
      {runId && !graph.run ? (
        <p className="banner warn-banner" role="status">
          Run <code>{runId}</code> not found: showing the DAG without run states.
        </p>
      ) : null}
      <RunGraph graph={graph} />
    </>
  );
}
