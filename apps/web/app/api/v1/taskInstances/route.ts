// GET /api/v1/taskInstances: task instances across runs and DAGs (filters dag_id, state),
// newest first, by keyset page.
import { pageTaskInstances } from '@weir/engine';
import { encodeIdCursor } from '../../../../lib/api/cursor.ts';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAllTaskInstances, async ({ query }) => {
  const page = await pageTaskInstances(services().db, {
    limit: query.limit,
    ...(query.dag_id ? { dagId: query.dag_id } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.cursor !== undefined ? { afterId: query.cursor } : {}),
  });
  return {
    taskInstances: [...page.items],
    total_entries: page.totalEntries,
    next_cursor: page.next ? encodeIdCursor(page.next) : null,
  };
});
