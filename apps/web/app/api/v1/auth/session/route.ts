// GET /api/v1/auth/session: who is signed in, with which role, and the CSRF token a script
// using the session cookie must send (x-csrf-token) on mutations.
import { apiPrincipal } from '../../../../../lib/auth.ts';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const auth = await apiPrincipal(request, 'read');
  if ('response' in auth) return auth.response;
  const { username, role, via, csrfToken } = auth.principal;
  return Response.json({ username, role, via, ...(csrfToken ? { csrfToken } : {}) });
}
