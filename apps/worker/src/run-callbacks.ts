// Owns DAG-level callbacks (onSuccess / onFailure): run in a worker once a run has finished,
// with the run's context. One that throws is logged and changes nothing.
import type { Engine } from '@weir/engine';
import type { RunCallbackJobData } from '@weir/queue';
import type { DagRunContext, TaskLogger } from '@weir/sdk';
import type { DagFunctions } from './dag-functions.ts';

export async function runDagCallback(
  engine: Engine,
  functions: DagFunctions,
  job: RunCallbackJobData,
  log: TaskLogger,
): Promise<void> {
  const run = await engine.db.dagRun.findUnique({ where: { id: job.dagRunId } });
  if (!run) return;
  const entry = await engine.catalog.get(run.dagId);
  if (!entry) return;
  const name = job.state === 'success' ? 'onSuccess' : 'onFailure';
  try {
    const dag = await functions.dag(entry.fileloc, run.dagId);
    const callback = dag.options[name];
    if (!callback) return;
    const ctx: DagRunContext<Record<string, unknown>> = {
      dagId: run.dagId,
      runId: run.runId,
      logicalDate: run.logicalDate,
      dataIntervalStart: run.dataIntervalStart,
      dataIntervalEnd: run.dataIntervalEnd,
      params: (run.conf ?? {}) as Record<string, unknown>,
      state: job.state,
      log,
    };
    await (callback as (ctx: DagRunContext<Record<string, unknown>>) => unknown)(ctx);
  } catch (error) {
    log.error(
      `DAG ${run.dagId} ${name} callback for run ${run.runId} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
