// The event envelope: what clients send to the collector and what the collector puts on the
// event bus. Field names are the analysts' contract (snake_case, exactly as written in the
// pipeline issue); the warehouse's `events` table carries the same names.
import { z } from 'zod';

export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Largest serialized event the collector accepts (bytes of its JSON). */
export const MAX_EVENT_BYTES = 32 * 1024;

// An offset (Z or ±hh:mm) is required: a local time without one names no instant.
// zod's date pattern knows month lengths and leap years: 2026-02-30 is refused, not read as March 2nd.
const isoTimestamp = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 timestamp with a zone (Z or ±hh:mm)',
});

/**
 * What a client sends. Required: event_id, event_type, user_id (present; null for an anonymous
 * user), client_ts, properties. Unknown top-level fields are refused so a typo never passes
 * silently.
 */
export const clientEventSchema = z.strictObject(
  {
    event_id: z.uuid({ error: 'must be a UUID' }),
    event_type: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string'),
    user_id: z
      .string({ error: 'must be a non-empty string or null' })
      .min(1, 'must be a non-empty string or null')
      .nullable(),
    session_id: z.string({ error: 'must be a string or null' }).nullable().optional(),
    properties: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
    client_ts: isoTimestamp,
    app_version: z.string({ error: 'must be a string or null' }).nullable().optional(),
    platform: z
      .enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(', ')} or null` })
      .nullable()
      .optional(),
    schema_version: z
      .number({ error: 'must be a positive whole number or null' })
      .int({ error: 'must be a positive whole number or null' })
      .positive({ error: 'must be a positive whole number or null' })
      .nullable()
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? 'is not a field of the event envelope' : undefined,
  },
);
export type ClientEvent = z.infer<typeof clientEventSchema>;

/**
 * What the collector appends to the bus: the client's event with every optional field present
 * (null when absent), timestamps normalized to UTC with millisecond precision, and the
 * collector's enrichment.
 */
export const busEventSchema = z.strictObject({
  event_id: z.uuid(),
  event_type: z.string().min(1),
  user_id: z.string().nullable(),
  session_id: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  client_ts: isoTimestamp,
  server_ts: isoTimestamp,
  ingested_at: isoTimestamp,
  app_version: z.string().nullable(),
  platform: z.enum(PLATFORMS).nullable(),
  schema_version: z.number().int().positive().nullable(),
  device_type: z.string().nullable(),
  geo_country: z.string().nullable(),
});
export type BusEvent = z.infer<typeof busEventSchema>;

/** An ISO 8601 timestamp with any offset → UTC with millisecond precision (`…T12:00:00.000Z`). */
export function toUtcMillis(iso: string): string {
  return new Date(iso).toISOString();
}
