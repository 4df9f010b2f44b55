// Owns the alerts page: incidents by state with occurrences, their group's deliveries per channel
// (status and error), and acknowledge / resolve buttons for operators.
import { can } from '@weir/auth';
import { listAlerts, listDeliveries } from '@weir/engine';
import Link from 'next/link';
import { requirePage } from '../../../lib/auth.ts';
import { ago } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { acknowledge, resolve } from './actions.ts';

export const dynamic = 'force-dynamic';

const STATES = ['open', 'acknowledged', 'resolved'] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<{ state?: string }> }) {
  const principal = await requirePage();
  const { state: asked } = await searchParams;
  const state = STATES.find((s) => s === asked);
  const { sql } = services();
  const alerts = await listAlerts(sql, { ...(state ? { state } : {}), limit: 200 });
  const groups = [...new Set(alerts.flatMap((a) => (a.groupId === null ? [] : [a.groupId])))];
  const deliveries = new Map(
    await Promise.all(groups.map(async (g) => [g, await listDeliveries(sql, g)] as const)),
  );
  const operate = can(principal.role, 'alert.operate');
  const now = new Date();
  return (
    <>
      <h1>Alerts</h1>
      <nav className="tabs" aria-label="alert state">
        <Link href="/alerts" className={state ? '' : 'current'}>
          all
        </Link>
        {STATES.map((s) => (
          <Link key={s} href={`/alerts?state=${s}`} className={state === s ? 'current' : ''}>
            {s}
          </Link>
        ))}
      </nav>
      {alerts.length === 0 ? (
        <p className="muted">No {state ?? ''} incidents.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>incident</th>
              <th>state</th>
              <th>occurrences</th>
              <th>last seen</th>
              <th>deliveries</th>
              {operate ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => {
              const sent = a.groupId === null ? [] : (deliveries.get(a.groupId) ?? []);
              const link =
                a.dagId && a.runId && a.taskId
                  ? `/dags/${encodeURIComponent(a.dagId)}/runs/${encodeURIComponent(a.runId)}/tasks/${encodeURIComponent(a.taskId)}${a.tryNumber ? `?try=${a.tryNumber}` : ''}`
                  : null;
              return (
                <tr key={a.id}>
                  <td>
                    <span className={`sev ${a.severity}`}>{a.severity}</span>{' '}
                    {link ? <Link href={link}>{a.title}</Link> : a.title}
                    <div className="muted small">
                      #{a.id} · {a.kind}
                      {a.flapping ? ' · flapping' : ''}
                      {a.silenceId !== null && a.state === 'open' ? ' · silenced' : ''}
                      {a.parentId !== null ? ` · attached to #${a.parentId}` : ''}
                    </div>
                  </td>
                  <td className={a.state === 'open' ? 'bad' : a.state === 'resolved' ? 'ok' : 'warn'}>
                    {a.state}
                  </td>
                  <td>{a.occurrences}</td>
                  <td title={a.lastSeenAt.toISOString()}>{ago(a.lastSeenAt, now)}</td>
                  <td>
                    {sent.length === 0 ? (
                      <span className="muted">{a.notifiedAt ? 'no channel routed' : 'not sent yet'}</span>
                    ) : (
                      <ul className="plain">
                        {sent.map((d) => (
                          <li
                            key={d.id}
                            className={d.status === 'failed' ? 'bad' : d.status === 'pending' ? 'warn' : ''}
                          >
                            {d.channel} {d.event}: {d.status}
                            {d.attempts > 1 ? ` (${d.attempts} attempts)` : ''}
                            {d.error ? <span className="muted"> {d.error}</span> : null}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {operate ? (
                    <td>
                      <div className="actions">
                        {a.state === 'open' ? (
                          <form action={acknowledge}>
                            <input type="hidden" name="id" value={a.id} />
                            <button type="submit">Acknowledge</button>
                          </form>
                        ) : null}
                        {a.state !== 'resolved' ? (
                          <form action={resolve}>
                            <input type="hidden" name="id" value={a.id} />
                            <button type="submit" className="secondary">
                              Resolve
                            </button>
                          </form>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
