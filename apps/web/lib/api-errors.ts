// Owns the REST API's error shape: `{ error: { code, message, field? } }` with the status that
// says what went wrong (400 a bad parameter, 401, 403, 404, 409).
import type { z } from 'zod';

export function apiError(
  status: number,
  code: string,
  message: string,
  field?: string,
  /** More about the refusal (an incompatible schema's rule and path). */
  details?: Record<string, unknown>,
): Response {
  return Response.json(
    { error: { code, message, ...(field ? { field } : {}), ...details } },
    { status, headers: { 'cache-control': 'no-store' } },
  );
}

/** A zod failure as a 400 naming the first bad field. */
export function badRequest(error: z.ZodError): Response {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  return apiError(
    400,
    'invalid_parameter',
    `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`,
    field,
  );
}
