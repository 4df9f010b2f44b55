// Owns deciding whether one received event is valid and, if so, what goes on the bus: the
// envelope (reasons name the field: `client_ts: must be an ISO 8601 timestamp …`), its size, its
// properties against the schema registry, then the collector's fields and timestamps in UTC
// with millisecond precision.
import type { z } from 'zod';
import { type BusEvent, clientEventSchema, toUtcMillis } from '../event/envelope.ts';
import type { PropertiesValidator } from '../registry/properties-validator.ts';
import type { RawEvent } from './body.ts';
import type { RequestEnrichment } from './enrich.ts';
import { COLLECTOR_LIMITS } from './limits.ts';

export type EventVerdict =
  | { ok: true; event: BusEvent }
  | { ok: false; reason: string; eventId: string | null };

export interface EventContext {
  /** When the request arrived. */
  readonly serverTs: string;
  /** When the collector validated it, just before appending it. */
  readonly ingestedAt: string;
  readonly enrichment: RequestEnrichment;
  readonly validator: PropertiesValidator;
}

export function validateEvent(raw: RawEvent, context: EventContext): EventVerdict {
  const eventId = readableEventId(raw.value);
  if (raw.parseError !== undefined) return { ok: false, reason: raw.parseError, eventId };
  if (raw.bytes > COLLECTOR_LIMITS.maxEventBytes)
    return {
      ok: false,
      reason: `event is ${raw.bytes} bytes, over the limit of ${COLLECTOR_LIMITS.maxEventBytes} (32 KB)`,
      eventId,
    };
  if (typeof raw.value !== 'object' || raw.value === null || Array.isArray(raw.value))
    return { ok: false, reason: 'an event must be a JSON object', eventId };
  const parsed = clientEventSchema.safeParse(raw.value);
  if (!parsed.success)
    return {
      ok: false,
      reason: describeIssues(raw.value as Record<string, unknown>, parsed.error.issues),
      eventId,
    };
  const event = parsed.data;
  const check = context.validator.check(event.event_type, event.schema_version ?? null, event.properties);
  if (!check.ok) return { ok: false, reason: `properties: ${check.reason}`, eventId };
  return {
    ok: true,
    event: {
      event_id: event.event_id.toLowerCase(),
      event_type: event.event_type,
      user_id: event.user_id,
      session_id: event.session_id ?? null,
      properties: event.properties,
      client_ts: toUtcMillis(event.client_ts),
      server_ts: context.serverTs,
      ingested_at: context.ingestedAt,
      app_version: event.app_version ?? null,
      platform: event.platform ?? null,
      schema_version: check.schemaVersion,
      device_type: context.enrichment.device_type,
      geo_country: context.enrichment.geo_country,
    },
  };
}

/** `field: what is wrong` for each problem, `; `-separated; a field left out "is required". */
function describeIssues(value: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): string {
  const reasons = issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${key}: ${issue.message}`);
    const field = issue.path.map(String).join('.');
    const top = issue.path[0];
    if (issue.path.length === 1 && typeof top === 'string' && !(top in value))
      return [`${field}: is required`];
    return [`${field || 'event'}: ${issue.message}`];
  });
  return [...new Set(reasons)].join('; ');
}

/** The event's id when it has a string one, for the dead-letter log (even if it is no UUID). */
function readableEventId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { event_id?: unknown }).event_id;
  return typeof id === 'string' && id.length <= 200 ? id : null;
}
