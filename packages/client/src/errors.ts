// Errors the client reports: each carries a code a caller can switch on and a message saying what
// to do. Thrown synchronously for programming mistakes (bad options, bad track() arguments), and
// handed to `onError` for delivery problems, which never throw into the caller's code.

export type WeirClientErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_EVENT'
  | 'CLIENT_CLOSED'
  | 'UNAUTHORIZED'
  | 'BAD_REQUEST'
  | 'HTTP_ERROR'
  | 'GAVE_UP'
  | 'CLOSE_TIMEOUT';

export class WeirClientError extends Error {
  override readonly name = 'WeirClientError';
  readonly code: WeirClientErrorCode;
  /** How many events this error made the client give up on (0 when none). */
  readonly eventCount: number;

  constructor(
    code: WeirClientErrorCode,
    message: string,
    opts: { eventCount?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.eventCount = opts.eventCount ?? 0;
  }
}
