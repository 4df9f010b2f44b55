'use client';
// Owns the connection form (admins): a new connection, or the one being edited. The password and
// extra are write-only: the browser never receives them; their fields start empty, and empty
// keeps what is stored.
import Link from 'next/link';
import { AdminForm, Field } from '../../../components/admin-form.tsx';
import { createConnectionAction, updateConnectionAction } from './actions.ts';

export interface EditedConnection {
  readonly id: string;
  readonly type: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly login: string | null;
  readonly schema: string | null;
  readonly description: string | null;
  readonly hasPassword: boolean;
  readonly hasExtra: boolean;
}

export function ConnectionForm({ editing }: { readonly editing?: EditedConnection }) {
  return (
    <AdminForm
      action={editing ? updateConnectionAction : createConnectionAction}
      submit={editing ? 'Save' : 'Create connection'}
      pending="Saving…"
    >
      {(state) => {
        const v = (name: string, initial: string | number | null | undefined) =>
          state.attempt > 0 ? (state.values[name] ?? '') : initial == null ? '' : String(initial);
        const input = (name: string, label: string, props: Record<string, unknown> = {}) => (
          <Field id={`conn-${name}`} label={label} error={state.fields[name]}>
            <input
              id={`conn-${name}`}
              name={name}
              defaultValue={v(name, editing?.[name as keyof EditedConnection] as string | number | null)}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={state.fields[name] ? true : undefined}
              {...props}
            />
          </Field>
        );
        return (
          <>
            <div className="form-row">
              {editing ? <input type="hidden" name="id" value={editing.id} /> : input('id', 'Connection id')}
              {input('type', 'Type', { placeholder: 'postgres, http, aws …' })}
              {input('host', 'Host')}
              {input('port', 'Port', { inputMode: 'numeric', className: 'narrow' })}
            </div>
            <div className="form-row">
              {input('login', 'Login')}
              {input('schema', 'Schema (database)')}
              <Field
                id="conn-password"
                label="Password"
                error={state.fields.password}
                hint={
                  editing?.hasPassword ? 'Set. Leave empty to keep it.' : 'Write-only: never shown again.'
                }
              >
                <input
                  id="conn-password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  placeholder={editing?.hasPassword ? '••• (set)' : ''}
                />
              </Field>
              {input('description', 'Description')}
            </div>
            <Field
              id="conn-extra"
              label="Extra (JSON object, write-only)"
              error={state.fields.extra}
              hint={
                editing?.hasExtra
                  ? 'Set. Leave empty to keep it; a new object replaces it whole.'
                  : 'Sealed like the password.'
              }
            >
              <textarea
                id="conn-extra"
                name="extra"
                rows={2}
                spellCheck={false}
                placeholder={editing?.hasExtra ? '••• (set)' : '{}'}
              />
            </Field>
            {editing?.hasPassword || editing?.hasExtra ? (
              <div className="action-group">
                {editing.hasPassword ? (
                  <label className="check">
                    <input type="checkbox" name="removePassword" value="true" /> remove the password
                  </label>
                ) : null}
                {editing.hasExtra ? (
                  <label className="check">
                    <input type="checkbox" name="removeExtra" value="true" /> remove the extra
                  </label>
                ) : null}
              </div>
            ) : null}
            {editing ? (
              <Link href="/connections" className="small">
                Cancel
              </Link>
            ) : null}
          </>
        );
      }}
    </AdminForm>
  );
}
