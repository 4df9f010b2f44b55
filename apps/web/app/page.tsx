// Owns the landing page: what Weir is and whether its services answer. The DAG list grows here.
import { ConfigError, loadConfig, type WeirConfig } from '@weir/config';
import { ServiceStatus } from '../components/service-status.tsx';
import { HEALTH_TIMEOUT_MS, healthReport } from '../lib/health.ts';

// The status is read on each request, never prerendered at build time.
export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <main>
      <h1>Weir</h1>
      <p className="muted">Workflow orchestration: DAGs of tasks, run on schedule, Airflow-style.</p>
      <Status />
    </main>
  );
}

async function Status() {
  let config: WeirConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return <p className="bad">{error.message}</p>;
  }
  const report = await healthReport(config, HEALTH_TIMEOUT_MS);
  return (
    <>
      <ServiceStatus report={report} />
      <p className="muted">
        Weir {report.version} · <a href="/api/health">/api/health</a>
      </p>
    </>
  );
}
