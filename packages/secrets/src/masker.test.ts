import { describe, expect, it } from 'vitest';
import { isSensitiveName, SecretMasker } from './index.ts';

describe('SecretMasker', () => {
  it('replaces every occurrence of each secret, the longer one first', () => {
    const masker = new SecretMasker();
    masker.add('hunter2-pw');
    masker.add('hunter2-pw-long');
    expect(masker.mask('a hunter2-pw-long b hunter2-pw c')).toBe('a *** b *** c');
    expect(masker.mask('nothing here')).toBe('nothing here');
  });

  it('masks URL-encoded and JSON-escaped forms, and regex characters literally', () => {
    const masker = new SecretMasker();
    masker.add('p@ss/w"rd+1');
    expect(masker.mask('postgres://u:p%40ss%2Fw%22rd%2B1@h/db')).toBe('postgres://u:***@h/db');
    expect(masker.mask(JSON.stringify({ pw: 'p@ss/w"rd+1' }))).toBe('{"pw":"***"}');
    masker.add('a.b*c+d?');
    expect(masker.mask('axbxcxd a.b*c+d?')).toBe('axbxcxd ***');
  });

  it('adds the strings and numbers of a JSON value, and the value as JSON', () => {
    const masker = new SecretMasker();
    masker.add({ client: 'client-id-1', nested: ['deep-secret'], pin: 123456 });
    expect(masker.mask('client-id-1 deep-secret 123456')).toBe('*** *** ***');
  });

  it('leaves values shorter than five characters alone', () => {
    const masker = new SecretMasker();
    expect(masker.add('abcd')).toEqual([]);
    expect(masker.mask('abcd')).toBe('abcd');
  });

  it('masks a variable only when its key names a secret', () => {
    const masker = new SecretMasker();
    masker.addVariable('region', 'eu-west-1');
    masker.addVariable('API_Token', 'tok-123456');
    masker.addVariable('db_password', 'pw-123456');
    masker.addVariable('signing_key', 'k-123456');
    masker.addVariable('my_secret', 's-123456');
    expect(masker.mask('eu-west-1 tok-123456 pw-123456 k-123456 s-123456')).toBe('eu-west-1 *** *** *** ***');
    expect(['secret', 'PASSWORD', 'token', 'apiKey'].every(isSensitiveName)).toBe(true);
    expect(isSensitiveName('region')).toBe(false);
  });

  it('masks a connection’s password and the extra values named as secrets', () => {
    const masker = new SecretMasker();
    masker.addConnection({
      password: 'conn-pass-1',
      extra: { region: 'eu-west-1', aws_secret_access_key: 'sk-abcdef', nested: { token: 'tok-ghijk' } },
    });
    expect(masker.mask('conn-pass-1 eu-west-1 sk-abcdef tok-ghijk')).toBe('*** eu-west-1 *** ***');
  });
});
