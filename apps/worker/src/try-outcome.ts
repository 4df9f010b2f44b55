// Owns what a try's end means: an executor's ExecutionEnd (a result, a stop, a death) turned
// into the try's outcome, with the checks a stored output must pass (size, a list for a mapped
// task to expand over). Pure: no I/O.
import type { TryOutcome } from '@weir/engine';
import { expandSources } from '@weir/engine';
import { classifyThrown, type SerializedDag, type SerializedTask } from '@weir/sdk';
import type { ExecutionEnd } from './executors/executor.ts';
import type { ThrownError } from './executors/protocol.ts';

export function outcomeOf(end: ExecutionEnd, xcomMaxBytes: number): TryOutcome {
  switch (end.kind) {
    case 'stopped':
      if (end.reason.kind === 'timeout')
        return {
          ...failed(
            {
              message: `task timed out after ${formatMs(end.reason.timeoutMs)} (executionTimeout); its executor was stopped`,
              stack: null,
            },
            true,
          ),
          attemptOutcome: 'timed_out',
        };
      return {
        ...failed({ message: `the try was stopped (${end.reason.kind})`, stack: null }, true),
        attemptOutcome: 'cancelled',
      };
    case 'died':
      return failed({ message: end.message, stack: null }, true);
    case 'result': {
      const result = end.result;
      switch (result.kind) {
        case 'unstorable':
          return failed({ message: result.message, stack: null }, false);
        case 'threw':
          return thrownOutcome(result.error);
        case 'returned':
          return checkSize(result.stored, result.listLength ?? null, xcomMaxBytes);
        default:
          return assertNever(result);
      }
    }
    default:
      return assertNever(end);
  }
}

function checkSize(stored: string | undefined, listLength: number | null, xcomMaxBytes: number): TryOutcome {
  if (stored === undefined) return { kind: 'success', output: undefined, outputJson: undefined };
  const size = Buffer.byteLength(stored);
  if (size > xcomMaxBytes) {
    return failed(
      {
        message: `task output is ${formatBytes(size)}, over the XCom limit of ${formatBytes(xcomMaxBytes)} (WEIR_XCOM_MAX_BYTES); write large data to the lake and return its location`,
        stack: null,
      },
      false,
    );
  }
  return { kind: 'success', output: { listLength }, outputJson: stored };
}

function thrownOutcome(error: ThrownError): TryOutcome {
  const thrown = classifyThrown(error);
  const plain = { message: error.message, stack: error.stack };
  switch (thrown.kind) {
    case 'skip':
      return { kind: 'skipped', reason: error.message };
    case 'fail':
      return failed(plain, false);
    case 'retry_after':
      return { ...failed(plain, true), retryAfterMs: thrown.delayMs };
    case 'error':
      return failed(plain, true);
    default:
      return assertNever(thrown);
  }
}

/**
 * A task whose output a mapped task expands over must return a list no longer than the map
 * limit; otherwise this task (the one that pushed the list) fails, with the reason.
 */
export function checkExpandable(
  outcome: TryOutcome,
  dag: SerializedDag,
  task: SerializedTask,
  maxMapLength: number,
): TryOutcome {
  if (outcome.kind !== 'success') return outcome;
  const listLength = (outcome.output as { listLength?: number | null } | undefined)?.listLength ?? null;
  for (const consumer of dag.tasks) {
    if (!consumer.mapping || !expandSources(consumer.mapping).includes(task.taskId)) continue;
    if (listLength === null) {
      return failed(
        {
          message: `mapped task "${consumer.taskId}" expands over this task's output, which must be a list`,
          stack: null,
        },
        false,
      );
    }
    if (listLength > maxMapLength) {
      return failed(
        {
          message: `returned ${listLength} items for mapped task "${consumer.taskId}" to expand over; the limit is ${maxMapLength} (WEIR_MAX_MAP_LENGTH)`,
          stack: null,
        },
        false,
      );
    }
  }
  return outcome;
}

export function failed(
  error: { message: string; stack: string | null },
  retryable: boolean,
): Extract<TryOutcome, { kind: 'failed' }> {
  return { kind: 'failed', error: { message: error.message, stack: error.stack }, retryable };
}

export function errorOf(error: unknown): { message: string; stack: string | null } {
  const e = error instanceof Error ? error : new Error(String(error));
  return { message: e.message, stack: e.stack ?? null };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} bytes`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
