// Owns DAG-level callbacks (onSuccess / onFailure): run in one of the worker's executors once a
// run has finished, with the run's context. One that throws is logged and changes nothing.
import type { Engine } from '@weir/engine';
import type { RunCallbackJobData } from '@weir/queue';
import type { ExecutorPool } from './executors/executor-pool.ts';
import { invocationHost, maskFields, type TaskSecrets } from './lookup-answers.ts';
import type { WorkerLogger } from './worker-logger.ts';

export async function runDagCallback(
  engine: Engine,
  executors: ExecutorPool,
  job: RunCallbackJobData,
  logger: WorkerLogger,
  secrets: TaskSecrets,
): Promise<void> {
  const run = await engine.db.dagRun.findUnique({ where: { id: job.dagRunId } });
  if (!run) return;
  const entry = await engine.catalog.get(run.dagId);
  if (!entry) return;
  const name = job.state === 'success' ? 'onSuccess' : 'onFailure';
  if (!entry.dag.callbacks.includes(name)) return;
  const fields = { dagId: run.dagId, runId: run.runId, callback: name };
  const executor = await executors.acquire();
  try {
    const end = await executor.run(
      {
        fileloc: entry.fileloc,
        dagId: run.dagId,
        target: { kind: 'dag_callback', name },
        context: {
          dagId: run.dagId,
          runId: run.runId,
          logicalDate: run.logicalDate,
          dataIntervalStart: run.dataIntervalStart,
          dataIntervalEnd: run.dataIntervalEnd,
          params: (run.conf ?? {}) as Record<string, unknown>,
          state: job.state,
        },
        args: [],
        result: 'ignore',
      },
      invocationHost(secrets, (level, text, extra) => {
        const line = { ...fields, ...maskFields(secrets.masker, extra), level };
        const message = secrets.masker.mask(text);
        if (level === 'error' || level === 'stderr') logger.error(line, message);
        else if (level === 'warn') logger.warn(line, message);
        else logger.info(line, message);
      }),
    );
    const mask = (text: string) => secrets.masker.mask(text);
    if (end.kind === 'result' && end.result.kind === 'threw')
      logger.error(
        { ...fields, error: mask(end.result.error.stack ?? end.result.error.message) },
        `DAG ${run.dagId} ${name} callback for run ${run.runId} failed`,
      );
    else if (end.kind === 'died')
      logger.error(
        { ...fields, error: mask(end.message) },
        `DAG ${run.dagId} ${name} callback for run ${run.runId} failed`,
      );
  } finally {
    executors.release(executor);
  }
}
