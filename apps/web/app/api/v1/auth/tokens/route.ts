// GET /api/v1/auth/tokens: the caller's API tokens, newest first (an admin's: everyone's); never
// the token itself, only its first characters.
import { can } from '@weir/auth';
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';
import { services } from '../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.listTokens, async ({ principal }) => {
  const all = can(principal.role, 'token.manage');
  const tokens = await services().tokens.list(all ? undefined : principal.userId);
  return { tokens, total_entries: tokens.length };
});
