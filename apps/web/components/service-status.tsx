// Owns showing a health report: one row per service, with its address, latency or error.
import type { HealthReport, ServiceHealth } from '../lib/health.ts';

export function ServiceStatus({ report }: { readonly report: HealthReport }) {
  return (
    <section className="services" aria-labelledby="services-heading">
      <h2 id="services-heading">
        Services:{' '}
        <span className={report.status === 'ok' ? 'ok' : 'bad'}>
          {report.status === 'ok' ? 'all answering' : 'degraded'}
        </span>
      </h2>
      <table>
        <tbody>
          <ServiceRow name="PostgreSQL" health={report.database} />
          <ServiceRow name="Redis" health={report.redis} warning={report.redis.warning} />
        </tbody>
      </table>
    </section>
  );
}

function ServiceRow({
  name,
  health,
  warning,
}: {
  readonly name: string;
  readonly health: ServiceHealth;
  readonly warning?: string | undefined;
}) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>
        {health.address ? <code>{health.address}</code> : <span className="muted">not configured</span>}
      </td>
      <td>
        {health.ok ? (
          <span className="ok">ok, {health.latencyMs} ms</span>
        ) : (
          <span className="bad">{health.error ?? 'not answering'}</span>
        )}
        {warning ? <div className="warn">{warning}</div> : null}
      </td>
    </tr>
  );
}
