// Owns a run's Gantt as the UI draws it: per task instance (topological order, then map index)
// every try with when it was queued, started and ended and how it ended, from task_attempt; the
// current try that a worker has not started yet shows as queued since the instance's queued_at.
import type { Db } from '@weir/db';
import { DAG_RUN_STATES, TASK_INSTANCE_STATES, type TaskInstanceState, topologicalOrder } from '@weir/domain';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { getDagRun } from './dag-runs.ts';
import { getStoredDag } from './dags.ts';

const TaskState = z.enum(TASK_INSTANCE_STATES);

export const GanttTrySchema = z.object({
  tryNumber: z.number().int(),
  /** Null when the queue time of the try is not known. */
  queuedAt: z.date().nullable(),
  /** Null for a try still waiting in the queue. */
  startedAt: z.date().nullable(),
  /** Null while the try runs (or waits). */
  endedAt: z.date().nullable(),
  /** The state to colour the try's bar by. */
  state: TaskState,
  /** task_attempt's outcome (timed_out, lost, marked_failed…), null while it runs. */
  outcome: z.string().nullable(),
});

export const GanttRowSchema = z.object({
  taskId: z.string(),
  mapIndex: z.number().int(),
  state: TaskState,
  tries: z.array(GanttTrySchema),
});

export const RunGanttSchema = z.object({
  dagId: z.string(),
  run: z.object({
    runId: z.string(),
    state: z.enum(DAG_RUN_STATES),
    logicalDate: z.date(),
    queuedAt: z.date(),
    startedAt: z.date().nullable(),
    endedAt: z.date().nullable(),
  }),
  /** When this was read: the end of bars still open. */
  now: z.date(),
  rows: z.array(GanttRowSchema),
});

export type RunGanttView = z.infer<typeof RunGanttSchema>;
export type GanttTryView = z.infer<typeof GanttTrySchema>;

/** The state a finished try's bar shows, from task_attempt's outcome. */
export function tryState(outcome: string | null, current: TaskInstanceState): TaskInstanceState {
  switch (outcome) {
    case null:
      return current === 'queued' || current === 'running' ? current : 'running';
    case 'success':
    case 'marked_success':
      return 'success';
    case 'skipped':
    case 'marked_skipped':
      return 'skipped';
    case 'up_for_retry':
      return 'up_for_retry';
    case 'up_for_reschedule':
      return 'up_for_reschedule';
    default:
      // failed, timed_out, lost, cancelled, marked_failed
      return 'failed';
  }
}

/** The run's Gantt; DAG_NOT_FOUND or RUN_NOT_FOUND naming what is missing. */
export async function getRunGantt(db: Db, dagId: string, runId: string, now: Date): Promise<RunGanttView> {
  const run = await getDagRun(db, dagId, runId);
  const dag = await getStoredDag(db, dagId).catch((error: unknown) => {
    if (error instanceof EngineError) return null;
    throw error;
  });
  const rows = await db.taskInstance.findMany({
    where: { dagRunId: run.id },
    select: {
      taskId: true,
      mapIndex: true,
      state: true,
      tryNumber: true,
      queuedAt: true,
      attempts: {
        select: { tryNumber: true, queuedAt: true, startedAt: true, endedAt: true, outcome: true },
        orderBy: { tryNumber: 'asc' },
      },
    },
  });
  const rank = new Map((dag ? topologicalOrder(dag.serialized.tasks) : []).map((id, i) => [id, i]));
  const at = (taskId: string) => rank.get(taskId) ?? Number.MAX_SAFE_INTEGER;
  rows.sort(
    (a, b) => at(a.taskId) - at(b.taskId) || a.taskId.localeCompare(b.taskId) || a.mapIndex - b.mapIndex,
  );
  const view: RunGanttView = {
    dagId,
    run: {
      runId: run.runId,
      state: run.state,
      logicalDate: run.logicalDate,
      queuedAt: run.queuedAt,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
    },
    now,
    rows: rows.map((ti) => {
      const state = ti.state as TaskInstanceState;
      const tries: GanttTryView[] = ti.attempts.map((a) => {
        const current = a.tryNumber === ti.tryNumber;
        // Tries recorded before task_attempt kept queued_at: the current one's is the instance's.
        const queuedAt =
          a.queuedAt ?? (current && ti.queuedAt && ti.queuedAt <= a.startedAt ? ti.queuedAt : null);
        return {
          tryNumber: a.tryNumber,
          queuedAt,
          startedAt: a.startedAt,
          endedAt: a.endedAt,
          state: tryState(a.outcome, current ? state : 'running'),
          outcome: a.outcome,
        };
      });
      if (state === 'queued' && ti.queuedAt && !ti.attempts.some((a) => a.tryNumber === ti.tryNumber))
        tries.push({
          tryNumber: ti.tryNumber,
          queuedAt: ti.queuedAt,
          startedAt: null,
          endedAt: null,
          state: 'queued',
          outcome: null,
        });
      return { taskId: ti.taskId, mapIndex: ti.mapIndex, state, tries };
    }),
  };
  return RunGanttSchema.parse(view);
}
