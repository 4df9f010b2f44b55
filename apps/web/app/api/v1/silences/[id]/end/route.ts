// POST /api/v1/silences/{id}/end: operators and admins end a silence now, as `weir alerts unsilence`.
import { endSilence, getSilence } from '@weir/engine';
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.endSilence, async ({ params, note }) => {
  const { sql } = services();
  const now = new Date();
  await endSilence(sql, params.id, now);
  const silence = await getSilence(sql, params.id, now);
  note({
    dagId: silence.dagId,
    ...(silence.taskId ? { taskId: silence.taskId } : {}),
    details: { silenceId: silence.id },
  });
  return silence;
});
