// Owns GET /api/v1/health (routes.getHealth): the REST API's name for /api/health, public like it,
// where Airflow's API users look for it.
import { healthResponse } from '../../../../lib/health-response.ts';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(): Promise<Response> {
  return healthResponse();
}
