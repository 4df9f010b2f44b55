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
