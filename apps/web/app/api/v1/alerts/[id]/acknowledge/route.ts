// POST /api/v1/alerts/{id}/acknowledge: operators and admins; stops repeats, tells PagerDuty.
import { audit } from '@weir/auth';
import { acknowledgeAlert, EngineError } from '@weir/engine';
import { apiError } from '../../../../../../lib/api-errors.ts';
import { apiPrincipal, clientAddress } from '../../../../../../lib/auth.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const auth = await apiPrincipal(request, 'alert.operate');
  if ('response' in auth) return auth.response;
  const { id } = await params;
  if (!/^\d+$/.test(id))
    return apiError(400, 'invalid_parameter', 'id: must be a positive whole number', 'id');
  const { sql } = services();
  try {
    const result = await acknowledgeAlert(sql, Number(id), auth.principal.username, new Date());
    await audit(sql, {
      actor: auth.principal.username,
      action: 'alert.acknowledge',
      details: { alertId: Number(id) },
      source: clientAddress(request.headers),
    });
    return Response.json(result);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'ALERT_NOT_FOUND')
      return apiError(404, 'not_found', error.message);
    if (error instanceof EngineError && error.code === 'ALERT_RESOLVED')
      return apiError(409, 'conflict', error.message);
    throw error;
  }
}
