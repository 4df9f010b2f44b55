'use server';
// Owns the API tokens page's changes: create a token (for yourself; an admin also for anyone, at
// most that user's role) and revoke one (your own; an admin anyone's), through @weir/auth's
// ApiTokens as `weir tokens …` does. A new token is in the answer once and nowhere else.
import { isRole, mayManageTokensOf } from '@weir/auth';
import { adminAction, adminButton, FieldProblem, text } from '../../../lib/admin-action.ts';
import type { FormState } from '../../../lib/form-state.ts';
import { services } from '../../../lib/services.ts';

const PATHS = ['/tokens'];
const DAY_MS = 86_400_000;

export async function createTokenAction(previous: FormState, form: FormData): Promise<FormState> {
  return adminAction(
    'read',
    previous,
    form,
    {
      paths: PATHS,
      fieldOf: {
        INVALID_TOKEN_NAME: 'name',
        ROLE_ABOVE_OWNER: 'role',
        INVALID_ROLE: 'role',
        USER_NOT_FOUND: 'user',
      },
    },
    async (principal) => {
      const { users, tokens } = services();
      const name = text(form, 'name');
      if (!name) throw new FieldProblem('name', 'say what the token is for (ci, grafana …)');
      const forUser = text(form, 'user') ?? principal.username;
      const owner = await users.get(forUser);
      if (!owner) throw new FieldProblem('user', `no user "${forUser}"`);
      if (!mayManageTokensOf(principal, owner.id))
        throw new FieldProblem('user', 'only an admin may create tokens for someone else');
      const role = form.get('role');
      if (role !== '' && role !== null && !isRole(role)) throw new FieldProblem('role', 'pick a role');
      const days = Number(form.get('expires') ?? 0);
      const created = await tokens.create({
        userId: owner.id,
        name,
        ...(isRole(role) ? { role } : {}),
        createdBy: principal.username,
        expiresAt: Number.isFinite(days) && days > 0 ? new Date(Date.now() + days * DAY_MS) : null,
      });
      return {
        action: 'token.create',
        details: {
          tokenId: created.id,
          username: owner.username,
          name,
          role: created.role,
          prefix: created.prefix,
          expiresAt: created.expiresAt,
        },
        message: `Token ${created.prefix}… created for ${owner.username} (${created.role}). Copy it now: it will not be shown again.`,
        once: created.token,
      };
    },
  );
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  const id = Number(form.get('id'));
  await adminButton('read', PATHS, async (principal) => {
    if (!Number.isInteger(id) || id < 1) throw new Error('no token id');
    const token = await services().tokens.revoke(id, principal);
    return { action: 'token.revoke', details: { tokenId: id, username: token.username, name: token.name } };
  });
}
