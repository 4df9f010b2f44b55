// GET /api/v1/backfills: backfills newest first with their progress, by keyset page on the id.
// POST /api/v1/backfills: plan (dryRun) or create a backfill through the engine's command, the
// one `weir dags backfill` runs; a dry run answers 200 and changes nothing.
import { getBackfill, listBackfills } from '@weir/engine';
import { z } from 'zod';
import { encodeIdCursor } from '../../../../lib/api/cursor.ts';
import { handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listBackfills, async ({ query }) => {
  const { db } = services();
  const where = query.dag_id ? { dagId: query.dag_id } : {};
  const [items, total] = await Promise.all([
    listBackfills(db, {
      ...where,
      limit: query.limit,
      ...(query.cursor !== undefined ? { beforeId: query.cursor } : {}),
    }),
    db.backfill.count({ where }),
  ]);
  const last = items.length === query.limit ? items.at(-1) : undefined;
  return { backfills: items, total_entries: total, next_cursor: last ? encodeIdCursor(last) : null };
});

export const POST = handle(routes.createBackfill, async ({ body, principal, note, skipAudit }) => {
  const { db, engine } = services();
  const result = await engine.backfill({
    dagId: body.dagId,
    from: body.from,
    to: body.to,
    reprocess: body.reprocess,
    maxActiveRuns: body.maxActiveRuns,
    dryRun: body.dryRun,
    createdBy: principal.username,
  });
  const answer = {
    dryRun: body.dryRun,
    backfill: result.backfillId === null ? null : await getBackfill(db, result.backfillId),
    plan: [...result.plan],
  };
  if (body.dryRun) {
    skipAudit();
    return Response.json(z.encode(routes.createBackfill.response, answer), {
      headers: { 'cache-control': 'no-store' },
    }) as never;
  }
  note({
    dagId: body.dagId,
    details: {
      backfillId: result.backfillId,
      from: body.from.toISOString(),
      to: body.to.toISOString(),
      reprocess: body.reprocess,
      maxActiveRuns: body.maxActiveRuns,
    },
  });
  return answer;
});
