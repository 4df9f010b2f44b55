// Owns the errors of @weir/auth: each carries a code (for the web's status codes and the CLI's
// exit codes) and a message a user can act on.

export type AuthErrorCode =
  | 'INVALID_USERNAME'
  | 'INVALID_ROLE'
  | 'WEAK_PASSWORD'
  | 'USER_EXISTS'
  | 'USER_NOT_FOUND'
  | 'LAST_ADMIN'
  | 'INVALID_TOKEN_NAME'
  | 'INVALID_EXPIRY'
  | 'ROLE_ABOVE_OWNER'
  | 'TOKEN_NOT_FOUND'
  | 'TOKEN_REVOKED'
  | 'FORBIDDEN';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Codes that mean the request itself was malformed (HTTP 400, CLI exit 2), not refused. */
export function isUsageError(code: AuthErrorCode): boolean {
  return (
    code === 'INVALID_USERNAME' ||
    code === 'INVALID_ROLE' ||
    code === 'WEAK_PASSWORD' ||
    code === 'INVALID_TOKEN_NAME' ||
    code === 'INVALID_EXPIRY'
  );
}
