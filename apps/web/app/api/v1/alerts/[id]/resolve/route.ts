// POST /api/v1/alerts/{id}/resolve: resolve an incident by hand (operators and admins); its
// group's resolution is sent once every incident in it has resolved.
import { getAlert, resolveAlert } from '@weir/engine';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.resolveAlert, async ({ params, principal, note }) => {
  const { sql } = services();
  await resolveAlert(sql, params.id, principal.username, new Date());
  note({ details: { alertId: params.id } });
  return getAlert(sql, params.id);
});
