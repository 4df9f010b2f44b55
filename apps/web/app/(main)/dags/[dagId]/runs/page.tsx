// Owns /dags/{dagId}/runs: the DAG's runs newest first, filtered by state, run type and
// logical-date range (all in the URL), paged by keyset cursor.
import { pageDagRuns } from '@weir/engine';
import { Pager } from '../../../../../components/pager.tsx';
import { RunFilterForm } from '../../../../../components/run-filter-form.tsx';
import { RunsTable } from '../../../../../components/runs-table.tsx';
import { encodeRunCursor } from '../../../../../lib/api/cursor.ts';
import { loadDagView } from '../../../../../lib/dag-view.ts';
import { type RunFilterParams, runFilters } from '../../../../../lib/run-filters.ts';
import { services } from '../../../../../lib/services.ts';
import { DagViewHeader } from '../dag-view-header.tsx';

export const dynamic = 'force-dynamic';

const PAGE = 50;

export default async function DagRunsPage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<RunFilterParams>;
}) {
  const { dagId, stored } = await loadDagView(params);
  const { query, values } = runFilters(await searchParams);
  const page = await pageDagRuns(services().db, { dagId, limit: PAGE, ...query });
  const path = `/dags/${encodeURIComponent(dagId)}/runs`;
  return (
    <>
      <DagViewHeader dagId={dagId} current="runs" isPaused={stored.isPaused} />
      <RunFilterForm action={path} values={values} />
      {page.items.length === 0 ? (
        <p className="muted">No runs match these filters.</p>
      ) : (
        <RunsTable runs={page.items} now={new Date()} showDag={false} />
      )}
      <Pager
        path={path}
        values={values}
        page={page}
        encodeCursor={encodeRunCursor}
        paged={query.after !== undefined}
        noun="runs"
      />
    </>
  );
}
