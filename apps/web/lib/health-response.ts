// Owns the answer of the health routes (/api/health and /api/v1/health, both public): the health
// report with 200 when PostgreSQL and Redis both answer and 503 otherwise, never cached.
import { ConfigError, loadConfig, type WeirConfig } from '@weir/config';
import { HEALTH_TIMEOUT_MS, healthReport } from './health.ts';

export async function healthResponse(): Promise<Response> {
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
