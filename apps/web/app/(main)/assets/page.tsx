// Owns the asset list: every asset a DAG names, with the tasks that update it, the DAGs scheduled
// on it, how many events it has and when the latest came; a search (in the URL) over uri and name.
import { pageAssets } from '@weir/engine';
import Link from 'next/link';
import { Pager } from '../../../components/pager.tsx';
import { encodeTextCursor, textCursor } from '../../../lib/api/cursor.ts';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { assetHref } from './asset-link.ts';

export const dynamic = 'force-dynamic';

const PAGE = 100;

export default async function AssetsPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; cursor?: string }>;
}) {
  await requirePage();
  const { q, cursor: cursorText } = await searchParams;
  // A cursor that does not decode starts from the first page.
  const cursor = cursorText ? textCursor.safeParse(cursorText) : undefined;
  const page = await pageAssets(services().sql, {
    limit: PAGE,
    ...(q ? { search: q } : {}),
    ...(cursor?.success ? { after: cursor.data } : {}),
  });
  const now = new Date();
  return (
    <>
      <h1>Assets</h1>
      <form className="filters" aria-label="filter assets">
        <input name="q" placeholder="Search uri or name" defaultValue={q ?? ''} aria-label="search" />
        <button type="submit">Search</button>
      </form>
      {page.items.length === 0 ? (
        <p className="muted">
          {q
            ? `No asset's uri or name contains "${q}".`
            : 'No assets yet: a DAG names one with asset(uri) in a task’s outlets or in its schedule.'}
        </p>
      ) : (
        <table className="assets">
          <thead>
            <tr>
              <th>asset</th>
              <th>produced by task</th>
              <th>scheduled DAGs</th>
              <th className="num">events</th>
              <th>last event</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((a) => (
              <tr key={a.uri}>
                <td>
                  <Link href={assetHref(a.uri)}>{a.name}</Link>
                  {a.name !== a.uri ? <div className="muted small">{a.uri}</div> : null}
                  {a.group !== 'asset' ? <div className="muted small">group {a.group}</div> : null}
                </td>
                <td>
                  {a.producers.length === 0 ? (
                    <span className="muted">external only</span>
                  ) : (
                    <ul className="plain">
                      {a.producers.map((p) => (
                        <li key={`${p.dagId}.${p.taskId}`}>
                          <Link href={`/dags/${encodeURIComponent(p.dagId)}`}>{p.dagId}</Link>
                          <span className="muted">.{p.taskId}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {a.consumers.length === 0 ? (
                    <span className="muted">–</span>
                  ) : (
                    <ul className="plain">
                      {a.consumers.map((d) => (
                        <li key={d}>
                          <Link href={`/dags/${encodeURIComponent(d)}`}>{d}</Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="num">{a.events}</td>
                <td title={instant(a.lastEventAt)}>
                  {a.lastEventAt ? ago(a.lastEventAt, now) : <span className="muted">never</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        path="/assets"
        values={{ q }}
        page={page}
        encodeCursor={encodeTextCursor}
        paged={cursor?.success === true}
        noun="assets"
      />
    </>
  );
}
