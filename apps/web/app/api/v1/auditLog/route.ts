// GET /api/v1/auditLog?actor=&action=&limit=&cursor=: who did what, when and from where, newest
// first, in keyset pages (next_cursor); action is noun.verb or a noun alone.
import { pageAuditLog } from '@weir/engine';
import { encodeIdCursor } from '../../../../lib/api/cursor.ts';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listAuditLog, async ({ query }) => {
  const page = await pageAuditLog(services().db, {
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(query.action !== undefined ? { action: query.action } : {}),
    limit: query.limit,
    ...(query.cursor !== undefined ? { before: query.cursor } : {}),
  });
  return {
    auditLog: [...page.items],
    total_entries: page.totalEntries,
    next_cursor: page.next ? encodeIdCursor(page.next) : null,
  };
});
