// Owns the collector's answers: the shape of a 200 (one schema for the handler, the OpenAPI
// document and the client SDK), the error shape the REST API uses, and the CORS headers.
import { z } from 'zod';

export const collectResultSchema = z.object({
  accepted: z.number().int().describe('events written to the event bus'),
  rejected: z.number().int().describe('events refused (written to the dead-letter log with the reason)'),
  errors: z
    .array(
      z.object({
        index: z.number().int().describe("the event's position in the body, from 0"),
        reason: z.string(),
      }),
    )
    .describe('one entry per rejected event'),
});
export type CollectResult = z.infer<typeof collectResultSchema>;

export type CollectErrorCode =
  | 'invalid_body'
  | 'unauthenticated'
  | 'origin_not_allowed'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'too_many_events'
  | 'over_memory_budget'
  | 'bus_unavailable'
  | 'sources_unavailable';

export function collectError(
  status: number,
  code: CollectErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { error: { code, message } },
    { status, headers: { 'cache-control': 'no-store', ...headers } },
  );
}

/** Headers a page of `origin` needs to send events (and read the answer) from a browser. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, x-weir-write-key',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}
