// Owns /dags/{dagId}/backfill: the backfill form for operators (a viewer sees why there is none),
// and the DAG's backfills newest first with their progress (runs done of total, by state) and a
// cancel button while one is running. Live updates redraw the progress as runs finish.
import { can } from '@weir/auth';
import { listBackfills } from '@weir/engine';
import Link from 'next/link';
import { loadDagView } from '../../../../../lib/dag-view.ts';
import { instant } from '../../../../../lib/format.ts';
import { services } from '../../../../../lib/services.ts';
import { DagViewHeader } from '../dag-view-header.tsx';
import { cancelBackfillAction } from './actions.ts';
import { BackfillForm } from './backfill-form.tsx';

export const dynamic = 'force-dynamic';

const SHOWN = 20;

/** `YYYY-MM-DDTHH:MM` in UTC, for a datetime-local field. */
const field = (at: Date) => at.toISOString().slice(0, 16);

export default async function DagBackfillPage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<{ created?: string; cancelled?: string; problem?: string }>;
}) {
  const { principal, dagId, stored } = await loadDagView(params);
  const query = await searchParams;
  const operate = can(principal.role, 'run.operate');
  const backfills = await listBackfills(services().db, { dagId, limit: SHOWN });
  const dag = stored.serialized;
  const now = new Date();
  const weekAgo = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 7));
  const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
  return (
    <>
      <DagViewHeader dagId={dagId} current="backfill" isPaused={stored.isPaused} />
      {query.created ? (
        <p className="banner ok-banner" role="status">
          Backfill {query.created} created; its runs start as the scheduler picks them up
          {stored.isPaused ? ', once the DAG is unpaused (it is paused now)' : ''}.
        </p>
      ) : null}
      {query.cancelled ? (
        <p className="banner ok-banner" role="status">
          Backfill {query.cancelled} cancelled: its runs not yet started were marked failed.
        </p>
      ) : null}
      {query.problem ? (
        <p className="banner" role="alert">
          {query.problem}
        </p>
      ) : null}
      {!operate ? (
        <p className="muted">
          Your role ({principal.role}) may not backfill; ask an admin for the operator role.
        </p>
      ) : dag.schedule === null ? (
        <p className="muted">
          This DAG has no schedule, so it has no intervals to backfill; trigger runs instead.
        </p>
      ) : (
        <BackfillForm
          dagId={dagId}
          defaults={{ from: field(weekAgo), to: field(yesterday), reprocess: 'none', maxActiveRuns: '10' }}
        />
      )}
      <section aria-labelledby="backfills-heading">
        <h2 id="backfills-heading">Backfills</h2>
        {backfills.length === 0 ? (
          <p className="muted">No backfills of this DAG yet.</p>
        ) : (
          <table className="backfills">
            <thead>
              <tr>
                <th>id</th>
                <th>range</th>
                <th>state</th>
                <th>progress</th>
                <th>reprocess</th>
                <th>by</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {backfills.map((b) => {
                const pct = b.runs.total === 0 ? 100 : Math.round((b.runs.done / b.runs.total) * 100);
                const s = b.runs.byState;
                return (
                  <tr
                    key={b.id}
                    id={`backfill-${b.id}`}
                    className={String(b.id) === query.created ? 'picked' : undefined}
                  >
                    <td>{b.id}</td>
                    <td className="small">
                      {instant(b.from)}
                      <br />→ {instant(b.to)}
                    </td>
                    <td>
                      <span
                        className={`state ${b.state === 'completed' ? 'success' : b.state === 'cancelled' ? 'failed' : 'running'}`}
                      >
                        {b.state}
                      </span>
                    </td>
                    <td>
                      <div
                        className="progress"
                        role="progressbar"
                        aria-label={`backfill ${b.id} progress`}
                        aria-valuemin={0}
                        aria-valuemax={b.runs.total}
                        aria-valuenow={b.runs.done}
                      >
                        <span
                          className="progress-success"
                          style={{ width: `${(s.success / Math.max(1, b.runs.total)) * 100}%` }}
                        />
                        <span
                          className="progress-failed"
                          style={{ width: `${(s.failed / Math.max(1, b.runs.total)) * 100}%` }}
                        />
                        <span
                          className="progress-running"
                          style={{ width: `${(s.running / Math.max(1, b.runs.total)) * 100}%` }}
                        />
                      </div>
                      <span className="small progress-text">
                        {b.runs.done} of {b.runs.total} runs done ({pct}%)
                      </span>
                      <div className="muted small">
                        {s.success} success · {s.failed} failed · {s.running} running · {s.queued} queued
                      </div>
                    </td>
                    <td>
                      {b.reprocess}
                      <div className="muted small">max {b.maxActiveRuns} at once</div>
                    </td>
                    <td className="small">
                      {b.createdBy ?? '–'}
                      <div className="muted">{instant(b.createdAt)}</div>
                    </td>
                    <td>
                      <Link
                        href={`/dags/${encodeURIComponent(dagId)}/runs?type=backfill&from=${b.from.toISOString().slice(0, 10)}&to=${b.to.toISOString().slice(0, 10)}`}
                        className="small"
                      >
                        runs
                      </Link>
                      {operate && b.state === 'running' ? (
                        <form action={cancelBackfillAction} className="inline-form">
                          <input type="hidden" name="dagId" value={dagId} />
                          <input type="hidden" name="backfillId" value={b.id} />
                          <button type="submit" className="secondary bad-button small-button">
                            Cancel
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
