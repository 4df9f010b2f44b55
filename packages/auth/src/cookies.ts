// Owns the session cookie as HTTP carries it (its name and attributes) and the CSRF check that
// goes with it. HttpOnly keeps scripts from reading it; SameSite=Lax keeps other sites' forms
// from sending it with a POST; the CSRF token covers what Lax does not (same-site subdomains).
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from './principal.ts';

export const SESSION_COOKIE = 'weir_session';
/** Where a fetch presents the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
/** Where an HTML form presents it. */
export const CSRF_FIELD = 'csrf';

export function sessionCookieHeader(value: string, options: { secure: boolean; expiresAt: Date }): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    `Expires=${options.expiresAt.toUTCString()}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Removes the cookie from the browser (logout). */
export function clearSessionCookieHeader(options: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'Max-Age=0',
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The session cookie's value in a request's Cookie header, if it has one. */
export function sessionCookieFrom(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Whether a mutation may go ahead. A token principal sent no cookie, so no other site can have
 * made its browser send the request: exempt. A session must present its own CSRF token.
 */
export function checkCsrf(principal: Principal, presented: string | null | undefined): boolean {
  if (principal.via === 'token') return true;
  if (!principal.csrfToken || !presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(principal.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
