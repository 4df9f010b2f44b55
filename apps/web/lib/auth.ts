// Owns who is asking, for pages (the session cookie) and for the API (a bearer token, or the
// session cookie with its CSRF token on mutations), and what their role lets them do. Pages
// without a session go to /login; the API answers 401, or 403 beyond the role.
import { can, checkCsrf, type Permission, type Principal, SESSION_COOKIE } from '@weir/auth';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { apiError } from './api-errors.ts';
import { services } from './services.ts';

/** The signed-in user of this page request, or null. */
export async function currentPrincipal(): Promise<Principal | null> {
  const jar = await cookies();
  return services().sessions.read(jar.get(SESSION_COOKIE)?.value);
}

/** The signed-in user, or a redirect to /login that comes back here. */
export async function requirePage(): Promise<Principal> {
  const principal = await currentPrincipal();
  if (principal) return principal;
  const path = (await headers()).get('x-weir-path') ?? '/';
  redirect(`/login?next=${encodeURIComponent(path)}`);
}

/** For server actions: the user, allowed to do `permission`, or an Error to show. */
export async function requireAction(permission: Permission): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/login');
  if (!can(principal.role, permission))
    throw new Error(`your role (${principal.role}) may not do this; ask an admin for the operator role`);
  return principal;
}

/** Where a request came from, for the audit log and the login limiter. */
export function clientAddress(h: Headers): string {
  return h.get('x-forwarded-for')?.split(',')[0]?.trim() || h.get('x-real-ip') || 'local';
}

/**
 * The API caller allowed to do `permission`, or the 401/403 response to return. A cookie
 * session must send its CSRF token (`x-csrf-token`) on every mutation; a bearer token need not.
 */
export async function apiPrincipal(
  request: Request,
  permission: Permission,
): Promise<{ principal: Principal } | { response: Response }> {
  const { tokens, sessions } = services();
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  let principal: Principal | null = null;
  if (bearer) principal = await tokens.authenticate(bearer);
  else {
    const cookie = /(?:^|;\s*)weir_session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    principal = await sessions.read(cookie ? decodeURIComponent(cookie) : undefined);
  }
  if (!principal)
    return { response: apiError(401, 'unauthenticated', 'sign in, or send Authorization: Bearer <token>') };
  if (
    request.method !== 'GET' &&
    request.method !== 'HEAD' &&
    !checkCsrf(principal, request.headers.get('x-csrf-token'))
  )
    return {
      response: apiError(403, 'csrf', 'this session must send its CSRF token in the x-csrf-token header'),
    };
  if (!can(principal.role, permission))
    return { response: apiError(403, 'forbidden', `the ${principal.role} role may not do this`) };
  return { principal };
}
