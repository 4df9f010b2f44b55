// Owns the errors the event bus raises, with codes a caller maps to answers (the collector
// answers 503 to EVENT_BUS_UNAVAILABLE so the client retries).

export type EventBusErrorCode =
  | 'EVENT_BUS_UNAVAILABLE'
  | 'EVENT_BUS_NO_SUCH_PARTITION'
  | 'EVENT_BUS_PARTITIONS_MISMATCH'
  | 'EVENT_BUS_CLOSED';

export class EventBusError extends Error {
  constructor(
    readonly code: EventBusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventBusError';
  }
}

/** A Redis failure as EVENT_BUS_UNAVAILABLE, saying what the bus was doing. */
export function unavailable(action: string, cause: unknown): EventBusError {
  if (cause instanceof EventBusError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EventBusError('EVENT_BUS_UNAVAILABLE', `could not ${action}: ${reason}`, { cause });
}

/** NOGROUP passes through (the caller recreates the group and tries again); anything else is wrapped. */
export function rethrowNoGroup(action: string) {
  return (error: unknown): never => {
    if (String((error as Error)?.message).startsWith('NOGROUP')) throw error;
    throw unavailable(action, error);
  };
}
