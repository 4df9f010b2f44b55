// The collector's limits, in one place for the handler, the README and the client SDK.
import { MAX_EVENT_BYTES } from '../event/envelope.ts';

export const COLLECTOR_LIMITS = {
  /** Bytes of one request body. */
  maxBodyBytes: 1024 * 1024,
  /** Events in one request. */
  maxEvents: 1_000,
  /** Bytes of one event's JSON (a larger one is rejected, the rest of the batch is not). */
  maxEventBytes: MAX_EVENT_BYTES,
} as const;
