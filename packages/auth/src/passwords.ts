// Owns password hashing: scrypt (RFC 7914) from node:crypto, its parameters and salt stored with
// the hash as `scrypt$N$r$p$salt$hash` (base64url), so a later change of parameters still
// verifies older hashes. The password itself is never stored or logged.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's scrypt minimum is N=2^17 with r=8; 2^15 keeps a login near 50 ms on these 2-core machines. */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** A stored hash asking for more than this is refused, not computed (it could exhaust memory). */
const MAX_N = 2 ** 20;

export const MIN_PASSWORD_LENGTH = 8;
/** Long enough for any passphrase; bounds the work an unauthenticated request can ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, length: number) {
  // scrypt needs 128·N·r bytes; node's default cap (32 MiB) is exactly N=2^15, r=8.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, N, R, P, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` is the one `stored` was made from; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  const valid =
    Number.isInteger(n) &&
    n > 1 &&
    n <= MAX_N &&
    (n & (n - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 16 &&
    salt.length >= 8 &&
    expected.length >= 16;
  if (!valid || password.length > MAX_PASSWORD_LENGTH) return false;
  const actual = await derive(password, salt, n, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/** Why `password` may not be used, or null when it may. */
export function checkPasswordStrength(password: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `a password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim() === '') return 'a password cannot be only spaces';
  return null;
}

/**
 * A hash of no one's password, verified against when a login names an unknown user, so the
 * answer takes as long as for a known one (no telling which usernames exist by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'));
  return decoy;
}
