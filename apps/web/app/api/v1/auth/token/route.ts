// POST /api/v1/auth/token: an API token for the caller itself (session or token), with a role
// no higher than the caller's; the token is in this answer only. Tokens for other users, and
// revoking, are `weir tokens` (an admin's).
import { roleAtMost } from '@weir/auth';
import { ApiFailure, handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const POST = handle(routes.createToken, async ({ principal, body, note }) => {
  const role = body.role ?? principal.role;
  if (!roleAtMost(role, principal.role))
    throw new ApiFailure(
      403,
      'forbidden',
      `a token can have at most your role (${principal.role}), not ${role}`,
      'role',
    );
  const created = await services().tokens.create({
    userId: principal.userId,
    name: body.name,
    role,
    createdBy: principal.username,
    expiresAt: body.expiresAt ?? null,
  });
  note({ details: { tokenId: created.id, name: body.name, role } });
  return created;
});
