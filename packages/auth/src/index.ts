// @weir/auth: who may use Weir and what they may do. Users and roles, password hashing, browser
// sessions with their CSRF tokens, API tokens, login rate limiting and the audit log, for the
// web UI, the REST API and `weir users` / `weir tokens`.
export {
  ApiTokens,
  type ApiTokenView,
  type CreatedApiToken,
  hashToken,
  mayManageTokensOf,
  type NewApiToken,
  TOKEN_PREFIX,
  type TokenActor,
} from './api-tokens.ts';
export { type AuditEntry, audit } from './audit.ts';
export type { Clock } from './clock.ts';
export {
  CSRF_FIELD,
  CSRF_HEADER,
  checkCsrf,
  clearSessionCookieHeader,
  SESSION_COOKIE,
  sessionCookieFrom,
  sessionCookieHeader,
} from './cookies.ts';
export { AuthError, type AuthErrorCode, isUsageError } from './errors.ts';
export { ensureInitialAdmin, INITIAL_ADMIN } from './initial-admin.ts';
export { type LoginAttempt, LoginLimiter, type LoginLimiterOptions } from './login-limiter.ts';
export {
  checkPasswordStrength,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  verifyPassword,
} from './passwords.ts';
export type { AuthenticatedUser, Principal } from './principal.ts';
export {
  can,
  isRole,
  lowerRole,
  PERMISSIONS,
  type Permission,
  ROLES,
  type Role,
  roleAtMost,
} from './roles.ts';
export { type CreatedSession, DEFAULT_SESSION_TTL_MS, type SessionOptions, Sessions } from './sessions.ts';
export { type NewUser, USERNAME_PATTERN, Users, type UserView } from './users.ts';
