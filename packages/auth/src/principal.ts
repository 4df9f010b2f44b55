// Owns what a request is authenticated as, whichever way it proved it.
import type { Role } from './roles.ts';

/** A user who proved who they are (a password at login). */
export interface AuthenticatedUser {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
}

export interface Principal extends AuthenticatedUser {
  readonly via: 'session' | 'token';
  /** The API token used (via 'token'). Its role, capped by its owner's, is `role`. */
  readonly tokenId?: number;
  /** The session's CSRF token (via 'session'): forms and fetches must echo it. */
  readonly csrfToken?: string;
  /**
   * Set when this read slid the session's expiry: send the cookie again with this expiry
   * (`sessionCookieHeader(cookie, { expiresAt })`) so the browser keeps it as long.
   */
  readonly renewedUntil?: Date;
}
