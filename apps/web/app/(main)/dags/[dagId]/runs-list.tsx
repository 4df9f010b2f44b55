// Owns the runs list under a DAG's grid: run id, type, state, logical date, start and duration,
// newest first, with a state filter kept in the URL (?state=failed).
import { DAG_RUN_STATES, type DagRunState } from '@weir/domain';
import type { DagRunView } from '@weir/engine';
import Link from 'next/link';
import { duration, instant } from '../../../../lib/format.ts';

export function RunsList({
  dagId,
  runs,
  state,
  now,
}: {
  readonly dagId: string;
  readonly runs: readonly DagRunView[];
  readonly state: DagRunState | undefined;
  readonly now: Date;
}) {
  const base = `/dags/${encodeURIComponent(dagId)}`;
  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading">Runs</h2>
      <nav className="tabs" aria-label="run state">
        <Link href={`${base}#runs-heading`} className={state ? '' : 'current'}>
          all
        </Link>
        {DAG_RUN_STATES.map((s) => (
          <Link key={s} href={`${base}?state=${s}#runs-heading`} className={state === s ? 'current' : ''}>
            {s}
          </Link>
        ))}
      </nav>
      {runs.length === 0 ? (
        <p className="muted">No {state ?? ''} runs.</p>
      ) : (
        <table className="runs">
          <thead>
            <tr>
              <th>run id</th>
              <th>type</th>
              <th>state</th>
              <th>logical date</th>
              <th>started</th>
              <th>duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const seconds = r.startedAt
                ? ((r.endedAt ?? now).getTime() - r.startedAt.getTime()) / 1000
                : null;
              return (
                <tr key={r.id}>
                  <td>
                    <code>{r.runId}</code>
                    {r.triggeredBy ? <div className="muted small">by {r.triggeredBy}</div> : null}
                  </td>
                  <td>{r.runType}</td>
                  <td>
                    <span className={`state ${r.state}`}>{r.state}</span>
                  </td>
                  <td>{instant(r.logicalDate)}</td>
                  <td>{instant(r.startedAt)}</td>
                  <td>
                    {seconds === null ? '–' : duration(seconds)}
                    {seconds !== null && !r.endedAt ? <span className="muted"> so far</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
