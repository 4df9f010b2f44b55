// GET /api/v1/dags/{dagId}: one DAG; PATCH { isPaused }: pause or unpause it (operators).
import { dagDetail } from '../../../../../lib/api/dags.ts';
import { ApiFailure, handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getDag, async ({ params }) => dagDetail(services().db, params.dagId));

export const PATCH = handle(routes.patchDag, async ({ params, body, note }) => {
  const { engine, db } = services();
  if (!(await engine.setPaused(params.dagId, body.isPaused)))
    throw new ApiFailure(404, 'not_found', `DAG "${params.dagId}" not found`);
  note({ dagId: params.dagId, details: { isPaused: body.isPaused } });
  return dagDetail(db, params.dagId);
});
