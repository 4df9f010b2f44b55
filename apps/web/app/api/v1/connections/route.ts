// GET /api/v1/connections: connections without their secrets (admins): a password or extra is
// write-only, shown as hasPassword / hasExtra.
import { ConnectionStore } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listConnections, async () => {
  // Listing opens no secret, so the store needs no key.
  const connections = await new ConnectionStore(services().db, undefined).list();
  return { connections, total_entries: connections.length };
});
