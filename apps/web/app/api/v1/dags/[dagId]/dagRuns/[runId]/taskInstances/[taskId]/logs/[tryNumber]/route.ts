// GET …/taskInstances/{taskId}/logs/{tryNumber}?token=: one try's log lines after the
// continuation token, for tailing: ask again with the answer's continuationToken until `done`
// (the try has ended and every line was read), as `weir tasks logs --follow` does.
import { isUnfinished } from '@weir/domain';
import { getTry, readTaskLog } from '@weir/engine';
import { handle } from '../../../../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../../../../lib/api/registry.ts';
import { taskInstanceOfTry } from '../../../../../../../../../../../lib/api/task-try.ts';
import { services } from '../../../../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getTaskLogs, async ({ params, query }) => {
  const { db } = services();
  const ti = await taskInstanceOfTry(db, params, query.mapIndex);
  const { tryNumber } = params;
  // The attempt is read before the lines: its end is recorded after the try's last line.
  const attempt = await getTry(db, ti.id, tryNumber);
  const after = query.token !== undefined ? BigInt(query.token) : undefined;
  const lines = await readTaskLog(db, ti.id, tryNumber, after, query.limit);
  const ended = attempt ? attempt.endedAt !== null : tryNumber < ti.tryNumber || !isUnfinished(ti.state);
  return {
    tryNumber,
    lines: lines.map(({ at, level, message }) => ({ at, level, message })),
    continuationToken: String(lines.at(-1)?.id ?? after ?? 0n),
    done: ended && lines.length < query.limit,
  };
});
