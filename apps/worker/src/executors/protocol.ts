// Owns the one typed channel between a worker and its executors. An executor runs user code (task
// and sensor functions, callbacks) and opens no connection of Weir's own: everything the code
// needs comes in an Invocation, and everything it says (log lines, its result) goes back as a
// message. Messages use Node's advanced serialization (structured clone), so Dates, Maps, Sets,
// BigInts and typed arrays cross it as themselves. Task code's lookups (ctx.variable,
// ctx.connection) are requests the worker answers, since only the worker talks to PostgreSQL;
// ctx.mask tells the worker a value to hide.
import type { TaskAlertChange } from '@weir/engine';
import type { Connection, JsonValue } from '@weir/sdk';

/** What to call in the DAG file. */
export type InvocationTarget =
  | { readonly kind: 'task'; readonly taskId: string }
  | {
      readonly kind: 'task_callback';
      readonly taskId: string;
      readonly name: 'onSuccess' | 'onFailure' | 'onRetry' | 'onSkipped';
    }
  | { readonly kind: 'dag_callback'; readonly name: 'onSuccess' | 'onFailure' };

export interface Invocation {
  readonly fileloc: string;
  readonly dagId: string;
  readonly target: InvocationTarget;
  /** The function's context without `log` and `signal`, which the executor provides. */
  readonly context: Record<string, unknown>;
  /** Arguments after the context. */
  readonly args: readonly unknown[];
  /**
   * What the return value is: a task's output (`store`: encoded for storage here, where it is
   * still itself), a sensor's poke (`poke`: done when truthy, then stored), or nothing kept
   * (`ignore`: callbacks), a branch's choice (`branch`: task or group ids, stored as the
   * output), or a short-circuit's condition (`short_circuit`: stored, and whether it was falsy).
   */
  readonly result: 'store' | 'poke' | 'ignore' | 'branch' | 'short_circuit';
  /** Uris of the task's outlets: `ctx.outlets.extra` accepts only these. */
  readonly outlets?: readonly string[];
}

/** An error as it crosses the channel: enough for classifyThrown and the try's error. */
export interface ThrownError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | null;
  /** SkipTask, NonRetryableError, RetryAfterError (errors.ts in the SDK). */
  readonly weirOutcome?: string;
  readonly delayMs?: number;
}

/** How an invocation ended in the executor. */
export type InvocationResult =
  | {
      readonly kind: 'returned';
      /** For a poke: whether its value says the sensor is done. */
      readonly done?: boolean;
      /** The output encoded for storage, or undefined when there is none to keep. */
      readonly stored?: string;
      /** For a task whose output is a list: its length (mapped tasks expand over it). */
      readonly listLength?: number | null;
      /** For a branch: the task or group ids it chose to follow (none for null). */
      readonly followed?: readonly string[];
      /** For a short-circuit: whether its result was falsy (what is downstream is skipped). */
      readonly falsy?: boolean;
      /** What the task set through ctx.outlets.extra, by asset uri. */
      readonly outletExtras?: Readonly<Record<string, Record<string, unknown>>>;
      /** What the task raised or resolved through ctx.alerts. */
      readonly taskAlerts?: readonly TaskAlertChange[];
    }
  | { readonly kind: 'threw'; readonly error: ThrownError; readonly taskAlerts?: readonly TaskAlertChange[] }
  /** The output cannot be stored (a function, a socket…); the message names the path. */
  | { readonly kind: 'unstorable'; readonly message: string };

/** What task code asks the worker for. */
export type Lookup =
  | { readonly kind: 'variable'; readonly key: string }
  | { readonly kind: 'connection'; readonly id: string };

/** The worker's answer to a Lookup. An error's message is already masked and names the key. */
export type LookupReply =
  | { readonly kind: 'variable'; readonly found: true; readonly value: JsonValue }
  | { readonly kind: 'variable'; readonly found: false }
  | { readonly kind: 'connection'; readonly connection: Connection | null }
  | { readonly kind: 'error'; readonly message: string };

export type WorkerToExecutor =
  | { readonly type: 'invoke'; readonly id: number; readonly invocation: Invocation }
  /** Fires the function's ctx.signal (before a stop that gives it a moment). */
  | { readonly type: 'abort'; readonly id: number; readonly reason: string }
  | { readonly type: 'lookup_reply'; readonly requestId: number; readonly reply: LookupReply };

export type ExecutorToWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'log';
      readonly id: number;
      readonly level: string;
      readonly message: string;
      readonly fields?: Record<string, unknown>;
    }
  | { readonly type: 'lookup'; readonly id: number; readonly requestId: number; readonly lookup: Lookup }
  /** ctx.mask(value): hide it in the try's log and error from now on. */
  | { readonly type: 'mask'; readonly id: number; readonly value: string }
  | { readonly type: 'result'; readonly id: number; readonly result: InvocationResult };

/** Written to stdout and stderr after each invocation, so lines printed before it are known. */
export const END_MARK = '\u0000weir-invocation-end:';
