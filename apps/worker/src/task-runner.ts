// Owns running one try: claim it, run the task function with its context and inputs under its
// execution timeout, record the outcome, and schedule what the outcome unblocks at once.

import type { ClaimedTry, Engine, TryOutcome } from '@weir/engine';
import { expandSources, mappedArgumentsAt, taskOutputs } from '@weir/engine';
import type { TaskJob, TaskJobData } from '@weir/queue';
import {
  type CallbackContext,
  classifyThrown,
  NonRetryableError,
  type SerializedDag,
  type SerializedTask,
  type TaskContext,
  type TaskDefinition,
} from '@weir/sdk';
import type { DagFunctions } from './dag-functions.ts';
import { pokeUntilDone, scheduleAfterReschedule, sensorOutcome, wakeWhenDue } from './sensor-runner.ts';
import { TaskLogSink } from './task-log.ts';

export interface RunnerOptions {
  readonly engine: Engine;
  readonly functions: DagFunctions;
  readonly hostname: string;
  readonly pid: number;
  /** Largest output (JSON bytes) a task may return. */
  readonly xcomMaxBytes: number;
  /** Tries in flight, so shutdown can hand them back. */
  readonly inFlight: Map<number, ClaimedTry>;
  /** The task queues this worker serves: it may run tries of these queues eagerly. */
  readonly queues: ReadonlySet<string>;
  /** False once shutdown has begun: then no try is claimed eagerly. */
  readonly accepting: () => boolean;
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`task timed out after ${formatMs(ms)} (executionTimeout)`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs the job's try, then, while the try's end hands this slot one of the tries it unblocked
 * (eager dispatch: a chain's next task), runs that one too, without a round through Redis.
 */
export async function runTry(options: RunnerOptions, job: TaskJobData, cancel: AbortSignal): Promise<void> {
  const claim = await options.engine.claimTry(job, { hostname: options.hostname, pid: options.pid });
  if (claim.kind !== 'claimed') return; // another worker has it, or it was cleared meanwhile
  // A try claimed for this slot by the pass that the previous try's end ran (eager dispatch).
  // Shutting down, it still runs: it is already this worker's, and shutdown hands back what
  // has not finished within the grace period.
  for (let next: ClaimedTry | undefined = claim.try; next; ) next = await runClaimed(options, next, cancel);
}

async function runClaimed(
  options: RunnerOptions,
  claimed: ClaimedTry,
  cancel: AbortSignal,
): Promise<ClaimedTry | undefined> {
  const { engine } = options;
  options.inFlight.set(claimed.taskInstanceId, claimed);
  const log = new TaskLogSink(engine.sql, claimed.taskInstanceId, claimed.tryNumber);
  try {
    const entry = await engine.catalog.get(claimed.dagId);
    const serializedTask = entry?.dag.tasks.find((t) => t.taskId === claimed.taskId);
    if (!entry || !serializedTask) {
      const ended = await record(
        options,
        claimed,
        fallbackPolicy,
        failed(new Error(`DAG "${claimed.dagId}" or its task "${claimed.taskId}" no longer exists`), false),
        log,
        cancel,
      );
      return ended.eager;
    }
    let outcome: TryOutcome;
    let definition: TaskDefinition | undefined;
    try {
      ({ task: definition } = await options.functions.task(entry.fileloc, claimed.dagId, claimed.taskId));
      const args = await argumentsFor(engine, entry.dag, serializedTask, claimed);
      const sensor = serializedTask.kind === 'sensor' ? serializedTask.sensor : null;
      outcome = await execute(
        sensor ? { ...definition, fn: pokeUntilDone(engine, claimed, sensor, definition.fn) } : definition,
        contextFor(claimed, log),
        args,
        serializedTask.executionTimeoutMs,
        cancel,
        options.xcomMaxBytes,
      );
      outcome = checkExpandable(outcome, entry.dag, serializedTask, engine.maxMapLength);
    } catch (error) {
      outcome = failed(error, true);
    }
    if (outcome.kind === 'failed') log.logger.error(outcome.error.stack ?? outcome.error.message);
    const { state, eager } = await record(options, claimed, serializedTask, outcome, log, cancel);
    if (state === 'up_for_reschedule' && outcome.kind === 'up_for_reschedule')
      wakeWhenDue(engine, claimed, serializedTask.queue, outcome.rescheduleAt);
    if (state && definition) await runCallback(definition, state, claimed, outcome, log);
    return eager;
  } finally {
    options.inFlight.delete(claimed.taskInstanceId);
    await log.flush();
  }
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

/**
 * A task whose output a mapped task expands over must return a list no longer than the map
 * limit; otherwise this task (the one that pushed the list) fails, with the reason.
 */
function checkExpandable(
  outcome: TryOutcome,
  dag: SerializedDag,
  task: SerializedTask,
  maxMapLength: number,
): TryOutcome {
  if (outcome.kind !== 'success') return outcome;
  for (const consumer of dag.tasks) {
    if (!consumer.mapping || !expandSources(consumer.mapping).includes(task.taskId)) continue;
    if (!Array.isArray(outcome.output)) {
      return failed(
        new Error(`mapped task "${consumer.taskId}" expands over this task's output, which must be a list`),
        false,
      );
    }
    if (outcome.output.length > maxMapLength) {
      return failed(
        new Error(
          `returned ${outcome.output.length} items for mapped task "${consumer.taskId}" to expand over; the limit is ${maxMapLength} (WEIR_MAX_MAP_LENGTH)`,
        ),
        false,
      );
    }
  }
  return outcome;
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
  if (outcome.kind === 'up_for_reschedule') {
    const result = await engine.finishTry(claimed, policy, outcome);
    if (result.kind !== 'recorded') return {};
    // A short reschedule wakes through wakeWhenDue instead of a pass now.
    if (scheduleAfterReschedule(outcome, engine.clock()))
      await engine.tryFinished(claimed.dagId, { ...claimed, state: result.state });
    return { state: result.state };
  }
  const { result, next } = await engine.finishAndSchedule(claimed, policy, outcome, eager);
  if (result.kind !== 'recorded') return {};
  return next ? { state: result.state, eager: next } : { state: result.state };
}

async function execute(
  task: TaskDefinition,
  ctxBase: Omit<TaskContext, 'signal'>,
  inputs: unknown[],
  timeoutMs: number | null,
  cancel: AbortSignal,
  xcomMaxBytes: number,
): Promise<TryOutcome> {
  const controller = new AbortController();
  const onCancel = () => controller.abort(new Error('task cancelled: the worker is shutting down'));
  cancel.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  // The AbortSignal asks the function to stop; the race is the hard stop: the try ends now
  // even if the function ignores the signal.
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    if (timeoutMs !== null)
      timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    const output = await Promise.race([
      Promise.resolve(task.fn({ ...ctxBase, signal: controller.signal }, ...inputs)),
      stopped,
    ]);
    if (output === undefined) return { kind: 'success', output, outputJson: undefined };
    let json: string;
    try {
      json = JSON.stringify(output);
    } catch (error) {
      return failed(new Error(`task output is not JSON-serializable: ${(error as Error).message}`), false);
    }
    const size = Buffer.byteLength(json);
    if (size > xcomMaxBytes) {
      return failed(
        new Error(
          `task output is ${formatBytes(size)}, over the XCom limit of ${formatBytes(xcomMaxBytes)} (WEIR_XCOM_MAX_BYTES); write large data to the lake and return its location`,
        ),
        false,
      );
    }
    return { kind: 'success', output, outputJson: json };
  } catch (error) {
    const sensorEnded = sensorOutcome(error);
    if (sensorEnded) return sensorEnded;
    if (error instanceof TimeoutError) return { ...failed(error, true), attemptOutcome: 'timed_out' };
    const thrown = classifyThrown(error);
    switch (thrown.kind) {
      case 'skip':
        return { kind: 'skipped', reason: (error as Error).message };
      case 'fail':
        return failed(error, false);
      case 'retry_after':
        return { ...failed(error, true), retryAfterMs: thrown.delayMs };
      case 'error':
        return failed(error, true);
    }
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}

function failed(error: unknown, retryable: boolean): Extract<TryOutcome, { kind: 'failed' }> {
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'failed', error: { message: e.message, stack: e.stack ?? null }, retryable };
}

function contextFor(claimed: ClaimedTry, log: TaskLogSink): Omit<TaskContext, 'signal'> {
  return {
    dagId: claimed.dagId,
    runId: claimed.runId,
    taskId: claimed.taskId,
    mapIndex: claimed.mapIndex,
    tryNumber: claimed.tryNumber,
    maxTries: claimed.maxTries,
    logicalDate: claimed.logicalDate,
    dataIntervalStart: claimed.dataIntervalStart,
    dataIntervalEnd: claimed.dataIntervalEnd,
    params: claimed.conf,
    log: log.logger,
  };
}

const CALLBACK_FOR_STATE: Record<string, 'onSuccess' | 'onFailure' | 'onRetry' | 'onSkipped' | undefined> = {
  success: 'onSuccess',
  failed: 'onFailure',
  up_for_retry: 'onRetry',
  skipped: 'onSkipped',
};

/** Callbacks run here, in the worker; one that throws is logged and changes nothing. */
async function runCallback(
  task: TaskDefinition,
  state: string,
  claimed: ClaimedTry,
  outcome: TryOutcome,
  log: TaskLogSink,
): Promise<void> {
  const name = CALLBACK_FOR_STATE[state];
  const callback = name ? task.options[name] : undefined;
  if (!name || !callback) return;
  const ctx: CallbackContext<unknown> = {
    ...contextFor(claimed, log),
    signal: new AbortController().signal,
    state,
    error:
      outcome.kind === 'failed'
        ? { message: outcome.error.message, ...(outcome.error.stack ? { stack: outcome.error.stack } : {}) }
        : null,
  };
  try {
    await callback(ctx);
  } catch (error) {
    log.logger.error(
      `${name} callback failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} bytes`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
