// GET /api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}: one task instance (mapIndex
// names a mapped task's instance).
import { getDagRun, getTaskInstance } from '@weir/engine';
import { handle } from '../../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getTaskInstance, async ({ params, query }) => {
  const { db } = services();
  const run = await getDagRun(db, params.dagId, params.runId);
  const ti = await getTaskInstance(db, run, params.taskId, query.mapIndex);
  return { ...ti, dagId: run.dagId, runId: run.runId };
});
