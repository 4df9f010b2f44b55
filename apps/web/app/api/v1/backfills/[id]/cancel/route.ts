// POST /api/v1/backfills/{id}/cancel: the engine's cancel (as `weir backfills cancel`); a
// backfill that already completed or was cancelled is a 409.
import { cancelBackfill, getBackfill } from '@weir/engine';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.cancelBackfill, async ({ params, note }) => {
  const { db } = services();
  const { cancelledRuns } = await cancelBackfill(db, params.id);
  const backfill = await getBackfill(db, params.id);
  note({ dagId: backfill.dagId, details: { backfillId: params.id, cancelledRuns } });
  return backfill;
});
