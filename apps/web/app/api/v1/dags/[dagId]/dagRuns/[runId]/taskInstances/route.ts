// GET /api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances: every task instance of one run, in the
// DAG's topological order (a run holds a bounded number: its tasks and their mapped instances).
import { getDagRun, getStoredDag, listTaskInstances } from '@weir/engine';
import { handle } from '../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listRunTaskInstances, async ({ params }) => {
  const { db } = services();
  const run = await getDagRun(db, params.dagId, params.runId);
  const dag = await getStoredDag(db, params.dagId);
  const instances = await listTaskInstances(db, run.id, dag.serialized);
  return {
    taskInstances: instances.map((ti) => ({ ...ti, dagId: run.dagId, runId: run.runId })),
    total_entries: instances.length,
  };
});
