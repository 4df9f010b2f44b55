// GET /api/v1/dags/{dagId}/dagRuns/{runId}: one run; PATCH { state }: mark it success or
// failed, its unfinished task instances with it (operators), as `weir dags mark` does.
import { getDagRun } from '@weir/engine';
import { handle } from '../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getDagRun, async ({ params }) =>
  getDagRun(services().db, params.dagId, params.runId),
);

export const PATCH = handle(routes.markDagRun, async ({ params, body, note }) => {
  const { engine, db } = services();
  await engine.markRun({ dagId: params.dagId, runId: params.runId, state: body.state });
  note({ dagId: params.dagId, runId: params.runId, details: { state: body.state } });
  return getDagRun(db, params.dagId, params.runId);
});
