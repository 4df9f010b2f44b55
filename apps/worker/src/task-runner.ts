// Owns running one try: take an executor, claim the try, run the task function there with its
// context and inputs under its execution timeout, record the outcome, and schedule what the
// outcome unblocks at once. User code never runs here: this loop only claims, heartbeats and
// finishes tries, so a task that spins its CPU cannot starve them.

import type { ClaimedTry, Engine, TryOutcome } from '@weir/engine';
import { isAssetTriggeredRunId, mappedArgumentsAt, taskOutputs } from '@weir/engine';
import type { TaskJob, TaskJobData } from '@weir/queue';
import { type AssetEventInfo, NonRetryableError, type SerializedDag, type SerializedTask } from '@weir/sdk';
import type { ExecutionEnd, Executor, InvocationHost } from './executors/executor.ts';
import type { ExecutorPool } from './executors/executor-pool.ts';
import type { Invocation, InvocationTarget } from './executors/protocol.ts';
import { TryStop, TryStopped } from './executors/stop-signal.ts';
import { invocationHost, type TaskSecrets } from './lookup-answers.ts';
import { pokeUntilDone, scheduleAfterReschedule, sensorOutcome, wakeWhenDue } from './sensor-runner.ts';
import { TaskLogSink } from './task-log.ts';
import { errorOf, expandedBy, failed, maskedOutcome, outcomeOf, skipRuleOf } from './try-outcome.ts';
import type { WorkerLogger } from './worker-logger.ts';

/** A try this worker runs, as the ownership check and shutdown see it. */
export interface InFlightTry {
  readonly claimed: ClaimedTry;
  readonly stop: TryStop;
  /** True while user code may run; false while the outcome is being recorded. */
  running: boolean;
}

export interface RunnerOptions {
  readonly engine: Engine;
  readonly executors: ExecutorPool;
  readonly hostname: string;
  readonly pid: number;
  /** Largest output (stored bytes) a task may return. */
  readonly xcomMaxBytes: number;
  /** Tries in flight, so the ownership check and shutdown can stop them. */
  readonly inFlight: Map<number, InFlightTry>;
  /** The task queues this worker serves: it may run tries of these queues eagerly. */
  readonly queues: ReadonlySet<string>;
  /** False once shutdown has begun: then no try is claimed eagerly. */
  readonly accepting: () => boolean;
  readonly logger: WorkerLogger;
  /** Lookups (ctx.variable, ctx.connection) and the masker every line and error passes. */
  readonly secrets: TaskSecrets;
  /** Every log line of every try, as it is written (`weir dags test` prints them). */
  readonly onTaskLog?: (claimed: ClaimedTry, level: string, message: string) => void;
  /** A try ended failed or up for retry here: its alert was raised (the alert pass may run now). */
  readonly onTryFailed?: () => void;
}

/**
 * Runs the job's try, then, while the try's end hands this slot one of the tries it unblocked
 * (eager dispatch: a chain's next task), runs that one too, without a round through Redis, in
 * the same executor.
 */
export async function runTry(options: RunnerOptions, job: TaskJobData, cancel: AbortSignal): Promise<void> {
  const executor = await options.executors.acquire();
  try {
    const claim = await options.engine.claimTry(job, { hostname: options.hostname, pid: options.pid });
    if (claim.kind !== 'claimed') return; // another worker has it, or it was cleared meanwhile
    // Shutting down, an eager try still runs: it is already this worker's, and shutdown hands
    // back what has not finished within the grace period.
    for (let next: ClaimedTry | undefined = claim.try; next; )
      next = await runClaimed(options, executor, next, cancel);
  } finally {
    options.executors.release(executor);
  }
}

async function runClaimed(
  options: RunnerOptions,
  executor: Executor,
  claimed: ClaimedTry,
  cancel: AbortSignal,
): Promise<ClaimedTry | undefined> {
  const { engine } = options;
  const stop = new TryStop(executor);
  const entry: InFlightTry = { claimed, stop, running: true };
  options.inFlight.set(claimed.taskInstanceId, entry);
  const onCancel = () => stop.stop({ kind: 'shutdown' });
  cancel.addEventListener('abort', onCancel, { once: true });
  const started = performance.now();
  const tee = options.onTaskLog;
  const log = new TaskLogSink(
    engine.sql,
    claimed.taskInstanceId,
    claimed.tryNumber,
    options.secrets.masker,
    tee ? (level, message) => tee(claimed, level, message) : undefined,
  );
  const host = invocationHost(options.secrets, (level, message, fields) => log.write(level, message, fields));
  options.logger.info(tryFields(claimed), 'try started');
  let timer: NodeJS.Timeout | undefined;
  try {
    const dagEntry = await engine.catalog.get(claimed.dagId);
    const task = dagEntry?.dag.tasks.find((t) => t.taskId === claimed.taskId);
    if (!dagEntry || !task) {
      const outcome: TryOutcome = {
        kind: 'removed',
        reason: `DAG "${claimed.dagId}" or its task "${claimed.taskId}" no longer exists`,
      };
      entry.running = false;
      return (await record(options, claimed, fallbackPolicy, outcome, log, cancel, started)).eager;
    }
    const rules = {
      xcomMaxBytes: options.xcomMaxBytes,
      maxMapLength: engine.maxMapLength,
      expandedBy: expandedBy(dagEntry.dag, task),
      skips: skipRuleOf(dagEntry.dag, task),
      outlets: (task.outlets ?? []).map((a) => a.uri),
    };
    let outcome: TryOutcome;
    try {
      const args = await argumentsFor(engine, dagEntry.dag, task, claimed);
      const context = { ...contextFor(claimed), ...(await assetContext(engine, claimed)) };
      const invocation = (target: InvocationTarget, result: Invocation['result']): Invocation => ({
        fileloc: dagEntry.fileloc,
        dagId: claimed.dagId,
        target,
        context,
        args,
        result,
        outlets: rules.outlets,
      });
      if (task.executionTimeoutMs !== null) {
        const timeoutMs = task.executionTimeoutMs;
        timer = setTimeout(() => stop.stop({ kind: 'timeout', timeoutMs }), timeoutMs);
      }
      if (task.kind === 'sensor' && task.sensor) {
        const sensor = task.sensor;
        const done = await pokeUntilDone(engine, claimed, sensor, log.logger, stop.signal, async () => {
          const end = await runStoppable(
            executor,
            stop,
            invocation({ kind: 'task', taskId: task.taskId }, 'poke'),
            host,
          );
          if (end.kind === 'result' && end.result.kind === 'returned') return end.result.done ? end : false;
          throw new InvocationEnded(end);
        });
        outcome = outcomeOf(done, rules);
      } else {
        const end = await runStoppable(
          executor,
          stop,
          invocation({ kind: 'task', taskId: task.taskId }, resultOf(task)),
          host,
        );
        outcome = outcomeOf(end, rules);
      }
    } catch (error) {
      outcome =
        error instanceof InvocationEnded
          ? outcomeOf(error.end, rules)
          : error instanceof TryStopped
            ? outcomeOf({ kind: 'stopped', reason: error.reason }, rules)
            : (sensorOutcome(error) ?? failed(errorOf(error), true));
    } finally {
      clearTimeout(timer);
    }
    entry.running = false;
    // What the task threw or printed before dying may hold a secret: masked before it is stored.
    outcome = maskedOutcome(outcome, (text) => options.secrets.masker.mask(text));
    const stopped = stop.reason;
    if (stopped && stopped.kind !== 'timeout') {
      // Not this worker's any more (or shutting down): whoever took it records its state.
      await endAttempt(
        engine,
        claimed,
        stopped.kind === 'shutdown' ? 'the worker shut down' : notOwnedText(stopped),
      );
      options.logger.warn(
        { ...tryFields(claimed), reason: stopped.kind, durationMs: elapsed(started) },
        stopped.kind === 'shutdown'
          ? 'try stopped: the worker is shutting down'
          : 'try stopped: it is no longer this worker’s',
      );
      return undefined;
    }
    if (outcome.kind === 'failed') log.logger.error(outcome.error.stack ?? outcome.error.message);
    const { state, eager } = await record(options, claimed, task, outcome, log, cancel, started);
    if (state === 'up_for_reschedule' && outcome.kind === 'up_for_reschedule')
      wakeWhenDue(engine, claimed, task.queue, outcome.rescheduleAt);
    if (state) await runCallback(executor, dagEntry.fileloc, task, state, claimed, outcome, log, host);
    return eager;
  } finally {
    cancel.removeEventListener('abort', onCancel);
    options.inFlight.delete(claimed.taskInstanceId);
    await log.flush();
  }
}

/** An invocation that ended other than by returning: its end decides the try's outcome. */
class InvocationEnded extends Error {
  constructor(readonly end: ExecutionEnd) {
    super('invocation ended');
  }
}

/** What the task function's return value means, by the task's kind. */
function resultOf(task: SerializedTask): Invocation['result'] {
  return task.kind === 'branch' ? 'branch' : task.kind === 'short_circuit' ? 'short_circuit' : 'store';
}

/** Runs the invocation unless the try was stopped already (between a sensor's pokes). */
function runStoppable(executor: Executor, stop: TryStop, invocation: Invocation, host: InvocationHost) {
  if (stop.reason) return Promise.resolve<ExecutionEnd>({ kind: 'stopped', reason: stop.reason });
  return executor.run(invocation, host);
}

type RetryPolicy = Pick<SerializedTask, 'retryDelayMs' | 'retryExponentialBackoff' | 'maxRetryDelayMs'>;
/** The task function's arguments after ctx: the mapped arguments (if mapped), then its inputs. */
async function argumentsFor(
  engine: Engine,
  dag: SerializedDag,
  task: SerializedTask,
  claimed: ClaimedTry,
): Promise<unknown[]> {
  const outputs = await taskOutputs(engine.sql, claimed.dagRunId, dag, task.inputs);
  const inputs = task.inputs.map((id) => outputs.get(id));
  if (!task.mapping) return inputs;
  const mapped = await mappedArgumentsAt(
    engine.sql,
    engine.outputs,
    claimed,
    dag,
    task.mapping,
    claimed.mapIndex,
  );
  if ('error' in mapped) throw new NonRetryableError(mapped.error);
  return [{ ...mapped.args, ...task.mapping.partial }, ...inputs];
}

const fallbackPolicy: RetryPolicy = {
  retryDelayMs: 0,
  retryExponentialBackoff: false,
  maxRetryDelayMs: null,
};

async function record(
  options: RunnerOptions,
  claimed: ClaimedTry,
  policy: RetryPolicy,
  outcome: TryOutcome,
  log: TaskLogSink,
  cancel: AbortSignal,
  started: number,
): Promise<{ state?: string; eager?: ClaimedTry }> {
  await log.flush();
  const { engine } = options;
  // No eager try once shutdown has begun: it would only be handed back.
  const eager =
    cancel.aborted || !options.accepting()
      ? undefined
      : {
          take: (job: TaskJob) => options.queues.has(job.queue),
          worker: { hostname: options.hostname, pid: options.pid },
          clock: engine.clock,
        };
  let state: string | undefined;
  let next: ClaimedTry | undefined;
  if (outcome.kind === 'up_for_reschedule') {
    const result = await engine.finishTry(claimed, policy, outcome);
    if (result.kind === 'recorded') {
      state = result.state;
      // A short reschedule wakes through wakeWhenDue instead of a pass now.
      if (scheduleAfterReschedule(outcome, engine.clock()))
        await engine.tryFinished(claimed.dagId, { ...claimed, state: result.state });
    }
  } else {
    const { result, next: handed } = await engine.finishAndSchedule(claimed, policy, outcome, eager);
    if (result.kind === 'recorded') {
      state = result.state;
      next = handed;
    }
  }
  logEnd(options.logger, claimed, outcome, state, started);
  if (state === 'failed' || state === 'up_for_retry') options.onTryFailed?.();
  return { ...(state ? { state } : {}), ...(next ? { eager: next } : {}) };
}

function logEnd(
  logger: WorkerLogger,
  claimed: ClaimedTry,
  outcome: TryOutcome,
  state: string | undefined,
  started: number,
): void {
  const fields = { ...tryFields(claimed), outcome: state ?? 'not recorded', durationMs: elapsed(started) };
  if (!state)
    logger.warn(fields, 'try ended, but it was no longer this worker’s: its outcome was not recorded');
  else if (state === 'failed' && outcome.kind === 'failed')
    logger.error({ ...fields, error: firstLine(outcome.error.message) }, 'task failed');
  else logger.info(fields, 'try ended');
}

/** Ends the try's attempt row when nobody else did (a stop for a reason no command recorded). */
async function endAttempt(engine: Engine, claimed: ClaimedTry, why: string): Promise<void> {
  const now = engine.clock();
  await engine.sql.$executeRaw`
    UPDATE task_attempt SET ended_at = ${now}, outcome = 'cancelled', error = ${`${why}; the executor running it was stopped`}
    WHERE task_instance_id = ${claimed.taskInstanceId} AND try_number = ${claimed.tryNumber} AND ended_at IS NULL`.catch(
    () => 0,
  );
}

function notOwnedText(reason: { kind: string; state?: string | null }): string {
  return `the try is no longer this worker's (task instance ${'state' in reason && reason.state ? `is ${reason.state}` : 'was taken'})`;
}

function contextFor(claimed: ClaimedTry): Record<string, unknown> {
  return {
    ...tryFields(claimed),
    maxTries: claimed.maxTries,
    logicalDate: claimed.logicalDate,
    dataIntervalStart: claimed.dataIntervalStart,
    dataIntervalEnd: claimed.dataIntervalEnd,
    params: claimed.conf,
  };
}

/** An asset-triggered run's tasks see the events it consumed (one query, only for such runs). */
async function assetContext(
  engine: Engine,
  claimed: ClaimedTry,
): Promise<{ triggeringAssetEvents?: readonly AssetEventInfo[] }> {
  if (!isAssetTriggeredRunId(claimed.runId)) return {};
  return { triggeringAssetEvents: await engine.triggeringAssetEvents(claimed.dagRunId) };
}

const CALLBACK_FOR_STATE: Record<string, 'onSuccess' | 'onFailure' | 'onRetry' | 'onSkipped' | undefined> = {
  success: 'onSuccess',
  failed: 'onFailure',
  up_for_retry: 'onRetry',
  skipped: 'onSkipped',
};

/** Callbacks run in the try's executor; one that throws is logged and changes nothing. */
async function runCallback(
  executor: Executor,
  fileloc: string,
  task: SerializedTask,
  state: string,
  claimed: ClaimedTry,
  outcome: TryOutcome,
  log: TaskLogSink,
  host: InvocationHost,
): Promise<void> {
  const name = CALLBACK_FOR_STATE[state];
  if (!name || !task.callbacks.includes(name)) return;
  const end = await executor.run(
    {
      fileloc,
      dagId: claimed.dagId,
      target: { kind: 'task_callback', taskId: claimed.taskId, name },
      context: {
        ...contextFor(claimed),
        state,
        error:
          outcome.kind === 'failed'
            ? {
                message: outcome.error.message,
                ...(outcome.error.stack ? { stack: outcome.error.stack } : {}),
              }
            : null,
      },
      args: [],
      result: 'ignore',
    },
    host,
  );
  if (end.kind === 'result' && end.result.kind === 'threw')
    log.logger.error(`${name} callback failed: ${end.result.error.stack ?? end.result.error.message}`);
  else if (end.kind === 'died') log.logger.error(`${name} callback failed: ${end.message}`);
}

/** Which try this is, in the domain's words: for the context and for log lines. */
export function tryFields(claimed: ClaimedTry) {
  return {
    dagId: claimed.dagId,
    runId: claimed.runId,
    taskId: claimed.taskId,
    mapIndex: claimed.mapIndex,
    tryNumber: claimed.tryNumber,
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
