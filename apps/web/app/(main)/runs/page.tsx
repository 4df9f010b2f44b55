// Owns /runs: runs across DAGs, newest logical date first, filtered by DAG, state, run type and
// logical-date range (in the URL), paged by keyset cursor (the read model the API's dagRuns uses).
import { EngineError, pageDagRuns } from '@weir/engine';
import { TextFilter } from '../../../components/filter-form.tsx';
import { Pager } from '../../../components/pager.tsx';
import { RunFilterForm } from '../../../components/run-filter-form.tsx';
import { RunsTable } from '../../../components/runs-table.tsx';
import { encodeRunCursor } from '../../../lib/api/cursor.ts';
import { requirePage } from '../../../lib/auth.ts';
import { type RunFilterParams, runFilters } from '../../../lib/run-filters.ts';
import { services } from '../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const PAGE = 50;
const DAG_ID = /^[A-Za-z0-9_.\-:+]{1,250}$/;

export default async function AllRunsPage({
  searchParams,
}: {
  searchParams: Promise<RunFilterParams & { dag?: string }>;
}) {
  await requirePage();
  const params = await searchParams;
  const { query, values } = runFilters(params);
  const dag = params.dag && DAG_ID.test(params.dag.trim()) ? params.dag.trim() : undefined;
  // An unknown DAG id in the filter is a list with nothing in it, not an error page.
  const page = await pageDagRuns(services().db, {
    limit: PAGE,
    ...query,
    ...(dag ? { dagId: dag } : {}),
  }).catch((error: unknown) => {
    if (error instanceof EngineError) return { items: [], totalEntries: 0, next: null };
    throw error;
  });
  const shown = { ...values, dag };
  return (
    <>
      <h1>Runs</h1>
      <p className="muted">Runs of every DAG, newest logical date first.</p>
      <RunFilterForm action="/runs" values={shown}>
        <TextFilter name="dag" label="DAG" placeholder="any DAG" value={dag} />
      </RunFilterForm>
      {page.items.length === 0 ? (
        <p className="muted">No runs match these filters.</p>
      ) : (
        <RunsTable runs={page.items} now={new Date()} showDag />
      )}
      <Pager
        path="/runs"
        values={shown}
        page={page}
        encodeCursor={encodeRunCursor}
        paged={query.after !== undefined}
        noun="runs"
      />
    </>
  );
}
