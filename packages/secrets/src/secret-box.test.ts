import { describe, expect, it } from 'vitest';
import { deriveKey, SecretBox, SecretError } from './index.ts';

const SECRET = 'a-test-secret-key-that-is-long-enough-0123456789';

describe('deriveKey', () => {
  it('derives 32 bytes, the same for the same secret and purpose, different per purpose and secret', () => {
    const connections = deriveKey(SECRET, 'weir/connections');
    expect(connections).toHaveLength(32);
    expect(deriveKey(SECRET, 'weir/connections').equals(connections)).toBe(true);
    expect(deriveKey(SECRET, 'weir/web-sessions').equals(connections)).toBe(false);
    expect(deriveKey(`${SECRET}!`, 'weir/connections').equals(connections)).toBe(false);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(SECRET, 'weir/connections');

  it('round-trips, with a fresh IV each time, and never contains the plaintext', () => {
    const a = box.seal('pässwörd 🔑', 'connection/wh/password');
    const b = box.seal('pässwörd 🔑', 'connection/wh/password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:/);
    expect(a).not.toContain('pässwörd');
    expect(box.open(a, 'connection/wh/password')).toBe('pässwörd 🔑');
    expect(new SecretBox(SECRET, 'weir/connections').open(b, 'connection/wh/password')).toBe('pässwörd 🔑');
  });

  it('refuses another key with a clear error that shows no secret', () => {
    const sealed = box.seal('hunter2-password', 'connection/wh/password');
    const other = new SecretBox('another-secret-key-that-is-long-enough-xyz', 'weir/connections');
    let error: unknown;
    try {
      other.open(sealed, 'connection/wh/password');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).code).toBe('WEIR_SECRET_WRONG_KEY');
    expect((error as Error).message).toBe(
      'cannot decrypt connection/wh/password: WEIR_SECRET_KEY is not the key it was encrypted with, or the stored value was altered',
    );
    expect((error as Error).message).not.toContain('hunter2');
    // Same secret, other purpose: another key too.
    expect(() => new SecretBox(SECRET, 'weir/web-sessions').open(sealed, 'connection/wh/password')).toThrow(
      SecretError,
    );
  });

  it('refuses a tampered ciphertext, tag or IV, and a value moved to another place', () => {
    const sealed = box.seal('hunter2-password', 'connection/wh/password');
    const [v, iv, tag, body] = sealed.split(':') as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      [v, iv, tag, flip(body)],
      [v, iv, flip(tag), body],
      [v, flip(iv), tag, body],
    ])
      expect(() => box.open(tampered.join(':'), 'connection/wh/password')).toThrow(/cannot decrypt/);
    expect(() => box.open(sealed, 'connection/other/password')).toThrow(/cannot decrypt/);
    expect(() => box.open('plain text', 'connection/wh/password')).toThrow(/is not a value Weir encrypted/);
  });

  it('has a fingerprint that tells keys apart and is not the key', () => {
    expect(box.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(new SecretBox(SECRET, 'weir/connections').fingerprint).toBe(box.fingerprint);
    expect(new SecretBox(`${SECRET}x`, 'weir/connections').fingerprint).not.toBe(box.fingerprint);
  });
});
