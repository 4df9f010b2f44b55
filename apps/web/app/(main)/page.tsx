// Owns the dashboard, the first page after sign-in: is the system healthy? Weir's own processes
// (their heartbeats), the queues, runs running and failed in the last 24 h, open alerts, import
// errors and pools near full, with the services' health.
import { dashboard } from '@weir/engine';
import Link from 'next/link';
import { ServiceStatus } from '../../components/service-status.tsx';
import { ago } from '../../lib/format.ts';
import { HEALTH_TIMEOUT_MS, healthReport } from '../../lib/health.ts';
import { services } from '../../lib/services.ts';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const { sql, config } = services();
  const now = new Date();
  const [view, health] = await Promise.all([
    dashboard(sql, now, config.alerts.unhealthyAfterMs),
    healthReport(config, HEALTH_TIMEOUT_MS),
  ]);
  const total = view.runs.failed24h + view.runs.succeeded24h;
  const rate = total === 0 ? null : Math.round((view.runs.succeeded24h / total) * 1000) / 10;
  const schedulers = view.components.filter((c) => c.component === 'scheduler' && c.alive).length;
  const workers = view.components.filter((c) => c.component === 'worker' && c.alive).length;
  return (
    <>
      <h1>Dashboard</h1>
      <section className="cards">
        <Card label="Schedulers" value={String(schedulers)} tone={schedulers > 0 ? 'ok' : 'bad'} />
        <Card label="Workers" value={String(workers)} tone={workers > 0 ? 'ok' : 'bad'} />
        <Card label="Runs running" value={String(view.runs.running)} />
        <Card
          label="Runs failed, 24 h"
          value={String(view.runs.failed24h)}
          tone={view.runs.failed24h > 0 ? 'bad' : 'ok'}
        />
        <Card label="Success rate, 24 h" value={rate === null ? '–' : `${rate} %`} />
        <Card
          label="Open alerts"
          value={String(view.openAlerts)}
          tone={view.openAlerts > 0 ? 'bad' : 'ok'}
          href="/alerts"
        />
        <Card
          label="Import errors"
          value={String(view.importErrors)}
          tone={view.importErrors > 0 ? 'bad' : 'ok'}
          href="/dags"
        />
      </section>
      <h2>Components</h2>
      {view.components.length === 0 ? (
        <p className="muted">No Weir process has reported in the last hour: start `npx weir standalone`.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>component</th>
              <th>host</th>
              <th>pid</th>
              <th>state</th>
              <th>last seen</th>
              <th>queues</th>
            </tr>
          </thead>
          <tbody>
            {view.components.map((c) => (
              <tr key={`${c.component}-${c.host}-${c.pid}-${c.startedAt.toISOString()}`}>
                <td>{c.component}</td>
                <td>{c.host}</td>
                <td>{c.pid}</td>
                <td className={c.alive ? 'ok' : 'bad'}>{c.alive ? 'alive' : 'gone'}</td>
                <td title={c.lastSeenAt.toISOString()}>{ago(c.lastSeenAt, now)}</td>
                <td>{c.queues.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="columns">
        <section>
          <h2>Queues</h2>
          {view.queues.length === 0 ? (
            <p className="muted">Nothing queued or running.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>queue</th>
                  <th>queued</th>
                  <th>running</th>
                  <th>oldest queued</th>
                </tr>
              </thead>
              <tbody>
                {view.queues.map((q) => (
                  <tr key={q.queue}>
                    <td>{q.queue}</td>
                    <td>{q.queued}</td>
                    <td>{q.running}</td>
                    <td>{q.oldestQueuedAt ? ago(q.oldestQueuedAt, now) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section>
          <h2>Pools</h2>
          <table>
            <thead>
              <tr>
                <th>pool</th>
                <th>used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {view.pools.map((p) => (
                <tr key={p.name}>
                  <td>{p.name}</td>
                  <td>
                    {p.used} / {p.slots}
                  </td>
                  <td>
                    <meter min={0} max={Math.max(1, p.slots)} value={p.used} high={p.slots * 0.8} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <ServiceStatus report={health} />
    </>
  );
}

function Card(props: { label: string; value: string; tone?: 'ok' | 'bad'; href?: string }) {
  const body = (
    <>
      <span className="card-value">{props.value}</span>
      <span className="card-label">{props.label}</span>
    </>
  );
  return props.href ? (
    <Link href={props.href} className={`card ${props.tone ?? ''}`}>
      {body}
    </Link>
  ) : (
    <div className={`card ${props.tone ?? ''}`}>{body}</div>
  );
}
