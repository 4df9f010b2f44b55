// Owns /dags/{dagId}/trigger: the trigger form generated from the DAG's params (operators and
// admins; a viewer is told they may not trigger).
import { can } from '@weir/auth';
import { EngineError, getStoredDag } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '../../../../../lib/auth.ts';
import { paramFields } from '../../../../../lib/param-fields.ts';
import { services } from '../../../../../lib/services.ts';
import { TriggerForm } from './trigger-form.tsx';

export const dynamic = 'force-dynamic';

export default async function TriggerPage({ params }: { params: Promise<{ dagId: string }> }) {
  const principal = await requirePage();
  const dagId = decodeURIComponent((await params).dagId);
  let stored: Awaited<ReturnType<typeof getStoredDag>>;
  try {
    stored = await getStoredDag(services().db, dagId);
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
  const dagParams = stored.serialized.params;
  const grid = `/dags/${encodeURIComponent(dagId)}`;
  return (
    <>
      <p className="crumbs">
        <Link href="/dags">DAGs</Link> / <Link href={grid}>{dagId}</Link> / trigger
      </p>
      <h1>Trigger {dagId}</h1>
      {can(principal.role, 'run.operate') ? (
        <>
          {stored.isPaused ? (
            <p className="banner warn-banner">
              This DAG is paused: a run triggered now waits, queued, until it is unpaused.
            </p>
          ) : null}
          <TriggerForm
            dagId={dagId}
            fields={paramFields(dagParams?.schema, dagParams?.defaults)}
            hasParams={dagParams !== null}
            cancel={grid}
          />
        </>
      ) : (
        <p className="muted">
          Your role ({principal.role}) may not trigger runs; ask an admin for the operator role.
        </p>
      )}
    </>
  );
}
