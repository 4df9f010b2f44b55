// Owns the runs list under a DAG's grid: the runs table, newest first, with a state filter kept
// in the URL (?state=failed).
import { DAG_RUN_STATES, type DagRunState } from '@weir/domain';
import type { DagRunView } from '@weir/engine';
import Link from 'next/link';
import { RunsTable } from '../../../../components/runs-table.tsx';

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
        <RunsTable runs={runs} now={now} showDag={false} />
      )}
    </section>
  );
}
