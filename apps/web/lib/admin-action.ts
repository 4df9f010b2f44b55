// Owns what every server action of the admin pages does around its change: who is asking and
// whether their role may (a refusal is a message in the form, not a crash), the engine's and
// auth's refusals as problems next to the field they are about, the audit row (who, what, from
// where) once the change is made, and fresh pages afterwards. Next.js checks a server action's
// Origin against the host, which is the CSRF protection every action here relies on.
import { AuthError, audit, can, type Permission, type Principal } from '@weir/auth';
import { EngineError } from '@weir/engine';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress, currentPrincipal } from './auth.ts';
import { type FormState, sentValues } from './form-state.ts';
import { services } from './services.ts';

export interface AdminChange {
  /** `noun.verb`, as the CLI and the REST API write it. */
  readonly action: string;
  /** What changed; never a secret. */
  readonly details: Record<string, unknown>;
  /** The banner after a success. */
  readonly message: string;
  /** Shown once (a new token). */
  readonly once?: string;
}

/** A problem the action found itself, next to its field. */
export class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export async function adminAction(
  permission: Permission,
  previous: FormState,
  form: FormData,
  options: {
    /** Pages to draw afresh. */
    readonly paths: readonly string[];
    /** Which field an error code is about (VARIABLE_EXISTS → key …). */
    readonly fieldOf?: Readonly<Record<string, string>>;
    /** Values never echoed back (a secret variable's value). */
    readonly hide?: (values: Record<string, string>) => void;
    /** Where to go after a success (an edit form goes back to the list). */
    readonly redirectTo?: string;
  },
  change: (principal: Principal) => Promise<AdminChange>,
): Promise<FormState> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/login');
  const values = sentValues(form);
  options.hide?.(values);
  const answer = (message: string, fields: Record<string, string> = {}): FormState => ({
    attempt: previous.attempt + 1,
    ok: false,
    message,
    fields,
    values,
  });
  if (!can(principal.role, permission))
    return answer(`your role (${principal.role}) may not do this: ask an admin`);
  let done: AdminChange;
  try {
    done = await change(principal);
  } catch (error) {
    if (error instanceof FieldProblem)
      return answer('Fix the field marked below.', { [error.field]: error.message });
    if (error instanceof EngineError || error instanceof AuthError) {
      const field = options.fieldOf?.[error.code];
      return answer(error.message, field ? { [field]: error.message } : {});
    }
    throw error;
  }
  await audit(services().sql, {
    actor: principal.username,
    action: done.action,
    details: { ...done.details, via: 'web' },
    source: clientAddress(await headers()),
  });
  for (const path of options.paths) revalidatePath(path);
  if (options.redirectTo) redirect(options.redirectTo);
  return {
    attempt: previous.attempt + 1,
    ok: true,
    message: done.message,
    fields: {},
    values: {},
    ...(done.once ? { once: done.once } : {}),
  };
}

/** A form's text field, trimmed; null when empty. */
export function text(form: FormData, name: string): string | null {
  const value = form.get(name);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * For one-button forms (delete, revoke, set role): the role check and the audit row; a refusal
 * goes back to the page with ?error=, which it shows as a banner (<ActionError>).
 */
export async function adminButton(
  permission: Permission,
  paths: readonly string[],
  change: (principal: Principal) => Promise<Omit<AdminChange, 'message'>>,
): Promise<void> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/login');
  if (!can(principal.role, permission))
    redirect(
      `${paths[0]}?error=${encodeURIComponent(`your role (${principal.role}) may not do this: ask an admin`)}`,
    );
  let done: Omit<AdminChange, 'message'>;
  try {
    done = await change(principal);
  } catch (error) {
    // A refusal (the last admin, a busy pool) is shown on the page it came from, as a banner.
    if (error instanceof EngineError || error instanceof AuthError)
      redirect(`${paths[0]}?error=${encodeURIComponent(error.message)}`);
    throw error;
  }
  await audit(services().sql, {
    actor: principal.username,
    action: done.action,
    details: { ...done.details, via: 'web' },
    source: clientAddress(await headers()),
  });
  for (const path of paths) revalidatePath(path);
  // A banner of an earlier refusal would outlive this success: drop it from the URL.
  const referer = (await headers()).get('referer');
  if (referer?.includes('error=')) {
    const url = new URL(referer);
    url.searchParams.delete('error');
    redirect(`${url.pathname}${url.search}`);
  }
}
