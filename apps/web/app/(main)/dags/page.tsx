// Owns the DAG list: search, tag and paused filters in the URL; each DAG's schedule, next run and
// last 10 runs as coloured squares, and a pause toggle for operators; the import errors of broken
// files in a banner above.
import { can } from '@weir/auth';
import { listDagsOverview, listImportErrors } from '@weir/engine';
import Link from 'next/link';
import { requirePage } from '../../../lib/auth.ts';
import { instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { PauseToggle } from './pause-toggle.tsx';

export const dynamic = 'force-dynamic';

export default async function DagsPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; tag?: string; paused?: string }>;
}) {
  const principal = await requirePage();
  const operate = can(principal.role, 'run.operate');
  const params = await searchParams;
  const paused = params.paused === 'true' ? true : params.paused === 'false' ? false : undefined;
  const [dags, errors] = await Promise.all([
    listDagsOverview(services().sql, {
      ...(params.q ? { search: params.q } : {}),
      ...(params.tag ? { tag: params.tag } : {}),
      ...(paused !== undefined ? { paused } : {}),
    }),
    listImportErrors(services().db),
  ]);
  return (
    <>
      <h1>DAGs</h1>
      {errors.length > 0 ? (
        <section className="banner bad" aria-label="import errors">
          <strong>
            {errors.length} DAG file{errors.length === 1 ? '' : 's'} could not be imported; the other DAGs
            keep running.
          </strong>
          <ul>
            {errors.map((e) => (
              <li key={e.fileloc}>
                <code>{e.fileloc}</code>: {e.message.split('\n')[0]}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form className="filters" aria-label="filter DAGs">
        <input name="q" placeholder="Search DAG ids" defaultValue={params.q ?? ''} aria-label="search" />
        <input name="tag" placeholder="tag" defaultValue={params.tag ?? ''} aria-label="tag" />
        <select name="paused" defaultValue={params.paused ?? ''} aria-label="paused">
          <option value="">active and paused</option>
          <option value="false">active only</option>
          <option value="true">paused only</option>
        </select>
        <button type="submit">Filter</button>
      </form>
      {dags.length === 0 ? (
        <p className="muted">No DAGs match. DAG files go in the folder WEIR_DAGS_FOLDER names.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>DAG</th>
              <th>schedule</th>
              <th>next run</th>
              <th>recent runs</th>
              <th>owner</th>
              <th>tags</th>
              <th>state</th>
            </tr>
          </thead>
          <tbody>
            {dags.map((d) => (
              <tr key={d.dagId}>
                <td>
                  <Link href={`/dags/${encodeURIComponent(d.dagId)}`}>{d.dagId}</Link>
                  {d.description ? <div className="muted small">{d.description}</div> : null}
                </td>
                <td>
                  <code>{d.schedule ?? 'manual'}</code>
                </td>
                <td>{d.isPaused ? '–' : instant(d.nextRunAt)}</td>
                <td>
                  <span className="squares">
                    {[...d.recentRuns].reverse().map((r) => (
                      <span key={r.runId} className={`sq ${r.state}`} title={`${r.runId}: ${r.state}`} />
                    ))}
                  </span>
                </td>
                <td>{d.owner ?? ''}</td>
                <td>{d.tags.join(', ')}</td>
                <td>
                  <div className="actions">
                    <span className={d.isPaused ? 'muted' : 'ok'}>{d.isPaused ? 'paused' : 'active'}</span>
                    {operate ? <PauseToggle dagId={d.dagId} isPaused={d.isPaused} small /> : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
