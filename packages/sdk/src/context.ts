// Owns what a running task sees: its run's dates, params, logger and cancellation signal, and
// the variables, connections and masking of ContextLookups.
import type { ContextLookups } from './lookups.ts';

export interface TaskLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TaskContext<P = Record<string, unknown>> extends ContextLookups {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** -1 unless the task is mapped. */
  readonly mapIndex: number;
  /** 1 on the first try. */
  readonly tryNumber: number;
  readonly maxTries: number;
  /** The start of the run's data interval for scheduled runs; the trigger time for manual ones. */
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  /** The DAG's params, with the run's conf applied over their defaults. */
  readonly params: P;
  /** Lines are stored per try and shown in the UI while the task runs. */
  readonly log: TaskLogger;
  /** Fires when the try times out (executionTimeout) or is cancelled; pass it to fetch and friends. */
  readonly signal: AbortSignal;
}

/** What a callback receives: the task's context, and the error for failures and retries. */
export interface CallbackContext<P = Record<string, unknown>> extends TaskContext<P> {
  readonly state: string;
  readonly error: { readonly message: string; readonly stack?: string } | null;
}

export interface DagRunContext<P = Record<string, unknown>> extends ContextLookups {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  readonly params: P;
  readonly state: 'success' | 'failed';
  readonly log: TaskLogger;
}
