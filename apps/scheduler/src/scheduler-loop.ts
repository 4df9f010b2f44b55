// Owns the scheduler's periodic tick. Task completions schedule their downstream tasks at once
// (in the worker that finished them); this loop handles cron, retries that fall due, run starts,
// timeouts and recovery. It also says, once per scheduler process, each DAG warning (a task
// naming a pool that does not exist) as it appears.
import type { Logger } from '@weir/config';
import { DagWarningWatcher, type Engine, type RecoveryOptions } from '@weir/engine';
import { type Periodic, runPeriodically } from './periodic.ts';

export function runSchedulerLoop(
  engine: Engine,
  tickMs: number,
  logger?: Logger,
  recovery: RecoveryOptions = {},
): Periodic {
  let failing = false;
  const warnings = new DagWarningWatcher(engine.sql, engine.clock);
  return runPeriodically(async () => {
    const started = performance.now();
    try {
      const report = await engine.tick(recovery);
      for (const warning of await warnings.next())
        logger?.warn(
          { dagId: warning.dagId, kind: warning.kind },
          `DAG ${warning.dagId}: ${warning.message}`,
        );
      for (const id of report.completedBackfills) logger?.info({ backfillId: id }, 'backfill completed');
      for (const t of report.recovered)
        logger?.warn(
          {
            dagId: t.dagId,
            taskId: t.taskId,
            taskInstanceId: t.taskInstanceId,
            tryNumber: t.tryNumber,
            state: t.state,
          },
          `try lost: ${t.reason}`,
        );
      for (const t of report.requeued)
        logger?.warn(
          { taskInstanceId: t.taskInstanceId, tryNumber: t.tryNumber, queue: t.queue },
          'queued try had no job in Redis: job added again',
        );
      if (failing) logger?.info('scheduler tick recovered');
      failing = false;
      if (
        report.createdRuns ||
        report.startedRuns ||
        report.requeued.length ||
        report.recovered.length ||
        report.deadlineMisses
      ) {
        const { recovered, requeued, ...counts } = report;
        logger?.info(
          {
            ...counts,
            requeuedTries: requeued.length,
            recoveredTries: recovered.length,
            ms: Math.round(performance.now() - started),
          },
          'scheduler tick',
        );
      }
      return report.moreDue;
    } catch (error) {
      // PostgreSQL or Redis may be restarting; the clients reconnect, the next tick retries.
      if (!failing)
        logger?.error({ err: error }, 'scheduler tick failed; retrying every tick until it succeeds');
      failing = true;
      return false;
    }
  }, tickMs);
}
