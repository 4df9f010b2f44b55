// GET /api/v1/dags/{dagId}/grid: one page of the DAG's grid (runs × tasks) from the grid read
// model, older pages by ?before= (a keyset cursor); the UI's "older runs" and expanded mapped
// tasks read it.
import { dagGrid } from '@weir/engine';
import { encodeRunCursor } from '../../../../../../lib/api/cursor.ts';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getDagGrid, async ({ params, query }) => {
  const grid = await dagGrid(services().sql, params.dagId, {
    limit: query.limit,
    now: new Date(),
    ...(query.before ? { before: query.before } : {}),
    ...(query.expand ? { expand: query.expand } : {}),
  });
  return {
    ...grid,
    next_cursor: grid.older
      ? encodeRunCursor({ logicalDate: new Date(grid.older.logicalDate), id: grid.older.id })
      : null,
  };
});
