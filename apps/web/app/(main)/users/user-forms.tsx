'use client';
// Owns the user forms (admins): a new user with a role, and a row's role picker. The roles come
// from the page (@weir/auth is server code).
import { AdminForm, Field } from '../../../components/admin-form.tsx';
import { createUserAction, setRoleAction } from './actions.ts';

export function NewUserForm({ roles }: { readonly roles: readonly string[] }) {
  return (
    <AdminForm action={createUserAction} submit="Create user" pending="Creating…">
      {(state) => (
        <div className="form-row">
          <Field id="user-username" label="Username" error={state.fields.username}>
            <input
              id="user-username"
              name="username"
              autoComplete="off"
              defaultValue={state.values.username ?? ''}
            />
          </Field>
          <Field id="user-role" label="Role" error={state.fields.role}>
            <select id="user-role" name="role" defaultValue={state.values.role ?? 'viewer'}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field id="user-email" label="Email (optional)">
            <input id="user-email" name="email" type="email" defaultValue={state.values.email ?? ''} />
          </Field>
          <Field id="user-password" label="Password" error={state.fields.password}>
            <input id="user-password" name="password" type="password" autoComplete="new-password" />
          </Field>
          <Field id="user-password2" label="Password again" error={state.fields.password2}>
            <input id="user-password2" name="password2" type="password" autoComplete="new-password" />
          </Field>
        </div>
      )}
    </AdminForm>
  );
}

export function RolePicker({
  username,
  role,
  roles,
}: {
  readonly username: string;
  readonly role: string;
  readonly roles: readonly string[];
}) {
  return (
    <form action={setRoleAction} className="inline role-picker">
      <input type="hidden" name="username" value={username} />
      <select name="role" defaultValue={role} aria-label={`Role of ${username}`}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary small-button" aria-label={`Set role of ${username}`}>
        Set
      </button>
    </form>
  );
}
