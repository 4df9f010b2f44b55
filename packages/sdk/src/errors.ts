// Owns the errors a task throws to say what should happen next. Their meaning, not their
// message, decides the task's state.
import { type Duration, parseDuration } from './duration.ts';

/** Ends the try as `skipped`; downstream tasks see a skipped upstream. */
export class SkipTask extends Error {
  readonly weirOutcome = 'skip';
  constructor(message = 'task skipped', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SkipTask';
  }
}

/** Fails the task at once, whatever tries remain. */
export class NonRetryableError extends Error {
  readonly weirOutcome = 'fail';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

/** Retries after `delay` instead of the task's retry policy (still within its retries). */
export class RetryAfterError extends Error {
  readonly weirOutcome = 'retry_after';
  readonly delayMs: number;
  constructor(delay: Duration, message = `retry requested in ${delay}`, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryAfterError';
    this.delayMs = parseDuration(delay, 'RetryAfterError delay');
  }
}

/**
 * What the engine should make of an error thrown by a task. Checked by a marker property, not
 * instanceof, so it works when a DAG file bundles its own copy of the SDK.
 */
export type ThrownOutcome =
  | { kind: 'skip' }
  | { kind: 'fail' }
  | { kind: 'retry_after'; delayMs: number }
  | { kind: 'error' };

export function classifyThrown(error: unknown): ThrownOutcome {
  const marker = (error as { weirOutcome?: unknown } | null)?.weirOutcome;
  if (marker === 'skip') return { kind: 'skip' };
  if (marker === 'fail') return { kind: 'fail' };
  if (marker === 'retry_after') {
    const delayMs = (error as { delayMs?: unknown }).delayMs;
    return { kind: 'retry_after', delayMs: typeof delayMs === 'number' ? delayMs : 0 };
  }
  return { kind: 'error' };
}
