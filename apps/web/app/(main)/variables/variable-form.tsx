'use client';
// Owns the variable form (admins): a new variable, or the one being edited. A secret's stored
// value is never sent to the browser: its field starts empty and empty keeps it.
import Link from 'next/link';
import { AdminForm, Field } from '../../../components/admin-form.tsx';
import { createVariableAction, updateVariableAction } from './actions.ts';

export interface EditedVariable {
  readonly key: string;
  /** The value as JSON text; null for a secret (never shown). */
  readonly value: string | null;
  readonly description: string | null;
}

export function VariableForm({ editing }: { readonly editing?: EditedVariable }) {
  const secret = editing !== undefined && editing.value === null;
  return (
    <AdminForm
      action={editing ? updateVariableAction : createVariableAction}
      submit={editing ? 'Save' : 'Create variable'}
      pending="Saving…"
    >
      {(state) => {
        const v = (name: string, initial: string) =>
          state.attempt > 0 ? (state.values[name] ?? '') : initial;
        return (
          <>
            <div className="form-row">
              {editing ? (
                <input type="hidden" name="key" value={editing.key} />
              ) : (
                <Field
                  id="var-key"
                  label="Key"
                  error={state.fields.key}
                  hint="A key naming a secret (secret, password, token, key) makes the value write-only."
                >
                  <input
                    id="var-key"
                    name="key"
                    defaultValue={v('key', '')}
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={state.fields.key ? true : undefined}
                  />
                </Field>
              )}
              <Field
                id="var-value"
                label={editing ? `Value of ${editing.key}` : 'Value'}
                error={state.fields.value}
                hint={
                  secret
                    ? 'Secret: the stored value is never shown. Leave empty to keep it, or type a new one.'
                    : 'JSON when it parses (42, true, {"a": 1}), else text.'
                }
              >
                <input
                  id="var-value"
                  name="value"
                  type={secret ? 'password' : 'text'}
                  autoComplete={secret ? 'new-password' : 'off'}
                  placeholder={secret ? '••• (set)' : ''}
                  defaultValue={secret ? '' : v('value', editing?.value ?? '')}
                  spellCheck={false}
                  aria-invalid={state.fields.value ? true : undefined}
                />
              </Field>
              <Field id="var-description" label="Description">
                <input
                  id="var-description"
                  name="description"
                  defaultValue={v('description', editing?.description ?? '')}
                />
              </Field>
            </div>
            <label className="check">
              <input
                type="checkbox"
                name="asString"
                value="true"
                defaultChecked={state.values.asString === 'true'}
              />
              store as text even when it parses as JSON
            </label>
            {editing ? (
              <Link href="/variables" className="small">
                Cancel
              </Link>
            ) : null}
          </>
        );
      }}
    </AdminForm>
  );
}
