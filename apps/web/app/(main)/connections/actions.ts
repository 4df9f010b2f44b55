'use server';
// Owns the Connections page's changes (admins): create, edit and delete, through the same
// ConnectionStore as `weir connections add|delete` and the REST API. The password and extra are
// sealed at once and never read back: an edit that leaves them empty keeps them, "remove" clears
// them. The audit row says which fields changed, never a secret.
import { EngineError } from '@weir/engine';
import { adminAction, adminButton, FieldProblem, text } from '../../../lib/admin-action.ts';
import { connectionStore } from '../../../lib/connection-store.ts';
import type { FormState } from '../../../lib/form-state.ts';

const PATHS = ['/connections'];
const FIELD_OF = { CONNECTION_EXISTS: 'id', CONNECTION_NOT_FOUND: 'id', NO_SECRET_KEY: 'password' };

function port(form: FormData): number | null {
  const raw = text(form, 'port');
  if (raw === null) return null;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw new FieldProblem('port', 'must be a port (1–65535)');
  return n;
}

function extra(form: FormData): Record<string, unknown> | null {
  const raw = text(form, 'extra');
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON.parse's message: it quotes the text, which may hold secrets.
    throw new FieldProblem('extra', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new FieldProblem('extra', 'must be a JSON object, such as {"region": "eu-west-1"}');
  return parsed as Record<string, unknown>;
}

function type(form: FormData): string {
  const value = text(form, 'type');
  if (!value) throw new FieldProblem('type', 'a connection needs a type (postgres, http, aws …)');
  if (!/^[A-Za-z][A-Za-z0-9_+.-]{0,99}$/.test(value))
    throw new FieldProblem('type', 'must be a connection type such as postgres, http or aws');
  return value;
}

export async function createConnectionAction(previous: FormState, form: FormData): Promise<FormState> {
  return adminAction('secret.manage', previous, form, { paths: PATHS, fieldOf: FIELD_OF }, async () => {
    const id = text(form, 'id');
    if (!id) throw new FieldProblem('id', 'a connection needs an id');
    if (!/^[A-Za-z0-9_.-]{1,250}$/.test(id))
      throw new FieldProblem('id', "use 1 to 250 letters, digits, '_', '-' or '.'");
    const password = form.get('password');
    const fields = {
      id,
      type: type(form),
      host: text(form, 'host'),
      port: port(form),
      login: text(form, 'login'),
      schema: text(form, 'schema'),
      password: typeof password === 'string' && password !== '' ? password : null,
      extra: extra(form) ?? {},
    };
    const description = text(form, 'description');
    await connectionStore().add(fields, description ? { description } : {});
    return {
      action: 'connection.create',
      details: { connId: id, type: fields.type, password: fields.password !== null },
      message: `Connection ${id} created${fields.password !== null ? '; its password is sealed and will not be shown again' : ''}.`,
    };
  });
}

export async function updateConnectionAction(previous: FormState, form: FormData): Promise<FormState> {
  const id = String(form.get('id') ?? '');
  return adminAction(
    'secret.manage',
    previous,
    form,
    { paths: PATHS, fieldOf: FIELD_OF, redirectTo: '/connections' },
    async () => {
      const password = form.get('password');
      const newPassword = typeof password === 'string' && password !== '' ? password : null;
      const newExtra = extra(form);
      const change = {
        type: type(form),
        host: text(form, 'host'),
        port: port(form),
        login: text(form, 'login'),
        schema: text(form, 'schema'),
        description: text(form, 'description'),
        // Write-only: left empty, the sealed value stays; "remove" clears it.
        ...(newPassword !== null
          ? { password: newPassword }
          : form.get('removePassword') === 'true'
            ? { password: null }
            : {}),
        ...(newExtra !== null
          ? { extra: newExtra }
          : form.get('removeExtra') === 'true'
            ? { extra: null }
            : {}),
      };
      await connectionStore().update(id, change);
      return {
        action: 'connection.update',
        details: {
          connId: id,
          password: 'password' in change ? (change.password === null ? 'removed' : 'changed') : 'kept',
          extra: 'extra' in change ? (change.extra === null ? 'removed' : 'changed') : 'kept',
        },
        message: `Connection ${id} saved.`,
      };
    },
  );
}

export async function deleteConnectionAction(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  await adminButton('secret.manage', PATHS, async () => {
    if (!(await connectionStore().delete(id)))
      throw new EngineError('CONNECTION_NOT_FOUND', `connection "${id}" does not exist`);
    return { action: 'connection.delete', details: { connId: id } };
  });
}
