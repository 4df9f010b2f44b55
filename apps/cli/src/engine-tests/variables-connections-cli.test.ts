// `weir variables …`, `weir connections …`, and WEIR_SECRET_KEY at start-up, as users run them:
// the real `weir` CLI in a child process against a real database. A password given to Weir
// never appears in any output, and is not stored in clear.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_KEY_PLACEHOLDER } from '@weir/config';
import { runWeir, TEST_SECRET_KEY, type WeirResult } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const PASSWORD = 'Sup3r-s3cret/pw?#';
const URI_PASSWORD = 'uri-pass-7781';
const NEW_KEY = 'a-brand-new-weir-secret-key-0987654321';

const DAG = `
import { dag, z } from '@weir/sdk';
export default dag({ id: 'cli_lookups' }, (d) => {
  d.task('use', async (ctx) => {
    const conn = await ctx.connection('warehouse');
    const threshold = await ctx.variable('threshold', z.number());
    ctx.log.info('connecting with ' + conn.password);
    return { host: conn.host, threshold };
  });
});
`;

// Each test runs a dozen `weir` processes (a few seconds each on a busy 2-core machine).
describe('weir variables and weir connections', { timeout: 300_000 }, () => {
  let h: Harness;
  let dir: string;
  const outputs: WeirResult[] = [];
  const weir = async (args: string[], env: Record<string, string> = {}, input?: string) => {
    const result = await runWeir(args, { ...h.env, ...env }, 120_000, input);
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'weir-vars-'));
    h.writeDag('cli_lookups.ts', DAG);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets, gets, lists and deletes variables; values whose keys name a secret show as ***', async () => {
    expect((await weir(['variables', 'set', 'threshold', '0.25'])).stdout).toBe('variable threshold set\n');
    await weir(['variables', 'set', 'tables', '["events","sessions"]', '--description', 'to load']);
    await weir(['variables', 'set', 'zip', '01234', '--string']);
    await weir(['variables', 'set', 'api_token', 'tok-abcdef-123']);
    expect((await weir(['variables', 'get', 'tables'])).stdout).toBe('["events","sessions"]\n');
    expect((await weir(['variables', 'get', 'zip'])).stdout).toBe('"01234"\n');
    expect((await weir(['variables', 'get', 'api_token'])).stdout).toBe('***\n');
    expect((await weir(['variables', 'get', 'api_token', '--reveal'])).stdout).toBe('"tok-abcdef-123"\n');
    const list = await weir(['variables', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      { key: 'api_token', value: '***', description: null },
      { key: 'tables', value: ['events', 'sessions'], description: 'to load' },
      { key: 'threshold', value: 0.25, description: null },
      { key: 'zip', value: '01234', description: null },
    ]);
    const table = await weir(['variables', 'list']);
    expect(table.stdout).toMatch(/api_token +\| \*\*\* /);
    expect(table.stdout).not.toContain('tok-abcdef-123');
    expect((await weir(['variables', 'delete', 'zip'])).stdout).toBe('variable zip deleted\n');
    const missing = await weir(['variables', 'get', 'zip']);
    expect([missing.code, missing.stderr]).toEqual([1, 'weir: variable "zip" does not exist\n']);
    const bad = await weir(['variables', 'set', 'bad key', '1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^weir: variable key "bad key" is invalid/);
  });

  it('imports and exports a JSON file of variables, all or nothing', async () => {
    const file = join(dir, 'vars.json');
    writeFileSync(file, JSON.stringify({ threshold: 0.5, region: 'eu', nested: { a: [1, 2] } }));
    expect((await weir(['variables', 'import', file])).stdout).toBe(
      `imported 3 variable(s) from ${file}: 2 created, 1 updated\n`,
    );
    const out = join(dir, 'out.json');
    expect((await weir(['variables', 'export', out])).stdout).toBe(`exported 5 variable(s) to ${out}\n`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      api_token: 'tok-abcdef-123',
      nested: { a: [1, 2] },
      region: 'eu',
      tables: ['events', 'sessions'],
      threshold: 0.5,
    });
    writeFileSync(file, '{"ok": 1, "bad key": 2}');
    expect((await weir(['variables', 'import', file])).code).toBe(1);
    expect((await weir(['variables', 'get', 'ok'])).code).toBe(1);
    writeFileSync(file, '{"a": "tok-in-a-broken-file"');
    const broken = await weir(['variables', 'import', file]);
    expect([broken.code, broken.stderr]).toEqual([2, `weir: ${file} is not valid JSON\n`]);
  });

  it('adds connections with the password from stdin or a URI, and never prints it', async () => {
    const added = await weir(
      [
        'connections',
        'add',
        'warehouse',
        '--type',
        'postgres',
        '--host',
        'db.internal',
        '--port',
        '5432',
        '--login',
        'etl',
        '--schema',
        'dw',
        '--extra',
        '{"sslmode":"require","api_key":"extra-key-99"}',
        '--password-stdin',
      ],
      {},
      `${PASSWORD}\n`,
    );
    expect([added.code, added.stdout]).toEqual([
      0,
      'connection warehouse added (postgres, password encrypted)\n',
    ]);
    const again = await weir(['connections', 'add', 'warehouse', '--type', 'postgres']);
    expect([again.code, again.stderr]).toEqual([
      1,
      'weir: connection "warehouse" already exists: delete it first, or pass --replace\n',
    ]);
    await weir([
      'connections',
      'add',
      'api',
      '--uri',
      `https://svc:${URI_PASSWORD}@api.example.com:8443/v2?timeout=5`,
    ]);
    const got = await weir(['connections', 'get', 'warehouse']);
    expect(got.stdout).toBe(
      [
        'id       warehouse',
        'type     postgres',
        'host     db.internal',
        'port     5432',
        'login    etl',
        'password ***',
        'schema   dw',
        'extra    {"sslmode":"require","api_key":"***"}',
        'uri      postgres://etl:***@db.internal:5432/dw?sslmode=require&api_key=***',
        '',
      ].join('\n'),
    );
    expect(JSON.parse((await weir(['connections', 'get', 'api', '--json'])).stdout)).toEqual({
      id: 'api',
      type: 'https',
      host: 'api.example.com',
      port: 8443,
      login: 'svc',
      password: '***',
      schema: 'v2',
      extra: { timeout: '5' },
      uri: 'https://svc:***@api.example.com:8443/v2?timeout=5',
    });
    const list = JSON.parse((await weir(['connections', 'list', '--json'])).stdout);
    expect(list.map((c: { id: string; hasPassword: boolean }) => [c.id, c.hasPassword])).toEqual([
      ['api', true],
      ['warehouse', true],
    ]);
    expect((await weir(['connections', 'list'])).stdout).toMatch(
      /warehouse \| postgres +\| db\.internal +\| 5432/,
    );
    // Encrypted at rest: neither the password nor the extra is in the row.
    const rows = await h.database.db.$queryRaw<
      { row: string }[]
    >`SELECT row_to_json(c)::text AS row FROM connection c`;
    const stored = rows.map((r) => r.row).join('\n');
    expect(stored).toContain('db.internal');
    for (const secret of [PASSWORD, URI_PASSWORD, 'extra-key-99', 'sslmode'])
      expect(stored).not.toContain(secret);
  });

  it('a task reads the connection and variable in weir dags test and weir tasks test, masked in what they print', async () => {
    const test = await weir(['dags', 'test', 'cli_lookups']);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stderr).toContain('use#1 info   connecting with ***');
    const one = await weir(['tasks', 'test', 'cli_lookups', 'use']);
    expect([one.code, one.stdout]).toEqual([0, '{"host":"db.internal","threshold":0.5}\n']);
    expect(one.stderr).toBe('[info] connecting with ***\n');
  });

  it('a wrong key cannot decrypt, with one line saying so; rotate-key re-encrypts under the new key', async () => {
    const wrong = await weir(['connections', 'get', 'warehouse'], { WEIR_SECRET_KEY: NEW_KEY });
    expect([wrong.code, wrong.stderr]).toEqual([
      1,
      'weir: cannot decrypt connection "warehouse" password: WEIR_SECRET_KEY is not the key it was encrypted with, or the stored value was altered\n',
    ]);
    const noKey = await weir(['connections', 'get', 'warehouse'], { WEIR_SECRET_KEY: '', WEIR_HOME: dir });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^weir: WEIR_SECRET_KEY is not set/);
    const badOld = await weir(
      ['connections', 'rotate-key', '--old-key-stdin'],
      { WEIR_SECRET_KEY: NEW_KEY },
      'not-the-old-key-at-all-0000000000',
    );
    expect(badOld.code).toBe(1);
    expect(badOld.stderr).toMatch(/^weir: cannot decrypt connection "api" password/);
    const rotated = await weir(
      ['connections', 'rotate-key', '--old-key-stdin'],
      { WEIR_SECRET_KEY: NEW_KEY },
      `${TEST_SECRET_KEY}\n`,
    );
    expect([rotated.code, rotated.stdout]).toEqual([
      0,
      're-encrypted 2 connection(s) under the new key; now set WEIR_SECRET_KEY to the new key on every Weir process and restart them\n',
    ]);
    expect((await weir(['connections', 'get', 'warehouse'], { WEIR_SECRET_KEY: NEW_KEY })).stdout).toContain(
      'password ***',
    );
    expect((await weir(['connections', 'get', 'warehouse'])).stderr).toMatch(/^weir: cannot decrypt/);
    // Again: nothing left to do.
    const twice = await weir(
      ['connections', 'rotate-key', '--old-key-stdin'],
      { WEIR_SECRET_KEY: NEW_KEY },
      TEST_SECRET_KEY,
    );
    expect(twice.stdout).toMatch(/^re-encrypted 0 connection\(s\) under the new key \(2 already were\)/);
    expect((await weir(['connections', 'delete', 'api'])).stdout).toBe('connection api deleted\n');
    expect((await weir(['connections', 'delete', 'api'])).stderr).toBe(
      'weir: connection "api" does not exist\n',
    );
  });

  it('never printed a password, a key or a secret extra in any output above', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
    for (const secret of [
      PASSWORD,
      encodeURIComponent(PASSWORD),
      URI_PASSWORD,
      'extra-key-99',
      TEST_SECRET_KEY,
      NEW_KEY,
    ])
      expect(all).not.toContain(secret);
  });

  it.each([
    ['worker', ''],
    ['scheduler', ''],
    ['worker', SECRET_KEY_PLACEHOLDER],
  ])('weir %s refuses to start without a real WEIR_SECRET_KEY (%s), in one line', async (component, key) => {
    const result = await runWeir([component], { ...h.env, WEIR_SECRET_KEY: key }, 60_000);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      key
        ? /^weir: invalid configuration: WEIR_SECRET_KEY is the placeholder from docker-compose\.yml: set it to a random value of 32\+ characters/
        : new RegExp(
            `^weir: invalid configuration: WEIR_SECRET_KEY is not set, and the ${component} needs it`,
          ),
    );
  });
});
