// Owns a run's Gantt page (Airflow 3 shows the Gantt per run): every try of every task instance
// on one time axis, from queued through start to end.
import { EngineError, getRunGantt, type RunGanttView } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '../../../../../../../lib/auth.ts';
import { instant } from '../../../../../../../lib/format.ts';
import { services } from '../../../../../../../lib/services.ts';
import { DagTabs } from '../../../dag-tabs.tsx';
import { RunGantt } from './run-gantt.tsx';

export const dynamic = 'force-dynamic';

export default async function RunGanttPage({
  params,
}: {
  params: Promise<{ dagId: string; runId: string }>;
}) {
  await requirePage();
  const p = await params;
  const dagId = decodeURIComponent(p.dagId);
  const runId = decodeURIComponent(p.runId);
  let gantt: RunGanttView;
  try {
    gantt = await getRunGantt(services().db, dagId, runId, new Date());
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  const { run } = gantt;
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={`/dags/${encodeURIComponent(dagId)}`}>{dagId}</Link> /{' '}
        {runId} / gantt
      </p>
      <h1>
        {dagId} <span className={`state ${run.state}`}>{run.state}</span>
      </h1>
      <DagTabs dagId={dagId} current="gantt" runId={runId} />
      <p className="muted">
        run <code>{runId}</code> · logical date {instant(run.logicalDate)} · started {instant(run.startedAt)}{' '}
        · ended {instant(run.endedAt)}
      </p>
      <RunGantt gantt={gantt} />
    </>
  );
}
