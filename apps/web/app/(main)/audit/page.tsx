// Owns the Audit log page: who did what, when and from where, newest first, for every role.
// Filters (actor, action or a noun) and the page live in the URL: ?actor=ada&action=variable&before=<id>.
// Pages are keyset pages on the log's id, so an old page costs what the first does.
import { auditLogFacets, pageAuditLog } from '@weir/engine';
import Link from 'next/link';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const PAGE = 50;

type Search = { actor?: string; action?: string; before?: string };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePage();
  const search = await searchParams;
  const actor = search.actor?.trim() || undefined;
  const action = /^[a-z_]+(\.[a-z_]+)?$/.test(search.action ?? '') ? search.action : undefined;
  const before = /^\d{1,10}$/.test(search.before ?? '') ? Number(search.before) : undefined;
  const { db } = services();
  const [page, facets] = await Promise.all([
    pageAuditLog(db, {
      ...(actor ? { actor } : {}),
      ...(action ? { action } : {}),
      limit: PAGE,
      ...(before !== undefined ? { before } : {}),
    }),
    auditLogFacets(db),
  ]);
  const nouns = [...new Set(facets.actions.map((a) => a.split('.')[0] as string))];
  const link = (extra: Partial<Search>) => {
    const q = new URLSearchParams();
    if (actor) q.set('actor', actor);
    if (action) q.set('action', action);
    for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
    const s = q.toString();
    return `/audit${s ? `?${s}` : ''}`;
  };
  const now = new Date();
  return (
    <>
      <div className="title-row">
        <h1>Audit log</h1>
        <span className="muted small">
          {page.totalEntries} entr{page.totalEntries === 1 ? 'y' : 'ies'}
          {actor || action ? ' match' : ''}
        </span>
      </div>
      <form className="filters" method="get" action="/audit">
        <label>
          who
          <select name="actor" aria-label="who" defaultValue={actor ?? ''}>
            <option value="">anyone</option>
            {facets.actors.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          action
          <select name="action" aria-label="action" defaultValue={action ?? ''}>
            <option value="">any</option>
            {nouns.map((n) => (
              <optgroup key={n} label={n}>
                <option value={n}>{n}.* (all)</option>
                {facets.actions
                  .filter((a) => a.startsWith(`${n}.`))
                  .map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <div className="filter-buttons">
          <button type="submit">Filter</button>
          {actor || action ? (
            <Link href="/audit" className="button-link">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {page.items.length === 0 ? (
        <p className="muted">No entries{actor || action ? ' match these filters' : ''}.</p>
      ) : (
        <table className="audit">
          <thead>
            <tr>
              <th>when</th>
              <th>who</th>
              <th>action</th>
              <th>on</th>
              <th>details</th>
              <th>from</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.id}>
                <td title={instant(e.at)}>
                  {instant(e.at)}
                  <div className="muted small">{ago(e.at, now)}</div>
                </td>
                <td>
                  <Link href={`/audit?actor=${encodeURIComponent(e.actor)}`}>{e.actor}</Link>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{target(e)}</td>
                <td className="details">{details(e.details)}</td>
                <td>{e.source ?? <span className="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="audit log pages">
        {before !== undefined ? <Link href={link({})}>← Newest</Link> : null}
        {page.next ? <Link href={link({ before: String(page.next.id) })}>Older →</Link> : null}
      </nav>
    </>
  );
}

function target(e: { dagId: string | null; runId: string | null; taskId: string | null }) {
  if (!e.dagId) return <span className="muted">–</span>;
  const dag = `/dags/${encodeURIComponent(e.dagId)}`;
  return (
    <>
      <Link href={dag}>{e.dagId}</Link>
      {e.runId ? <div className="small">{e.runId}</div> : null}
      {e.taskId ? <div className="small">{e.taskId}</div> : null}
    </>
  );
}

/** The details as key: value pairs (never secrets: writers leave them out). */
function details(d: Record<string, unknown>) {
  const entries = Object.entries(d).filter(([k]) => k !== 'via');
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <span className="kv">
      {entries.map(([k, v]) => (
        <span key={k}>
          <span className="muted">{k}</span> {typeof v === 'string' ? v : JSON.stringify(v)}
        </span>
      ))}
      {typeof d.via === 'string' ? <span className="muted">via {d.via}</span> : null}
    </span>
  );
}
