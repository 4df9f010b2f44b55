// Owns `weir dags test`: parses the DAG's file, creates one manual run, and drives it to the end
// in this process with the real engine: an in-process worker on a private queue prefix, and
// the engine's scheduling for retries. Needs only PostgreSQL and Redis.
import type { WeirConfig } from '@weir/config';
import { topologicalOrder } from '@weir/domain';
import { detectDeadlineMisses, type Engine, TEST_RUN_TRIGGER } from '@weir/engine';
import { DagProcessor } from '@weir/scheduler';
import { startWorker } from '@weir/worker';
import { CliError } from '../errors.ts';
import { resolveFromCwd } from '../paths.ts';
import { openRuntime } from '../runtime.ts';
import { resolveSecretKey } from '../secret-key.ts';

export interface DagTestRequest {
  readonly dagId: string;
  readonly conf: Record<string, unknown>;
  readonly logicalDate?: Date;
  readonly dagsFolder?: string;
  readonly json: boolean;
}

export interface DagTestReport {
  readonly dagId: string;
  readonly runId: string;
  readonly state: string;
  readonly tasks: { taskId: string; mapIndex: number; state: string; tryNumber: number }[];
  /** Deadlines of this run that passed before it (or the task) succeeded. */
  readonly deadlineMisses: { deadlineId: string; taskId: string | null; deadlineAt: string }[];
}

export async function testDag(config: WeirConfig, request: DagTestRequest): Promise<DagTestReport> {
  const prefix = `${config.queuePrefix}-dagtest-${process.pid}-${Date.now()}`;
  const runtime = await openRuntime(config, { prefix, engine: { ignorePause: true } });
  const say = (line: string) => {
    if (!request.json) process.stderr.write(`${line}\n`);
  };
  try {
    const processor = new DagProcessor({
      db: runtime.db,
      folder: resolveFromCwd(request.dagsFolder ?? config.dagsFolder),
      importTimeoutMs: config.dagProcessor.importTimeoutMs,
      // A DAG first seen here is created as the scheduler would create it (it runs here anyway).
      pausedAtCreation: config.dagProcessor.pausedAtCreation,
    });
    // Only the file that defines the DAG is parsed (found from where it was stored, else by its
    // id in the files' text), so an unrelated slow or broken file cannot hold the test up.
    const parsed = await processor.processFilesDefining(request.dagId);
    const entry = await runtime.engine.catalog.get(request.dagId);
    const mine = parsed.find((p) => p.dagIds.includes(request.dagId));
    if (!entry || !mine) {
      const errors = parsed.filter((p) => p.importError).map((p) => p.importError);
      throw new CliError(
        `DAG "${request.dagId}" not found in ${processor.folder}` +
          (errors.length ? `; import errors: ${errors.join(' | ')}` : ''),
      );
    }
    const queues = [...new Set(entry.dag.tasks.map((t) => t.queue))];
    const worker = startWorker({
      engine: runtime.engine,
      connection: runtime.redis,
      prefix,
      queues,
      concurrency: config.worker.concurrency,
      xcomMaxBytes: config.worker.xcomMaxBytes,
      shutdownGraceMs: 5_000,
      executor: config.worker.executor,
      ...(config.worker.taskMaxMemoryMb ? { taskMaxMemoryMb: config.worker.taskMaxMemoryMb } : {}),
      secretKey: resolveSecretKey(config),
      // Each task's log lines as they happen, prefixed by the task (and map index, try).
      onTaskLog: (claimed, level, message) => {
        const who = `${claimed.taskId}${claimed.mapIndex >= 0 ? `[${claimed.mapIndex}]` : ''}#${claimed.tryNumber}`;
        for (const line of message.split('\n')) say(`${who} ${level.padEnd(6)} ${line}`);
      },
    });
    try {
      const run = await runtime.engine.trigger({
        dagId: request.dagId,
        conf: request.conf,
        ...(request.logicalDate ? { logicalDate: request.logicalDate } : {}),
        triggeredBy: TEST_RUN_TRIGGER,
        runId: `test__${(request.logicalDate ?? new Date()).toISOString()}__${process.pid}`,
      });
      say(`running ${run.runId}`);
      const misses: DagTestReport['deadlineMisses'] = [];
      const dagRun = await runUntilFinished(runtime.engine, run.id, async () => {
        for (const miss of await detectDeadlineMisses(
          runtime.db,
          runtime.engine.catalog,
          runtime.engine.clock,
          {
            dagRunId: run.id,
          },
        )) {
          const at = miss.deadlineAt.toISOString();
          misses.push({ deadlineId: miss.deadlineId, taskId: miss.taskId, deadlineAt: at });
          say(
            `deadline missed: ${miss.deadlineId}${miss.taskId ? ` (task ${miss.taskId})` : ''} passed at ${at}`,
          );
        }
      });
      const tis = await runtime.db.taskInstance.findMany({
        where: { dagRunId: run.id },
        select: { taskId: true, mapIndex: true, state: true, tryNumber: true },
      });
      // Tasks in the order they can run (then map index), as the DAG reads.
      const order = new Map(topologicalOrder(entry.dag.tasks).map((id, i) => [id, i]));
      tis.sort((a, b) => (order.get(a.taskId) ?? 0) - (order.get(b.taskId) ?? 0) || a.mapIndex - b.mapIndex);
      return {
        dagId: request.dagId,
        runId: run.runId,
        state: dagRun,
        tasks: tis.map((t) => ({ ...t, state: t.state as string })),
        deadlineMisses: misses,
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await runtime.close();
  }
}

/**
 * Completions schedule downstream tasks at once; this loop only covers retries falling due, and
 * checks deadlines as the scheduler's tick does (about once a second).
 */
async function runUntilFinished(
  engine: Engine,
  dagRunId: number,
  checkDeadlines: () => Promise<void>,
): Promise<string> {
  for (let round = 0; ; round++) {
    const run = await engine.db.dagRun.findUnique({ where: { id: dagRunId }, select: { state: true } });
    if (round % 10 === 0 || run?.state === 'success' || run?.state === 'failed') await checkDeadlines();
    if (run?.state === 'success' || run?.state === 'failed') return run.state;
    await engine.schedule(dagRunId);
    await new Promise((r) => setTimeout(r, 100));
  }
}
