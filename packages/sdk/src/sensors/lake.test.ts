// The lake sensor against a real local folder and a real S3-protocol server (s3rver): a missing
// object is "not yet", an existing one is done, a prefix gives its keys, and a missing bucket,
// refused credentials or an unreachable endpoint fail with a message naming what to fix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { freePort, type S3ServerHandle, startS3Server } from '@weir/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskContext } from '../context.ts';
import { testContext } from '../test-context.ts';
import { lakeObject } from './lake.ts';

const LAKE_ENV = [
  'WEIR_LAKE_URL',
  'WEIR_HOME',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
];

function context(logicalDate = new Date('2026-03-04T00:00:00Z')): TaskContext & { lines: string[] } {
  const lines: string[] = [];
  const line = (message: string) => lines.push(message);
  return {
    ...testContext({
      dagId: 'consumer',
      runId: 'manual__test',
      taskId: 'wait',
      logicalDate,
      dataIntervalStart: logicalDate,
      dataIntervalEnd: logicalDate,
      log: { debug: line, info: line, warn: line, error: line },
    }),
    lines,
  };
}

const partitionKey = (ctx: TaskContext) =>
  `raw/events/dt=${ctx.logicalDate.toISOString().slice(0, 10)}/_SUCCESS`;

// Each test sets the variables it needs; the process's own values come back afterwards.
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(LAKE_ENV.map((k) => [k, process.env[k]]));
  for (const k of LAKE_ENV) delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('lakeObject on a local folder', () => {
  let dir: string;
  const write = (key: string) => {
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), '');
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-lake-'));
    process.env.WEIR_LAKE_URL = `${pathToFileURL(dir).href}/`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is not done until the logical date's marker exists, then outputs true", async () => {
    const poke = lakeObject({ key: partitionKey });
    const ctx = context();
    write('raw/events/dt=2026-03-03/_SUCCESS'); // another day's marker
    expect(await poke(ctx)).toBe(false);
    expect(ctx.lines.join('\n')).toContain(join(dir, 'raw/events/dt=2026-03-04/_SUCCESS'));
    write('raw/events/dt=2026-03-04/_SUCCESS');
    expect(await poke(ctx)).toBe(true);
  });

  it('counts only files as objects, as S3 does, and a missing lake folder as empty', async () => {
    mkdirSync(join(dir, 'raw/events/dt=2026-03-04/_SUCCESS'), { recursive: true });
    expect(await lakeObject({ key: partitionKey })(context())).toBe(false);
    expect(await lakeObject({ key: 'x', url: `${pathToFileURL(join(dir, 'nope')).href}/` })(context())).toBe(
      false,
    );
  });

  it('gives the sorted keys under a prefix, relative to the lake, and false when there are none', async () => {
    const poke = lakeObject({
      prefix: (ctx) => `raw/events/dt=${ctx.logicalDate.toISOString().slice(0, 10)}/`,
    });
    expect(await poke(context())).toBe(false);
    write('raw/events/dt=2026-03-04/hour=01/part-0.json');
    write('raw/events/dt=2026-03-04/hour=00/part-1.json');
    write('raw/events/dt=2026-03-04/hour=00/part-0.json');
    write('raw/events/dt=2026-03-05/hour=00/part-0.json');
    write('raw/events/dt=2026-03-040/other.json');
    expect(await poke(context())).toEqual([
      'raw/events/dt=2026-03-04/hour=00/part-0.json',
      'raw/events/dt=2026-03-04/hour=00/part-1.json',
      'raw/events/dt=2026-03-04/hour=01/part-0.json',
    ]);
    // A prefix is a string prefix, not a folder: it matches partial names, as in S3.
    expect(await lakeObject({ prefix: 'raw/events/dt=2026-03-0' })(context())).toHaveLength(5);
    expect(await lakeObject({ prefix: 'raw/events/dt=2026-03-040' })(context())).toEqual([
      'raw/events/dt=2026-03-040/other.json',
    ]);
  });

  it('uses the url option over WEIR_LAKE_URL, and <WEIR_HOME>/lake/ when neither is set', async () => {
    const other = mkdtempSync(join(tmpdir(), 'weir-lake-other-'));
    try {
      writeFileSync(join(other, 'only-here'), '');
      expect(await lakeObject({ key: 'only-here' })(context())).toBe(false);
      expect(await lakeObject({ key: 'only-here', url: pathToFileURL(other).href })(context())).toBe(true);
      delete process.env.WEIR_LAKE_URL;
      process.env.WEIR_HOME = other;
      mkdirSync(join(other, 'lake'));
      writeFileSync(join(other, 'lake', 'in-home'), '');
      expect(await lakeObject({ key: 'in-home' })(context())).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses keys that leave the lake, and bad options at import', async () => {
    await expect(lakeObject({ key: '../etc/passwd' })(context())).rejects.toMatchObject({
      code: 'SENSOR_MISCONFIGURED',
      weirOutcome: 'fail',
      message: expect.stringContaining("must not contain '.' or '..' segments"),
    });
    await expect(lakeObject({ key: '/abs' })(context())).rejects.toThrow(/no leading \//);
    await expect(lakeObject({ key: () => '' })(context())).rejects.toThrow(/key "" must not be empty/);
    expect(() => lakeObject({ url: 'http://lake/' } as never)).toThrow(/pass either key or prefix/);
    expect(() => lakeObject({ key: 'a', url: 'http://lake/' })).toThrow(
      /url http:\/\/lake\/ is not a lake location; write s3:\/\/bucket\/prefix\/ or file:\/\/\/path\//,
    );
  });

  it('refuses a bad WEIR_LAKE_URL at the poke, naming the variable', async () => {
    process.env.WEIR_LAKE_URL = 'ftp://lake/';
    await expect(lakeObject({ key: 'a' })(context())).rejects.toThrow(
      /WEIR_LAKE_URL=ftp:\/\/lake\/ is not a lake location/,
    );
  });
});

describe('lakeObject on S3', () => {
  let s3: S3ServerHandle;
  let client: S3Client;
  const put = (Bucket: string, Key: string) => client.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['lake'] });
    client = s3.client();
  });
  afterAll(async () => {
    await s3?.stop();
  });
  beforeEach(() => {
    Object.assign(process.env, {
      WEIR_LAKE_URL: 's3://lake/prod/',
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  });

  it("is not done until the logical date's marker exists under the lake's base, then outputs true", async () => {
    const poke = lakeObject({ key: partitionKey });
    const ctx = context();
    await put('lake', 'raw/events/dt=2026-03-04/_SUCCESS'); // outside the base prod/
    await put('lake', 'prod/raw/events/dt=2026-03-03/_SUCCESS');
    expect(await poke(ctx)).toBe(false);
    expect(ctx.lines.join('\n')).toContain('s3://lake/prod/raw/events/dt=2026-03-04/_SUCCESS');
    await put('lake', 'prod/raw/events/dt=2026-03-04/_SUCCESS');
    expect(await poke(ctx)).toBe(true);
  });

  it('gives the keys under a prefix relative to the base, and false when there are none', async () => {
    const poke = lakeObject({ prefix: 'curated/dt=2026-03-04/' });
    expect(await poke(context())).toBe(false);
    await put('lake', 'prod/curated/dt=2026-03-04/b.parquet');
    await put('lake', 'prod/curated/dt=2026-03-04/a.parquet');
    await put('lake', 'prod/curated/dt=2026-03-05/a.parquet');
    expect(await poke(context())).toEqual([
      'curated/dt=2026-03-04/a.parquet',
      'curated/dt=2026-03-04/b.parquet',
    ]);
  });

  it('uses the url option over WEIR_LAKE_URL, with the S3_* settings', async () => {
    await s3.bucket('archive');
    await put('archive', 'flag');
    expect(await lakeObject({ key: 'flag' })(context())).toBe(false);
    expect(await lakeObject({ key: 'flag', url: 's3://archive' })(context())).toBe(true);
  });

  it('fails, naming the bucket, when the bucket does not exist', async () => {
    process.env.WEIR_LAKE_URL = 's3://no-such-bucket/base/';
    for (const poke of [lakeObject({ key: 'a' }), lakeObject({ prefix: 'a' })]) {
      await expect(poke(context())).rejects.toMatchObject({
        code: 'LAKE_BUCKET_NOT_FOUND',
        message: `lake sensor: bucket "no-such-bucket" does not exist at ${s3.endpoint}; create it, or fix WEIR_LAKE_URL=s3://no-such-bucket/base/`,
      });
    }
  });

  it('fails, naming the credential variables, when S3 refuses them', async () => {
    process.env.S3_ACCESS_KEY_ID = 'WRONG';
    process.env.S3_SECRET_ACCESS_KEY = 'WRONG';
    for (const poke of [lakeObject({ key: 'a' }), lakeObject({ prefix: 'a' })]) {
      const error = await poke(context()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LAKE_ACCESS_DENIED' });
      expect((error as Error).message).toContain('check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
      expect((error as Error).message).not.toContain('WRONG');
    }
    process.env.S3_SECRET_ACCESS_KEY = '';
    await expect(lakeObject({ key: 'a' })(context())).rejects.toThrow(
      /set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither/,
    );
  });

  it('fails, naming the endpoint, when S3 does not answer', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    process.env.S3_ENDPOINT = endpoint;
    await expect(lakeObject({ key: 'a' })(context())).rejects.toMatchObject({
      code: 'LAKE_UNAVAILABLE',
      message: expect.stringContaining(`cannot read s3://lake/prod/a at ${endpoint}: connect ECONNREFUSED`),
    });
  });
});
