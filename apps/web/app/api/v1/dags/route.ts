// GET /api/v1/dags: the DAG list (Airflow's `dags` resource), filtered by search, tag, paused.
import { listDagsOverview } from '@weir/engine';
import { z } from 'zod';
import { badRequest } from '../../../../lib/api-errors.ts';
import { apiPrincipal } from '../../../../lib/auth.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({
  search: z.string().max(200).optional(),
  tag: z.string().max(200).optional(),
  paused: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

export async function GET(request: Request): Promise<Response> {
  const auth = await apiPrincipal(request, 'read');
  if ('response' in auth) return auth.response;
  const parsed = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { search, tag, paused } = parsed.data;
  const dags = await listDagsOverview(services().sql, {
    ...(search ? { search } : {}),
    ...(tag ? { tag } : {}),
    ...(paused ? { paused: paused === 'true' } : {}),
  });
  return Response.json({ dags, total_entries: dags.length });
}
