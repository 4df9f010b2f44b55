// Owns the answer a server action of the admin pages gives its form: a message, problems by
// field name, what was sent (to fill the form in again, never a secret), and what to show once
// (a new API token). Shared by the actions (server) and the forms (client).

export interface FormState {
  /** Bumped on every answer, so the form is drawn afresh with the values it sent. */
  readonly attempt: number;
  readonly ok: boolean;
  readonly message: string | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, string>>;
  /** Shown once after a success: a new API token. */
  readonly once?: string;
}

export const START: FormState = { attempt: 0, ok: false, message: null, fields: {}, values: {} };

/** Secret fields are never sent back to the browser, not even the value just typed. */
const SECRET_FIELDS = new Set(['password', 'extra']);

export function sentValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries())
    if (typeof value === 'string' && !key.startsWith('$') && !SECRET_FIELDS.has(key)) values[key] = value;
  return values;
}
