'use server';
// Owns the Variables page's changes (admins): create, edit and delete, through the same engine
// functions as `weir variables set|delete` and the REST API, each written to the audit log
// without its value. A value is read as JSON when it parses, else as a string (as the CLI does);
// a secret's value is write-only, so an edit that leaves it empty keeps it.
import { createVariable, deleteVariable, parseEnvValue, updateVariable } from '@weir/engine';
import { adminAction, adminButton, FieldProblem, text } from '../../../lib/admin-action.ts';
import type { FormState } from '../../../lib/form-state.ts';
import { isSecretVariable } from '../../../lib/secret-view.ts';
import { services } from '../../../lib/services.ts';

const PATHS = ['/variables'];
const FIELD_OF = { VARIABLE_EXISTS: 'key', INVALID_VARIABLE: 'key', VARIABLE_NOT_FOUND: 'key' };

function formValue(form: FormData) {
  const raw = form.get('value');
  if (typeof raw !== 'string' || raw === '') return undefined;
  return form.get('asString') === 'true' ? raw : parseEnvValue(raw);
}

/** A secret's value is not filled in again, not even the one just typed. */
function hideSecret(values: Record<string, string>): void {
  if (isSecretVariable(values.key ?? '')) delete values.value;
}

export async function createVariableAction(previous: FormState, form: FormData): Promise<FormState> {
  return adminAction(
    'secret.manage',
    previous,
    form,
    { paths: PATHS, fieldOf: FIELD_OF, hide: hideSecret },
    async () => {
      const key = text(form, 'key');
      if (!key) throw new FieldProblem('key', 'a variable needs a key');
      const value = formValue(form);
      if (value === undefined) throw new FieldProblem('value', 'a variable needs a value');
      await createVariable(services().db, key, value, text(form, 'description'));
      return {
        action: 'variable.create',
        details: { key },
        message: `Variable ${key} created${isSecretVariable(key) ? ': its value is secret and will not be shown again' : ''}.`,
      };
    },
  );
}

export async function updateVariableAction(previous: FormState, form: FormData): Promise<FormState> {
  const key = String(form.get('key') ?? '');
  return adminAction(
    'secret.manage',
    previous,
    form,
    { paths: PATHS, fieldOf: FIELD_OF, hide: hideSecret, redirectTo: '/variables' },
    async () => {
      const value = formValue(form);
      if (value === undefined && !isSecretVariable(key))
        throw new FieldProblem('value', 'a variable needs a value');
      await updateVariable(services().db, key, {
        ...(value !== undefined ? { value } : {}),
        description: text(form, 'description'),
      });
      return {
        action: 'variable.update',
        details: { key, value: value !== undefined ? 'changed' : 'kept' },
        message: `Variable ${key} saved.`,
      };
    },
  );
}

export async function deleteVariableAction(form: FormData): Promise<void> {
  const key = String(form.get('key') ?? '');
  await adminButton('secret.manage', PATHS, async () => {
    if (!(await deleteVariable(services().db, key))) throw new Error(`variable "${key}" does not exist`);
    return { action: 'variable.delete', details: { key } };
  });
}
