// GET /api/v1/dags/{dagId}/dagRuns/{runId}/taskInstances/{taskId}/xcom: the instance's return
// value as stored (404 when it returned nothing, or has not run).
import { getDagRun, getTaskInstance, listXComs } from '@weir/engine';
import { ApiFailure, handle } from '../../../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getTaskXCom, async ({ params, query }) => {
  const { db } = services();
  const run = await getDagRun(db, params.dagId, params.runId);
  const ti = await getTaskInstance(db, run, params.taskId, query.mapIndex);
  const value = (await listXComs(db, ti.id)).find((x) => x.key === 'return_value');
  if (!value)
    throw new ApiFailure(
      404,
      'not_found',
      `task "${params.taskId}" of run "${params.runId}" has no return value (it is ${ti.state})`,
    );
  return value;
});
