import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@weir/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSecretKey, secretKeyFile, standaloneSecretKey } from './secret-key.ts';

describe('WEIR_SECRET_KEY for weir standalone and the commands beside it', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'weir-key-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('standalone generates a random key once and reuses it; the variable wins', () => {
    const config = parseConfig({ WEIR_HOME: home });
    expect(resolveSecretKey(config)).toBeUndefined();
    const first = standaloneSecretKey(config, home);
    expect(first.source).toBe('generated');
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(standaloneSecretKey(config, home)).toEqual({ key: first.key, source: 'file' });
    expect(resolveSecretKey(config)).toBe(first.key);
    const other = mkdtempSync(join(tmpdir(), 'weir-key-'));
    expect(standaloneSecretKey(parseConfig({}), other).key).not.toBe(first.key);
    rmSync(other, { recursive: true, force: true });
    const set = parseConfig({ WEIR_HOME: home, WEIR_SECRET_KEY: 'x'.repeat(40) });
    expect(standaloneSecretKey(set, home)).toEqual({ key: 'x'.repeat(40), source: 'environment' });
    expect(resolveSecretKey(set)).toBe('x'.repeat(40));
  });

  it('a damaged key file is one clear line, never its content', () => {
    writeFileSync(secretKeyFile(home), 'short-secret\n');
    expect(() => resolveSecretKey(parseConfig({ WEIR_HOME: home }))).toThrow(
      `invalid configuration: WEIR_SECRET_KEY in ${secretKeyFile(home)} must be at least 32 characters long`,
    );
  });
});
