// Owns the engine's errors: each carries a code and a message a user can act on.
export type EngineErrorCode =
  | 'ALERT_NOT_FOUND'
  | 'ALERT_RESOLVED'
  | 'SILENCE_NOT_FOUND'
  | 'INVALID_SILENCE'
  | 'ASSET_NOT_FOUND'
  | 'BACKFILL_FINISHED'
  | 'BACKFILL_NOT_FOUND'
  | 'CONNECTION_EXISTS'
  | 'CONNECTION_NOT_FOUND'
  | 'INVALID_CONNECTION'
  | 'INVALID_VARIABLE'
  | 'NO_SECRET_KEY'
  | 'DAG_NOT_FOUND'
  | 'DAG_INACTIVE'
  | 'INVALID_CONF'
  | 'INVALID_POOL'
  | 'POOL_IN_USE'
  | 'POOL_NOT_FOUND'
  | 'NO_SCHEDULE'
  | 'RUN_EXISTS'
  | 'RUN_NOT_FOUND'
  | 'TASK_NOT_FOUND'
  | 'VARIABLE_EXISTS'
  | 'VARIABLE_NOT_FOUND'
  | 'XCOM_TOO_LARGE';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /**
     * For INVALID_CONF: the problem of each top-level param by its key (a form shows each next to
     * its field); '' holds problems of the whole conf.
     */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
