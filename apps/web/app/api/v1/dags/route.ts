// GET /api/v1/dags: the DAG list (Airflow's `dags` resource), filtered by search, tag, paused.
import { listDagsOverview } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listDags, async ({ query }) => {
  const { search, tag, paused } = query;
  const dags = await listDagsOverview(services().sql, {
    ...(search ? { search } : {}),
    ...(tag ? { tag } : {}),
    ...(paused ? { paused: paused === 'true' } : {}),
  });
  return {
    dags: dags.map((d) => ({ ...d, tags: [...d.tags], recentRuns: [...d.recentRuns] })),
    total_entries: dags.length,
  };
});
