// GET /api/v1/connections: connections without their secrets (admins): a password or extra is
// write-only, shown as hasPassword / hasExtra.
// POST /api/v1/connections: create one (admins); its password and extra are sealed at once and
// never returned. 409 when the id is taken.
import { EngineError } from '@weir/engine';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { connectionStore } from '../../../../lib/connection-store.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listConnections, async () => {
  // Listing opens no secret.
  const connections = await connectionStore().list();
  return { connections, total_entries: connections.length };
});

export const POST = handle(routes.createConnection, async ({ body, note }) => {
  const store = connectionStore();
  await store.add(
    {
      id: body.id,
      type: body.type,
      host: body.host ?? null,
      port: body.port ?? null,
      login: body.login ?? null,
      schema: body.schema ?? null,
      password: body.password ?? null,
      extra: body.extra ?? {},
    },
    body.description != null ? { description: body.description } : {},
  );
  note({
    details: { connId: body.id, type: body.type, password: body.password != null, extra: body.extra != null },
  });
  const created = await store.summary(body.id);
  if (!created)
    throw new EngineError('CONNECTION_NOT_FOUND', `connection "${body.id}" was deleted meanwhile`);
  return created;
});
