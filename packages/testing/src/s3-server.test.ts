// Tests for the s3rver fixture: the real AWS SDK puts, gets and lists objects against it.
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3ServerHandle, startS3Server } from './s3-server.ts';

describe('startS3Server', () => {
  let s3: S3ServerHandle;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: ['lake'] });
    client = s3.client();
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it('puts and gets an object in a bucket created at start-up', async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: 'lake',
        Key: 'raw/2024-01-01/orders.json',
        Body: JSON.stringify({ id: 1 }),
        ContentType: 'application/json',
      }),
    );
    const got = await client.send(
      new GetObjectCommand({ Bucket: 'lake', Key: 'raw/2024-01-01/orders.json' }),
    );
    expect(got.ContentType).toBe('application/json');
    expect(JSON.parse((await got.Body?.transformToString()) ?? '')).toEqual({ id: 1 });
  });

  it('puts a binary body', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new PutObjectCommand({ Bucket: 'lake', Key: 'bin/blob', Body: bytes }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'bin/blob' }));
    expect(Array.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(Array.from(bytes));
  });

  it('stores a stream body as its bytes, not as aws-chunked framing', async () => {
    const body = Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]);
    await client.send(
      new PutObjectCommand({ Bucket: 'lake', Key: 'csv/stream.csv', Body: body, ContentLength: 8 }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: 'lake', Key: 'csv/stream.csv' }));
    expect(await got.Body?.transformToString()).toBe('a,b\n1,2\n');
  });

  it('lists a prefix in a bucket created with bucket()', async () => {
    await s3.bucket('reports');
    await s3.bucket('reports'); // creating twice is fine
    for (const key of ['daily/a.csv', 'daily/b.csv', 'weekly/c.csv']) {
      await client.send(new PutObjectCommand({ Bucket: 'reports', Key: key, Body: key }));
    }
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'daily/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(['daily/a.csv', 'daily/b.csv']);
  });

  it('gives each server its own directory', async () => {
    const other = await startS3Server();
    try {
      expect(other.directory).not.toBe(s3.directory);
      expect(other.endpoint).not.toBe(s3.endpoint);
    } finally {
      await other.stop();
    }
  });
});
