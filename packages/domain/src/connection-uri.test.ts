import { describe, expect, it } from 'vitest';
import { ConnectionUriError, connectionUri, parseConnectionUri, withUri } from './index.ts';

describe('parseConnectionUri', () => {
  it('reads each part, and query parameters into extra', () => {
    expect(
      parseConnectionUri('warehouse', 'postgres://user:pass@db.example.com:5432/dw?sslmode=require'),
    ).toEqual({
      id: 'warehouse',
      type: 'postgres',
      host: 'db.example.com',
      port: 5432,
      login: 'user',
      password: 'pass',
      schema: 'dw',
      extra: { sslmode: 'require' },
    });
  });

  it('decodes percent-encoded parts and reads __extra__ as JSON', () => {
    const c = parseConnectionUri(
      'x',
      `google-cloud-platform://me%40corp:p%40ss%2Fw%3Ard@h/my%20db?__extra__=${encodeURIComponent('{"retries":3,"scopes":["a"]}')}`,
    );
    expect(c).toMatchObject({
      type: 'google_cloud_platform',
      login: 'me@corp',
      password: 'p@ss/w:rd',
      schema: 'my db',
      port: null,
      extra: { retries: 3, scopes: ['a'] },
    });
  });

  it('leaves absent parts null, and keeps a repeated parameter as a list', () => {
    expect(parseConnectionUri('h', 'http://api.example.com?tag=a&tag=b')).toEqual({
      id: 'h',
      type: 'http',
      host: 'api.example.com',
      port: null,
      login: null,
      password: null,
      schema: null,
      extra: { tag: ['a', 'b'] },
    });
  });

  it('refuses what is no URI, naming the source and never the URI', () => {
    for (const bad of ['not a uri :pw-secret', 'postgres://u:pw-secret@h/db?__extra__=nope'])
      try {
        parseConnectionUri('x', bad, 'WEIR_CONN_X');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConnectionUriError);
        expect((error as Error).message).toMatch(/^WEIR_CONN_X /);
        expect((error as Error).message).not.toContain('pw-secret');
      }
  });
});

describe('connectionUri', () => {
  it('round-trips through parseConnectionUri, encoding what needs it', () => {
    const fields = {
      id: 'wh',
      type: 'google_cloud_platform',
      host: 'db.example.com',
      port: 6543,
      login: 'me@corp',
      password: 'p@ss/w:rd?#',
      schema: 'my db',
      extra: { sslmode: 'require' },
    };
    const uri = connectionUri(fields);
    expect(uri).toBe(
      'google-cloud-platform://me%40corp:p%40ss%2Fw%3Ard%3F%23@db.example.com:6543/my%20db?sslmode=require',
    );
    expect(parseConnectionUri('wh', uri)).toEqual(fields);
    const nested = { ...fields, extra: { retries: 3 } };
    expect(parseConnectionUri('wh', connectionUri(nested))).toEqual(nested);
    expect(withUri(fields).uri).toBe(uri);
  });

  it('writes only the parts a connection has', () => {
    expect(
      connectionUri({
        id: 'a',
        type: 'http',
        host: 'h',
        port: null,
        login: null,
        password: null,
        schema: null,
        extra: {},
      }),
    ).toBe('http://h');
  });
});
