// DELETE /api/v1/auth/tokens/{id}: revoke a token, the caller's own (an admin: anyone's); it
// stops working at once. 404 unknown, 409 revoked already, 403 someone else's.
import { handle } from '../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../lib/api/registry.ts';
import { services } from '../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const DELETE = handle(routes.revokeToken, async ({ params, principal, note }) => {
  const token = await services().tokens.revoke(params.id, principal);
  note({ details: { tokenId: token.id, username: token.username, name: token.name } });
  return token;
});
