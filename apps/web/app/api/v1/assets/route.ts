// GET /api/v1/assets: assets by uri with their lineage and latest event, by keyset page.
import { pageAssets } from '@weir/engine';
import { encodeTextCursor } from '../../../../lib/api/cursor.ts';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAssets, async ({ query }) => {
  const page = await pageAssets(services().sql, {
    limit: query.limit,
    ...(query.search ? { search: query.search } : {}),
    ...(query.cursor ? { after: query.cursor } : {}),
  });
  return {
    assets: page.items.map((a) => ({ ...a, producers: [...a.producers], consumers: [...a.consumers] })),
    total_entries: page.totalEntries,
    next_cursor: page.next ? encodeTextCursor(page.next) : null,
  };
});
