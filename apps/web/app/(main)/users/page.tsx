// Owns the Users page (admins): every user with their role, whether they may sign in and their
// last login; create a user, change a role, deactivate or reactivate. Other roles are told to ask
// an admin.
import { can, ROLES } from '@weir/auth';
import Link from 'next/link';
import { ActionError, ConfirmButton } from '../../../components/admin-form.tsx';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { setActiveAction } from './actions.ts';
import { NewUserForm, RolePicker } from './user-forms.tsx';

export const dynamic = 'force-dynamic';

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const principal = await requirePage();
  if (!can(principal.role, 'user.manage'))
    return (
      <>
        <h1>Users</h1>
        <p className="banner warn-banner">Only admins manage users: ask an admin.</p>
      </>
    );
  const users = await services().users.list();
  const now = new Date();
  return (
    <>
      <div className="title-row">
        <h1>Users</h1>
        <span className="muted small">
          viewer reads · operator also triggers, clears, marks, pauses, acknowledges · admin also manages
        </span>
      </div>
      <ActionError error={error} />
      <table>
        <thead>
          <tr>
            <th>user</th>
            <th>role</th>
            <th>status</th>
            <th>last login</th>
            <th>created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.isActive ? undefined : 'inactive'}>
              <td>
                <strong>{u.username}</strong>
                {u.username === principal.username ? <span className="muted small"> (you)</span> : null}
                {u.email ? <div className="muted small">{u.email}</div> : null}
              </td>
              <td>
                <RolePicker username={u.username} role={u.role} roles={ROLES} />
              </td>
              <td className={u.isActive ? 'ok' : 'muted'}>{u.isActive ? 'active' : 'deactivated'}</td>
              <td title={instant(u.lastLoginAt)}>
                {u.lastLoginAt ? ago(u.lastLoginAt, now) : <span className="muted">never</span>}
              </td>
              <td title={instant(u.createdAt)}>{ago(u.createdAt, now)}</td>
              <td>
                <div className="actions">
                  <Link href={`/tokens?user=${encodeURIComponent(u.username)}`} className="small">
                    Tokens
                  </Link>
                  {u.isActive ? (
                    <ConfirmButton
                      action={setActiveAction}
                      fields={{ username: u.username, active: 'false' }}
                      label="Deactivate"
                      ariaLabel={`Deactivate ${u.username}`}
                      question={`Deactivate ${u.username}? Their sessions end and their tokens stop working.`}
                    />
                  ) : (
                    <ConfirmButton
                      action={setActiveAction}
                      fields={{ username: u.username, active: 'true' }}
                      label="Reactivate"
                      ariaLabel={`Reactivate ${u.username}`}
                      question={`Let ${u.username} sign in again?`}
                      className="secondary small-button"
                    />
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="panel" aria-label="New user">
        <h2 className="panel-title">New user</h2>
        <NewUserForm roles={ROLES} />
      </section>
    </>
  );
}
