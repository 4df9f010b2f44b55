// Owns /dags/{dagId}/gantt: the Gantt of the DAG's latest run (the Gantt tab's link where no run
// is picked), or a word that there is no run yet.
import { EngineError, getStoredDag, listDagRuns } from '@weir/engine';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { requirePage } from '../../../../../lib/auth.ts';
import { services } from '../../../../../lib/services.ts';
import { DagTabs } from '../dag-tabs.tsx';

export const dynamic = 'force-dynamic';

export default async function LatestGanttPage({ params }: { params: Promise<{ dagId: string }> }) {
  await requirePage();
  const dagId = decodeURIComponent((await params).dagId);
  const { db } = services();
  try {
    await getStoredDag(db, dagId);
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  const [latest] = await listDagRuns(db, dagId, { limit: 1 });
  if (latest) redirect(`/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(latest.runId)}/gantt`);
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={`/dags/${encodeURIComponent(dagId)}`}>{dagId}</Link> /
        gantt
      </p>
      <h1>{dagId}</h1>
      <DagTabs dagId={dagId} current="gantt" />
      <p className="muted">No runs yet: the Gantt shows a run&apos;s tries once it has one.</p>
    </>
  );
}
