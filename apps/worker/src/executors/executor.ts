// Owns what the worker knows of an executor: something that runs one invocation at a time and
// can be stopped. The process executor (the default) runs user code in a child process of its
// own; the in-loop executor runs it on the worker's own loop, for trusted async-only code.
import type { Invocation, InvocationResult, Lookup, LookupReply } from './protocol.ts';

/**
 * What the worker gives a running invocation: where its log lines go (the try's log), answers
 * to its lookups (variables, connections), and the values it asks to mask.
 */
export interface InvocationHost {
  log(level: string, message: string, fields?: Record<string, unknown>): void;
  lookup(lookup: Lookup): Promise<LookupReply>;
  mask(value: string): void;
}

/** Why the worker stopped an invocation. */
export type StopReason =
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The try is no longer this worker's: marked, cleared, declared lost, taken by another. */
  | { readonly kind: 'not_owned'; readonly state: string | null }
  | { readonly kind: 'shutdown' };

export type ExecutionEnd =
  | { readonly kind: 'result'; readonly result: InvocationResult }
  | { readonly kind: 'stopped'; readonly reason: StopReason }
  /** The executor ended under the invocation: exit code or signal, and its last stderr lines. */
  | { readonly kind: 'died'; readonly message: string };

export interface Executor {
  run(invocation: Invocation, host: InvocationHost): Promise<ExecutionEnd>;
  /** Ends the running invocation now; `run` resolves with `stopped`. No-op when idle. */
  stop(reason: StopReason): void;
  close(): Promise<void>;
}
