// Owns encrypting secrets at rest: AES-256-GCM under a key derived from WEIR_SECRET_KEY. A sealed
// value is `v1:<iv>:<tag>:<ciphertext>` (base64url). The associated data binds each value to
// where it is stored (for example `connection/warehouse/password`), so a ciphertext copied into
// another row or field does not decrypt either.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deriveKey, type KeyPurpose } from './derive-key.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretErrorCode = 'WEIR_SECRET_WRONG_KEY' | 'WEIR_SECRET_MALFORMED';

/** A value that cannot be decrypted. Its message names the value and never shows it. */
export class SecretError extends Error {
  constructor(
    readonly code: SecretErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

export class SecretBox {
  private readonly key: Buffer;
  /** A short fingerprint of the derived key, safe to show: tells two keys apart. */
  readonly fingerprint: string;

  constructor(secret: string, purpose: KeyPurpose) {
    this.key = deriveKey(secret, purpose);
    this.fingerprint = createHash('sha256').update(this.key).digest('hex').slice(0, 12);
  }

  seal(plaintext: string, where: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(where, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : b64(p)))
      .join(':');
  }

  /** The plaintext; a SecretError when this key did not seal it or the value was altered. */
  open(sealed: string, where: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION)
      throw new SecretError('WEIR_SECRET_MALFORMED', `${where} is not a value Weir encrypted (${VERSION})`);
    const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [
      Buffer,
      Buffer,
      Buffer,
    ];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretError('WEIR_SECRET_MALFORMED', `${where} is not a value Weir encrypted (bad length)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(where, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError(
        'WEIR_SECRET_WRONG_KEY',
        `cannot decrypt ${where}: WEIR_SECRET_KEY is not the key it was encrypted with, or the stored value was altered`,
      );
    }
  }
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
