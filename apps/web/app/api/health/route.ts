// Owns GET /api/health: 200 when PostgreSQL and Redis both answer, 503 otherwise (load balancers
// and container healthchecks read only the status code; people read the JSON).
import { healthResponse } from '../../../lib/health-response.ts';

// Asked at request time, never prerendered at build time.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(): Promise<Response> {
  return healthResponse();
}
