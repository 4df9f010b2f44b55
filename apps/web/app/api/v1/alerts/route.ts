// GET /api/v1/alerts: incidents, the latest seen first, by state and DAG.
import { listAlerts } from '@weir/engine';
import { z } from 'zod';
import { badRequest } from '../../../../lib/api-errors.ts';
import { apiPrincipal } from '../../../../lib/auth.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({
  state: z
    .enum(['open', 'acknowledged', 'resolved'], { message: 'must be open, acknowledged or resolved' })
    .optional(),
  dag_id: z.string().max(250).optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int().min(1).max(1000).default(25),
});

export async function GET(request: Request): Promise<Response> {
  const auth = await apiPrincipal(request, 'read');
  if ('response' in auth) return auth.response;
  const parsed = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { state, dag_id, limit } = parsed.data;
  const alerts = await listAlerts(services().sql, {
    ...(state ? { state } : {}),
    ...(dag_id ? { dagId: dag_id } : {}),
    limit,
  });
  return Response.json({ alerts });
}
