// Owns a table of runs (a DAG's, or across DAGs with a DAG column): run id, type, state, logical
// date, start, duration, and links to the grid and to the code version the run used.
import type { DagRunView } from '@weir/engine';
import Link from 'next/link';
import { duration, instant } from '../lib/format.ts';

export function RunsTable({
  runs,
  now,
  showDag,
}: {
  readonly runs: readonly DagRunView[];
  readonly now: Date;
  readonly showDag: boolean;
}) {
  return (
    <table className="runs">
      <thead>
        <tr>
          {showDag ? <th>DAG</th> : null}
          <th>run id</th>
          <th>type</th>
          <th>state</th>
          <th>logical date</th>
          <th>started</th>
          <th>duration</th>
          <th>code</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const dag = `/dags/${encodeURIComponent(r.dagId)}`;
          const seconds = r.startedAt ? ((r.endedAt ?? now).getTime() - r.startedAt.getTime()) / 1000 : null;
          return (
            <tr key={r.id}>
              {showDag ? (
                <td>
                  <Link href={dag}>{r.dagId}</Link>
                </td>
              ) : null}
              <td>
                <code>{r.runId}</code>
                {r.triggeredBy ? <div className="muted small">by {r.triggeredBy}</div> : null}
                {r.backfillId !== null ? (
                  <div className="muted small">
                    <Link href={`${dag}/backfill#backfill-${r.backfillId}`}>backfill {r.backfillId}</Link>
                  </div>
                ) : null}
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
              <td>
                <Link href={`${dag}/code?run=${encodeURIComponent(r.runId)}`} className="small">
                  version
                </Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
