// Owns /deadline-misses: deadlines that passed before their run or task succeeded, across DAGs,
// newest first, filtered by DAG and detection time (in the URL), paged by keyset cursor.
import { pageDeadlineMisses } from '@weir/engine';
import Link from 'next/link';
import { DateRangeFilter, FilterForm, TextFilter } from '../../../components/filter-form.tsx';
import { Pager } from '../../../components/pager.tsx';
import { encodeIdCursor, idCursor } from '../../../lib/api/cursor.ts';
import { requirePage } from '../../../lib/auth.ts';
import { utcInput } from '../../../lib/dag-view.ts';
import { instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const PAGE = 50;
const DAG_ID = /^[A-Za-z0-9_.\-:+]{1,250}$/;

export default async function DeadlineMissesPage({
  searchParams,
}: {
  searchParams: Promise<{ dag?: string; from?: string; to?: string; cursor?: string }>;
}) {
  await requirePage();
  const params = await searchParams;
  const dag = params.dag && DAG_ID.test(params.dag.trim()) ? params.dag.trim() : undefined;
  const from = utcInput(params.from);
  const to = utcInput(params.to);
  const toExclusive =
    to && /^\d{4}-\d{2}-\d{2}$/.test(params.to ?? '') ? new Date(to.getTime() + 86_400_000) : to;
  const cursor = params.cursor ? idCursor.safeParse(params.cursor) : undefined;
  const page = await pageDeadlineMisses(services().db, {
    limit: PAGE,
    ...(dag ? { dagId: dag } : {}),
    ...(from ? { detectedFrom: from } : {}),
    ...(toExclusive ? { detectedTo: toExclusive } : {}),
    ...(cursor?.success ? { afterId: cursor.data } : {}),
  });
  const values = { dag, from: from ? params.from : undefined, to: to ? params.to : undefined };
  return (
    <>
      <h1>Deadline misses</h1>
      <p className="muted">
        Deadlines that passed before their run or task succeeded, detected while the run was still going.
      </p>
      <FilterForm action="/deadline-misses" label="filter deadline misses">
        <TextFilter name="dag" label="DAG" placeholder="any DAG" value={dag} />
        <DateRangeFilter label="detected" from={values.from} to={values.to} />
      </FilterForm>
      {page.items.length === 0 ? (
        <p className="muted">No deadline misses match: every deadline was met.</p>
      ) : (
        <table className="runs">
          <thead>
            <tr>
              <th>DAG</th>
              <th>run</th>
              <th>deadline</th>
              <th>task</th>
              <th>was due</th>
              <th>detected</th>
              <th>run now</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((m) => (
              <tr key={m.id}>
                <td>
                  <Link href={`/dags/${encodeURIComponent(m.dagId)}/details`}>{m.dagId}</Link>
                </td>
                <td>
                  <code className="small">{m.runId}</code>
                </td>
                <td>
                  <code>{m.deadlineId}</code>
                </td>
                <td>
                  {m.taskId && m.runState ? (
                    <Link
                      href={`/dags/${encodeURIComponent(m.dagId)}/runs/${encodeURIComponent(m.runId)}/tasks/${encodeURIComponent(m.taskId)}`}
                    >
                      {m.taskId}
                    </Link>
                  ) : (
                    (m.taskId ?? <span className="muted">the run</span>)
                  )}
                </td>
                <td>{instant(m.deadlineAt)}</td>
                <td>{instant(m.detectedAt)}</td>
                <td>
                  {m.runState ? (
                    <span className={`state ${m.runState}`}>{m.runState}</span>
                  ) : (
                    <span className="muted">never created</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        path="/deadline-misses"
        values={values}
        page={page}
        encodeCursor={encodeIdCursor}
        paged={cursor?.success === true}
        noun="misses"
      />
    </>
  );
}
