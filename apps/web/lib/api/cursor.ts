// Owns the REST API's page cursors: the last row's sort key, opaque to clients (base64url JSON).
// A run cursor is (logicalDate, id), a task-instance cursor its id; a cursor that does not decode
// is a 400 naming `cursor`.
import { z } from 'zod';

const RunKey = z.tuple([z.iso.datetime({ offset: true }), z.number().int().positive()]);
const IdKey = z.tuple([z.number().int().positive()]);

function decode<T>(text: string, shape: z.ZodType<T>): T | undefined {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const INVALID = 'is not a cursor this API returned (pass next_cursor from the previous page)';

export const runCursor = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const key = decode(text, RunKey);
    if (!key) {
      ctx.addIssue({ code: 'custom', message: INVALID });
      return z.NEVER;
    }
    return { logicalDate: new Date(key[0]), id: key[1] };
  })
  .describe('next_cursor of the previous page');

export const idCursor = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const key = decode(text, IdKey);
    if (!key) {
      ctx.addIssue({ code: 'custom', message: INVALID });
      return z.NEVER;
    }
    return key[0];
  })
  .describe('next_cursor of the previous page');

export function encodeRunCursor(run: { readonly logicalDate: Date; readonly id: number }): string {
  return Buffer.from(JSON.stringify([run.logicalDate.toISOString(), run.id])).toString('base64url');
}

export function encodeIdCursor(row: { readonly id: number }): string {
  return Buffer.from(JSON.stringify([row.id])).toString('base64url');
}

const TextKey = z.tuple([z.string().min(1).max(2000)]);

/** A cursor over a unique text key (an asset's uri). */
export const textCursor = z
  .string()
  .max(3000)
  .transform((text, ctx) => {
    const key = decode(text, TextKey);
    if (!key) {
      ctx.addIssue({ code: 'custom', message: INVALID });
      return z.NEVER;
    }
    return key[0];
  })
  .describe('next_cursor of the previous page');

export function encodeTextCursor(key: string): string {
  return Buffer.from(JSON.stringify([key])).toString('base64url');
}
