// GET /api/v1/auth/session: who is signed in, with which role, and the CSRF token a script
// using the session cookie must send (x-csrf-token) on mutations.
import { handle } from '../../../../../lib/api/handler.ts';
import { routes } from '../../../../../lib/api/registry.ts';

export const dynamic = 'force-dynamic';

export const GET = handle(routes.getSession, async ({ principal }) => {
  const { username, role, via, csrfToken } = principal;
  return { username, role, via, ...(csrfToken ? { csrfToken } : {}) };
});
