// The wire contract: the event shape the collector accepts (`POST /api/v1/events`). It mirrors
// @weir/pipeline's `clientEventSchema` field for field; it is duplicated here on purpose because the
// client is a standalone package with no runtime dependencies and must not pull in the pipeline.
// A test compares the two so they cannot drift.

export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** One event as sent to the collector (snake_case, exactly the analysts' field names). */
export interface ClientEvent {
  /** UUID; the pipeline deduplicates on it, so a retried event keeps its id. */
  event_id: string;
  event_type: string;
  /** Present on every event; null for an anonymous user. */
  user_id: string | null;
  session_id?: string | null;
  /** A JSON object (may be empty), validated by the schema registry when the type has a schema. */
  properties: Record<string, unknown>;
  /** ISO 8601 in UTC with milliseconds (`2026-01-01T12:00:00.000Z`). */
  client_ts: string;
  app_version?: string | null;
  platform?: Platform | null;
  /** The registry version of `properties` the client used (a positive integer). */
  schema_version?: number | null;
}

/** The collector's answer to a batch it could parse and authenticate (HTTP 200). */
export interface CollectorResponse {
  accepted: number;
  rejected: number;
  /** `index` is the event's position in the request's array. */
  errors: Array<{ index: number; reason: string }>;
}
