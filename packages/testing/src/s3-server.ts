// S3 fixture for tests: a real s3rver (S3 protocol over HTTP) on a free port of 127.0.0.1, storing objects
// in its own temporary directory, plus a path-style S3Client for it. stop() closes it and deletes the data.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** The part of s3rver's (untyped, CommonJS) API used here. */
interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
  vhostBuckets: boolean;
  configureBuckets: { name: string }[];
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverConstructor;

/** s3rver accepts any signature made with its built-in key pair. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const REGION = 'us-east-1';

export interface S3ServerOptions {
  /** Buckets to create before the server starts answering. */
  buckets?: string[];
}

export interface S3ServerHandle {
  /** e.g. http://127.0.0.1:PORT */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Local folder holding the buckets; deleted by stop(). */
  directory: string;
  /** Creates a bucket (succeeds if it already exists). */
  bucket(name: string): Promise<void>;
  /** A new S3Client for this server (path-style, checksums only when required). */
  client(): S3Client;
  /** Closes the server and every client made by client(), and deletes the directory. */
  stop(): Promise<void>;
}

export async function startS3Server(opts: S3ServerOptions = {}): Promise<S3ServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'weir-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: false,
    vhostBuckets: false,
    configureBuckets: (opts.buckets ?? []).map((name) => ({ name })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clients: S3Client[] = [];

  const client = (): S3Client => {
    const c = new S3Client({
      endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      // s3rver predates the SDK's default CRC32 request checksums (aws-chunked bodies with trailers).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.push(c);
    return c;
  };

  let admin: S3Client | undefined;
  const bucket = async (name: string): Promise<void> => {
    admin ??= client();
    try {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
    } catch (err) {
      const code = err instanceof Error ? err.name : '';
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
    }
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const c of clients.splice(0)) c.destroy();
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    })();
    return stopped;
  };

  return {
    endpoint,
    region: REGION,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    directory,
    bucket,
    client,
    stop,
  };
}
