// Owns /task-instances: task instances across runs and DAGs, newest first, filtered by DAG, state
// and start time (in the URL), paged by keyset cursor (the read model the API's taskInstances uses).
import { TASK_INSTANCE_STATES, type TaskInstanceState } from '@weir/domain';
import { pageTaskInstances } from '@weir/engine';
import Link from 'next/link';
import { DateRangeFilter, FilterForm, SelectFilter, TextFilter } from '../../../components/filter-form.tsx';
import { Pager } from '../../../components/pager.tsx';
import { encodeIdCursor, idCursor } from '../../../lib/api/cursor.ts';
import { requirePage } from '../../../lib/auth.ts';
import { utcInput } from '../../../lib/dag-view.ts';
import { duration, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const PAGE = 50;
const DAG_ID = /^[A-Za-z0-9_.\-:+]{1,250}$/;

export default async function AllTaskInstancesPage({
  searchParams,
}: {
  searchParams: Promise<{ dag?: string; state?: string; from?: string; to?: string; cursor?: string }>;
}) {
  await requirePage();
  const params = await searchParams;
  const state = TASK_INSTANCE_STATES.find((s) => s === params.state) as TaskInstanceState | undefined;
  const dag = params.dag && DAG_ID.test(params.dag.trim()) ? params.dag.trim() : undefined;
  const from = utcInput(params.from);
  const to = utcInput(params.to);
  const toExclusive =
    to && /^\d{4}-\d{2}-\d{2}$/.test(params.to ?? '') ? new Date(to.getTime() + 86_400_000) : to;
  const cursor = params.cursor ? idCursor.safeParse(params.cursor) : undefined;
  const page = await pageTaskInstances(services().db, {
    limit: PAGE,
    ...(dag ? { dagId: dag } : {}),
    ...(state ? { state } : {}),
    ...(from ? { startedFrom: from } : {}),
    ...(toExclusive ? { startedTo: toExclusive } : {}),
    ...(cursor?.success ? { afterId: cursor.data } : {}),
  });
  const values = { dag, state, from: from ? params.from : undefined, to: to ? params.to : undefined };
  return (
    <>
      <h1>Task instances</h1>
      <p className="muted">Task instances of every run and DAG, newest first.</p>
      <FilterForm action="/task-instances" label="filter task instances">
        <TextFilter name="dag" label="DAG" placeholder="any DAG" value={dag} />
        <SelectFilter name="state" label="state" options={TASK_INSTANCE_STATES} value={state} />
        <DateRangeFilter label="started" from={values.from} to={values.to} />
      </FilterForm>
      {page.items.length === 0 ? (
        <p className="muted">No task instances match these filters.</p>
      ) : (
        <table className="runs">
          <thead>
            <tr>
              <th>DAG</th>
              <th>run</th>
              <th>task</th>
              <th>state</th>
              <th>try</th>
              <th>started</th>
              <th>duration</th>
              <th>worker</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((t) => {
              const href = `/dags/${encodeURIComponent(t.dagId)}/runs/${encodeURIComponent(t.runId)}/tasks/${encodeURIComponent(t.taskId)}${t.mapIndex >= 0 ? `?mapIndex=${t.mapIndex}` : ''}`;
              return (
                <tr key={t.id}>
                  <td>
                    <Link href={`/dags/${encodeURIComponent(t.dagId)}`}>{t.dagId}</Link>
                  </td>
                  <td>
                    <code className="small">{t.runId}</code>
                  </td>
                  <td>
                    <Link href={href}>
                      {t.taskId}
                      {t.mapIndex >= 0 ? ` [${t.mapIndex}]` : ''}
                    </Link>
                  </td>
                  <td>
                    <span className={`state ${t.state}`}>{t.state}</span>
                  </td>
                  <td>
                    {t.tryNumber} / {t.maxTries}
                  </td>
                  <td>{instant(t.startedAt)}</td>
                  <td>{t.duration === null ? '–' : duration(t.duration)}</td>
                  <td className="small">{t.hostname ?? '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager
        path="/task-instances"
        values={values}
        page={page}
        encodeCursor={encodeIdCursor}
        paged={cursor?.success === true}
        noun="task instances"
      />
    </>
  );
}
