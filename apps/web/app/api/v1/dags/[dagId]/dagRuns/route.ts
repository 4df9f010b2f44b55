// GET /api/v1/dags/{dagId}/dagRuns: the DAG's runs, newest first, by keyset page; POST: trigger
// a run (operators), its conf validated against the DAG's params as `weir dags trigger` does.
import { getDagRun, pageDagRuns } from '@weir/engine';
import { encodeRunCursor } from '../../../../../../lib/api/cursor.ts';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listDagRuns, async ({ params, query }) => {
  const page = await pageDagRuns(services().db, {
    dagId: params.dagId,
    limit: query.limit,
    ...(query.state ? { state: query.state } : {}),
    ...(query.run_type ? { runType: query.run_type } : {}),
    ...(query.logical_date_gte ? { logicalDateFrom: query.logical_date_gte } : {}),
    ...(query.logical_date_lt ? { logicalDateTo: query.logical_date_lt } : {}),
    ...(query.cursor ? { after: query.cursor } : {}),
  });
  return {
    dagRuns: [...page.items],
    total_entries: page.totalEntries,
    next_cursor: page.next ? encodeRunCursor(page.next) : null,
  };
});

export const POST = handle(routes.triggerDagRun, async ({ params, body, principal, note }) => {
  const { engine, db } = services();
  const run = await engine.trigger({
    dagId: params.dagId,
    conf: body.conf ?? {},
    ...(body.logicalDate ? { logicalDate: body.logicalDate } : {}),
    triggeredBy: principal.username,
  });
  note({ dagId: run.dagId, runId: run.runId, details: { conf: body.conf ?? {}, dagPaused: run.dagPaused } });
  return getDagRun(db, run.dagId, run.runId);
});
