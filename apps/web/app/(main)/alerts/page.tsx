// Owns the alerts page: incidents by state with occurrences, their group's deliveries per channel
// (status and error), and acknowledge / resolve buttons for operators; then the silences, in force
// and ended, which operators create and end here.
import { can } from '@weir/auth';
import { listAlerts, listDagIds, listDeliveries, listSilences } from '@weir/engine';
import Link from 'next/link';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { acknowledge, endSilenceAction, resolve } from './actions.ts';
import { SilenceForm } from './silence-form.tsx';

export const dynamic = 'force-dynamic';

const STATES = ['open', 'acknowledged', 'resolved'] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<{ state?: string }> }) {
  const principal = await requirePage();
  const { state: asked } = await searchParams;
  const state = STATES.find((s) => s === asked);
  const { sql, db } = services();
  const alerts = await listAlerts(sql, { ...(state ? { state } : {}), limit: 200 });
  const groups = [...new Set(alerts.flatMap((a) => (a.groupId === null ? [] : [a.groupId])))];
  const deliveries = new Map(
    await Promise.all(groups.map(async (g) => [g, await listDeliveries(sql, g)] as const)),
  );
  const operate = can(principal.role, 'alert.operate');
  const now = new Date();
  const [silences, dagIds] = await Promise.all([
    listSilences(sql, now, true, { limit: 50 }),
    operate ? listDagIds(db) : Promise.resolve([]),
  ]);
  const ordered = [...silences.filter((x) => x.active), ...silences.filter((x) => !x.active)];
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
      <section aria-label="silences" className="silences">
        <h2>Silences</h2>
        <p className="muted small">
          A silence holds back notifications of a DAG (or one of its tasks); incidents are still recorded and
          show as silenced. Same as <code>weir alerts silence --dag … --task … --for 2h --reason …</code>.
        </p>
        {operate ? <SilenceForm dagIds={dagIds} /> : null}
        {ordered.length === 0 ? (
          <p className="muted">No silences.</p>
        ) : (
          <table aria-label="silences list">
            <thead>
              <tr>
                <th>matches</th>
                <th>state</th>
                <th>reason</th>
                <th>by</th>
                <th>from</th>
                <th>until</th>
                {operate ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {ordered.map((x) => (
                <tr key={x.id} className={x.active ? 'active' : 'ended'} data-silence={x.id}>
                  <td>
                    <Link href={`/dags/${encodeURIComponent(x.dagId)}`}>{x.dagId}</Link>
                    {x.taskId ? (
                      <span>
                        {' '}
                        · task <code>{x.taskId}</code>
                      </span>
                    ) : (
                      <span className="muted"> · every task and run</span>
                    )}
                    <div className="muted small">#{x.id}</div>
                  </td>
                  <td>
                    <span className={`state ${x.active ? 'running' : 'paused'}`}>
                      {x.active ? 'active' : 'ended'}
                    </span>
                  </td>
                  <td>{x.reason}</td>
                  <td>{x.createdBy ?? <span className="muted">–</span>}</td>
                  <td title={instant(x.startsAt)}>{ago(x.startsAt, now)}</td>
                  <td title={instant(x.endsAt)}>
                    {x.active ? ago(x.endsAt, now) : `ended ${ago(x.endsAt, now)}`}
                  </td>
                  {operate ? (
                    <td>
                      {x.active ? (
                        <form action={endSilenceAction}>
                          <input type="hidden" name="id" value={x.id} />
                          <button type="submit" className="secondary small-button">
                            End silence
                          </button>
                        </form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
