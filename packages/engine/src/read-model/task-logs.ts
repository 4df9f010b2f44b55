// Owns reading one try's log lines (task_log, written by the worker's TaskLogSink while the try
// runs) and whether that try has ended, so a reader can follow a log until its try is over.
import type { Db } from '@weir/db';

export interface TaskLogLine {
  /** Increasing within a try: read on from the last one seen. */
  readonly id: bigint;
  readonly at: Date;
  readonly level: string;
  readonly message: string;
}

export interface TryView {
  readonly tryNumber: number;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly outcome: string | null;
  readonly error: string | null;
  readonly hostname: string | null;
}

/** Lines of one try after `afterId` (all when absent), oldest first, at most `limit`. */
export async function readTaskLog(
  db: Db,
  taskInstanceId: number,
  tryNumber: number,
  afterId?: bigint,
  limit = 10_000,
): Promise<TaskLogLine[]> {
  return db.taskLog.findMany({
    where: { taskInstanceId, tryNumber, ...(afterId !== undefined ? { id: { gt: afterId } } : {}) },
    orderBy: { id: 'asc' },
    take: limit,
    select: { id: true, at: true, level: true, message: true },
  });
}

/** The try's attempt row: null until a worker has started it. */
export async function getTry(db: Db, taskInstanceId: number, tryNumber: number): Promise<TryView | null> {
  return db.taskAttempt.findUnique({
    where: { taskInstanceId_tryNumber: { taskInstanceId, tryNumber } },
    select: { tryNumber: true, startedAt: true, endedAt: true, outcome: true, error: true, hostname: true },
  });
}
