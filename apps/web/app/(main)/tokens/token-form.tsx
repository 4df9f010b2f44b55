'use client';
// Owns the new-token form: a name, a role no higher than the owner's, an expiry, and (admins) the
// user it is for. The token it creates is shown here once, never again.
import { AdminForm, Field } from '../../../components/admin-form.tsx';
import { createTokenAction } from './actions.ts';

const EXPIRIES = [
  ['0', 'never (until revoked)'],
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
] as const;

export function TokenForm({
  roles,
  users,
  me,
}: {
  /** Roles up to the creator's. */
  readonly roles: readonly string[];
  /** Admins: every active user; others: none (a token for themselves). */
  readonly users: readonly string[];
  readonly me: string;
}) {
  return (
    <AdminForm
      action={createTokenAction}
      submit="Create token"
      pending="Creating…"
      shown={(state) =>
        state.once ? (
          <div className="token-once" role="status">
            <label htmlFor="new-token">New token: copy it now, it is shown only this once</label>
            <input
              id="new-token"
              readOnly
              value={state.once}
              className="token-value"
              onFocus={(e) => e.currentTarget.select()}
            />
            <span className="muted small">
              Use it as <code>Authorization: Bearer &lt;token&gt;</code>.
            </span>
          </div>
        ) : null
      }
    >
      {(state) => (
        <div className="form-row">
          <Field id="token-name" label="Name" error={state.fields.name} hint="What it is for: ci, grafana …">
            <input
              id="token-name"
              name="name"
              autoComplete="off"
              defaultValue={state.ok ? '' : (state.values.name ?? '')}
            />
          </Field>
          {users.length > 0 ? (
            <Field id="token-user" label="For user" error={state.fields.user}>
              <select id="token-user" name="user" defaultValue={state.values.user ?? me}>
                {users.map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field id="token-role" label="Role" error={state.fields.role} hint="At most the owner's role.">
            <select id="token-role" name="role" defaultValue={state.values.role ?? ''}>
              <option value="">the owner's role</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field id="token-expires" label="Expires">
            <select id="token-expires" name="expires" defaultValue={state.values.expires ?? '0'}>
              {EXPIRIES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
    </AdminForm>
  );
}
