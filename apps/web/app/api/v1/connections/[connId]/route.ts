// PATCH /api/v1/connections/{connId}: change a connection (admins). Fields left out stay, a
// password left out is kept (it is write-only: nobody reads it back to send it again), null
// clears. DELETE /api/v1/connections/{connId}: delete it. Both 404 for an unknown id.
import { EngineError } from '@weir/engine';
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { connectionStore } from '../../../../../lib/connection-store.ts';

export const dynamic = 'force-dynamic';

export const PATCH = handle(routes.patchConnection, async ({ params, body, note }) => {
  const updated = await connectionStore().update(params.connId, body);
  // Which fields changed, never their secret values.
  note({ details: { connId: params.connId, changed: Object.keys(body) } });
  return updated;
});

export const DELETE = handle(routes.deleteConnection, async ({ params, note }) => {
  if (!(await connectionStore().delete(params.connId)))
    throw new EngineError('CONNECTION_NOT_FOUND', `connection "${params.connId}" does not exist`);
  note({ details: { connId: params.connId } });
  return { connId: params.connId, deleted: true as const };
});
