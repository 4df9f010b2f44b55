// POST /api/v1/dags/{dagId}/dagRuns/{runId}/clear: reset task instances so they run again
// (operators), as `weir tasks clear` does. dryRun defaults to true: it lists what would be
// cleared and changes nothing, so a client must ask for the change explicitly.
import { handle } from '../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.clearDagRun, async ({ params, body, note, skipAudit }) => {
  const result = await services().engine.clear({
    dagId: params.dagId,
    runId: params.runId,
    ...(body.taskIds ? { taskIds: body.taskIds } : {}),
    downstream: body.downstream,
    upstream: body.upstream,
    onlyFailed: body.onlyFailed,
    dryRun: body.dryRun,
  });
  if (body.dryRun) skipAudit();
  note({
    dagId: params.dagId,
    runId: params.runId,
    details: {
      taskIds: body.taskIds ?? null,
      downstream: body.downstream,
      upstream: body.upstream,
      onlyFailed: body.onlyFailed,
      cleared: result.cleared.length,
    },
  });
  return { dryRun: body.dryRun, taskInstances: [...result.cleared] };
});
