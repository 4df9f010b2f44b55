// Owns GET /api/health: 200 when PostgreSQL and Redis both answer, 503 otherwise (load balancers
// and container healthchecks read only the status code; people read the JSON).
import { ConfigError, loadConfig, type WeirConfig } from '@weir/config';
import { HEALTH_TIMEOUT_MS, healthReport } from '../../../lib/health.ts';

// Asked at request time, never prerendered at build time.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(): Promise<Response> {
  const headers = { 'cache-control': 'no-store' };
  let config: WeirConfig;
  try {
    config = loadConfig();
  } catch (error) {
    // ConfigError messages name the variable and never echo a secret or a URL password.
    if (!(error instanceof ConfigError)) throw error;
    return Response.json(
      { status: 'degraded', error: error.message, code: error.code },
      { status: 503, headers },
    );
  }
  const report = await healthReport(config, HEALTH_TIMEOUT_MS);
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503, headers });
}
