// GET /api/v1/alerts: incidents, the latest seen first, by state and DAG.
import { listAlerts } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAlerts, async ({ query }) => {
  const { state, dag_id, limit } = query;
  const alerts = await listAlerts(services().sql, {
    ...(state ? { state } : {}),
    ...(dag_id ? { dagId: dag_id } : {}),
    limit,
  });
  return { alerts: [...alerts] };
});
