// GET /api/v1/silences: alert silences in force (all=true: also ended), newest first, by keyset
// page. POST: silence a DAG or one of its tasks (operators), as `weir alerts silence` does.
import { countSilences, createSilence, listSilences } from '@weir/engine';
import { parseDuration } from '@weir/sdk';
import { encodeIdCursor } from '../../../../lib/api/cursor.ts';
import { ApiFailure, handle } from '../../../../lib/api/handler.ts';
import { routes } from '../../../../lib/api/registry.ts';
import { services } from '../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listSilences, async ({ query }) => {
  const { sql } = services();
  const now = new Date();
  const all = query.all === 'true';
  const found = await listSilences(sql, now, all, { limit: query.limit + 1, beforeId: query.cursor ?? null });
  const more = found.length > query.limit;
  const items = more ? found.slice(0, query.limit) : found;
  const last = items.at(-1);
  return {
    silences: items,
    total_entries: await countSilences(sql, now, all),
    next_cursor: more && last ? encodeIdCursor(last) : null,
  };
});

export const POST = handle(routes.createSilence, async ({ body, principal, note }) => {
  let durationMs: number;
  try {
    durationMs = parseDuration(body.duration, 'duration');
  } catch (error) {
    throw new ApiFailure(400, 'invalid_parameter', (error as Error).message, 'duration');
  }
  if (durationMs <= 0) throw new ApiFailure(400, 'invalid_parameter', 'must be longer than 0', 'duration');
  const silence = await createSilence(
    services().sql,
    {
      dagId: body.dagId,
      taskId: body.taskId ?? null,
      durationMs,
      reason: body.reason,
      createdBy: principal.username,
    },
    new Date(),
  );
  note({
    dagId: silence.dagId,
    ...(silence.taskId ? { taskId: silence.taskId } : {}),
    details: { silenceId: silence.id, duration: body.duration, reason: silence.reason },
  });
  return silence;
});
