'use server';
// Owns the Users page's changes (admins): create a user with a role, change a role, deactivate
// and reactivate, through @weir/auth's Users as `weir users …` does (a role change or a
// deactivation ends the user's sessions), each audited with the CLI's action names.
import { isRole } from '@weir/auth';
import { adminAction, adminButton, FieldProblem, text } from '../../../lib/admin-action.ts';
import type { FormState } from '../../../lib/form-state.ts';
import { services } from '../../../lib/services.ts';

const PATHS = ['/users', '/tokens'];

export async function createUserAction(previous: FormState, form: FormData): Promise<FormState> {
  return adminAction(
    'user.manage',
    previous,
    form,
    {
      paths: PATHS,
      fieldOf: {
        INVALID_USERNAME: 'username',
        USER_EXISTS: 'username',
        WEAK_PASSWORD: 'password',
        INVALID_ROLE: 'role',
      },
    },
    async () => {
      const username = text(form, 'username');
      if (!username) throw new FieldProblem('username', 'a user needs a username');
      const role = form.get('role');
      if (!isRole(role)) throw new FieldProblem('role', 'pick a role');
      const password = form.get('password');
      if (typeof password !== 'string' || password === '')
        throw new FieldProblem('password', 'a user needs a password');
      if (password !== form.get('password2')) throw new FieldProblem('password2', 'the two passwords differ');
      const email = text(form, 'email');
      const user = await services().users.create({ username, password, role, email });
      return {
        action: 'user.create',
        details: { username: user.username, role, ...(email ? { email } : {}) },
        message: `User ${user.username} created (${role}). Give them their password another way than this page.`,
      };
    },
  );
}

export async function setRoleAction(form: FormData): Promise<void> {
  const username = String(form.get('username') ?? '');
  const role = form.get('role');
  await adminButton('user.manage', PATHS, async () => {
    if (!isRole(role)) throw new Error('pick a role');
    const { previous } = await services().users.setRole(username, role);
    return { action: 'user.set_role', details: { username, role, previous } };
  });
}

export async function setActiveAction(form: FormData): Promise<void> {
  const username = String(form.get('username') ?? '');
  const active = form.get('active') === 'true';
  await adminButton('user.manage', PATHS, async () => {
    const { users } = services();
    if (active) await users.activate(username);
    else await users.deactivate(username);
    return { action: active ? 'user.activate' : 'user.deactivate', details: { username } };
  });
}
