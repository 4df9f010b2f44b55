// Owns turning WEIR_SECRET_KEY into keys with one purpose each (HKDF-SHA256, RFC 5869): the
// connections' encryption key, and later the web's session-signing key, come from the same
// secret with a different `purpose`, so knowing one derived key tells nothing about another.
import { hkdfSync } from 'node:crypto';

/** What a derived key is for; HKDF's `info`. A new purpose is a new key. */
export type KeyPurpose = 'weir/connections' | 'weir/web-sessions';

/** A fixed salt: the secret is already random; the salt only separates Weir from other HKDF users. */
const SALT = 'weir/hkdf/v1';

/** 32 bytes derived from the secret for one purpose. Deterministic: same secret, same key. */
export function deriveKey(secret: string, purpose: KeyPurpose, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, purpose, length));
}
