// GET /api/v1/dagRuns: runs across DAGs (filters dag_id, state), newest first, by keyset page.
import { pageDagRuns } from '@weir/engine';
import { encodeRunCursor } from '../../../../lib/api/cursor.ts';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAllDagRuns, async ({ query }) => {
  const page = await pageDagRuns(services().db, {
    limit: query.limit,
    ...(query.dag_id ? { dagId: query.dag_id } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.run_type ? { runType: query.run_type } : {}),
    ...(query.logical_date_gte ? { logicalDateFrom: query.logical_date_gte } : {}),
    ...(query.logical_date_lt ? { logicalDateTo: query.logical_date_lt } : {}),
    ...(query.cursor ? { after: query.cursor } : {}),
  });
  return {
    dagRuns: [...page.items],
    total_entries: page.totalEntries,
    next_cursor: page.next ? encodeRunCursor(page.next) : null,
  };
});
