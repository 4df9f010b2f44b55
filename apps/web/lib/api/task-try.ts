// Owns finding the task instance a log route names and refusing a try it has not had: try 1 of
// an instance that has not run yet is accepted (empty for now), so a client may wait on it.
import type { Db } from '@weir/db';
import { getDagRun, getTaskInstance } from '@weir/engine';
import { ApiFailure } from './handler.ts';

export async function taskInstanceOfTry(
  db: Db,
  params: { dagId: string; runId: string; taskId: string; tryNumber: number },
  mapIndex: number | undefined,
) {
  const run = await getDagRun(db, params.dagId, params.runId);
  const ti = await getTaskInstance(db, run, params.taskId, mapIndex);
  if (params.tryNumber > Math.max(ti.tryNumber, 1))
    throw new ApiFailure(
      404,
      'not_found',
      `task "${params.taskId}" of run "${params.runId}" has no try ${params.tryNumber}: it has tried ${ti.tryNumber} time(s)`,
      'tryNumber',
    );
  return ti;
}
