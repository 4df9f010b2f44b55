import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, hashPassword, verifyPassword } from './index.ts';

describe('passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('keeps scrypt parameters and a fresh salt in the string, never the password', async () => {
    const a = await hashPassword('same-password-1');
    const b = await hashPassword('same-password-1');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same-password-1');
  });

  it('verifies with the parameters in the string, so older hashes keep working', async () => {
    const stored = await hashPassword('param-test-pw');
    const [, , , , salt] = stored.split('$');
    // The same password under N=2^14, made by hand with node's scrypt.
    const { scryptSync } = await import('node:crypto');
    const key = scryptSync('param-test-pw', Buffer.from(salt as string, 'base64url'), 32, {
      N: 16384,
      r: 8,
      p: 1,
    });
    const older = `scrypt$16384$8$1$${salt}$${key.toString('base64url')}`;
    expect(await verifyPassword('param-test-pw', older)).toBe(true);
    expect(await verifyPassword('param-test-pX', older)).toBe(false);
  });

  it('is false for malformed or absurd hashes instead of throwing or computing them', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$10$abc')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA')).toBe(
      false,
    );
  });

  it('asks for at least 8 characters, and says so', () => {
    expect(checkPasswordStrength('short7!')).toBe('a password needs at least 8 characters');
    expect(checkPasswordStrength('        ')).toBe('a password cannot be only spaces');
    expect(checkPasswordStrength('eight ch')).toBeNull();
    expect(checkPasswordStrength('x'.repeat(1025))).toMatch(/at most 1024/);
  });
});
