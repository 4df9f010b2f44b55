// POST /api/v1/alerts/{id}/acknowledge: operators and admins; stops repeats, tells PagerDuty.
import { acknowledgeAlert } from '@weir/engine';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.acknowledgeAlert, async ({ params, principal, note }) => {
  const result = await acknowledgeAlert(services().sql, params.id, principal.username, new Date());
  note({ details: { alertId: params.id } });
  return result;
});
