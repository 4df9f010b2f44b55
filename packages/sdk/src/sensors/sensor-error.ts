// Owns the errors the built-in sensors throw. A missing object or an unfinished upstream is "not
// yet" (a falsy poke), never an error; these are for what waiting cannot fix, each with a code
// and a message naming the setting or service to check.

export type SensorErrorCode =
  /** A sensor option or environment variable is missing or invalid: fails at once. */
  | 'SENSOR_MISCONFIGURED'
  /** The lake's bucket does not exist. */
  | 'LAKE_BUCKET_NOT_FOUND'
  /** The lake refused the credentials or the request. */
  | 'LAKE_ACCESS_DENIED'
  /** The lake could not be reached or answered with an unexpected error. */
  | 'LAKE_UNAVAILABLE'
  /** PostgreSQL could not be reached. */
  | 'DATABASE_UNAVAILABLE'
  /** PostgreSQL refused the query (the error carries its SQLSTATE). */
  | 'QUERY_FAILED'
  /** The external task or run ended in one of the sensor's `failedStates`: fails at once. */
  | 'EXTERNAL_TASK_FAILED';

/** Codes that retrying cannot fix, so the task fails at once whatever tries remain. */
const NON_RETRYABLE: ReadonlySet<SensorErrorCode> = new Set(['SENSOR_MISCONFIGURED', 'EXTERNAL_TASK_FAILED']);

export class SensorError extends Error {
  /** Read by the engine (as NonRetryableError's marker): 'fail' ends the task without retries. */
  readonly weirOutcome: 'fail' | undefined;
  constructor(
    readonly code: SensorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SensorError';
    this.weirOutcome = NON_RETRYABLE.has(code) ? 'fail' : undefined;
  }
}

/** The message of anything thrown, for wrapping into a SensorError. */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Hides a URL's password, so no error message or log line shows credentials. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
