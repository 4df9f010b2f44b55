// Owns the lake kept in an S3-protocol bucket (AWS, MinIO, s3rver) through @aws-sdk/client-s3:
// keys are object keys under the lake's base prefix. S3 writes are atomic per object already.
// A missing bucket, refused credentials or an unreachable endpoint throw a LakeError naming the
// setting to check.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { lakeS3Client } from '@weir/sdk';
import { checkKey, LakeError, type LakeStore } from './store.ts';

export interface S3LakeSettings {
  readonly bucket: string;
  /** '' or a folder ending in '/', prepended to every key. */
  readonly base: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Where the settings came from, for messages (`WEIR_LAKE_URL=s3://…`). */
  readonly source?: string;
}

/** `pageSize`: keys per ListObjects call (S3's maximum, 1000, unless a test wants pages). */
export function s3LakeStore(
  settings: S3LakeSettings,
  client = s3ClientFor(settings),
  pageSize = 1000,
): LakeStore {
  const { bucket, base } = settings;
  const where = settings.endpoint ?? `AWS S3 (region ${settings.region})`;
  const source = settings.source ?? `s3://${bucket}/${base}`;
  const describe = (key: string) => `s3://${bucket}/${base}${key}`;
  const objectKey = (key: string) => base + checkKey(key);

  const failure = (error: unknown, doing: string): LakeError => {
    const name = error instanceof Error ? error.name : '';
    const status = statusOf(error);
    if (name === 'NoSuchBucket') return bucketMissing(error);
    if (status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(name)) {
      return new LakeError(
        'LAKE_ACCESS_DENIED',
        `lake: ${where} denied access (${name || status}) when asked to ${doing}; check S3_ACCESS_KEY_ID and ` +
          `S3_SECRET_ACCESS_KEY and that they may read and write bucket "${bucket}". Lake: ${source}`,
        { cause: error },
      );
    }
    const detail =
      error instanceof S3ServiceException || error instanceof Error ? error.message : String(error);
    return new LakeError(
      'LAKE_UNAVAILABLE',
      `lake: cannot ${doing} at ${where}: ${detail}. Lake: ${source}`,
      {
        cause: error,
      },
    );
  };
  const bucketMissing = (cause: unknown) =>
    new LakeError(
      'LAKE_BUCKET_NOT_FOUND',
      `lake: bucket "${bucket}" does not exist at ${where}; create it, or fix ${source}`,
      { cause },
    );

  return {
    describe,
    localPath: () => undefined,
    async put(key, body) {
      const Key = objectKey(key);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body }));
      } catch (error) {
        throw failure(error, `write ${describe(key)}`);
      }
    },
    async get(key) {
      const Key = objectKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (error instanceof Error && error.name === 'NoSuchKey') return null;
        throw failure(error, `read ${describe(key)}`);
      }
    },
    async exists(key) {
      const Key = objectKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
        return true;
      } catch (error) {
        if (statusOf(error) !== 404) throw failure(error, `read ${describe(key)}`);
      }
      // A HEAD answer has no body, so a missing bucket also reads as a plain 404: ask the bucket.
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (statusOf(error) === 404) throw bucketMissing(error);
        throw failure(error, `read bucket "${bucket}"`);
      }
      return false;
    },
    async delete(key) {
      const Key = objectKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      } catch (error) {
        throw failure(error, `delete ${describe(key)}`);
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      // ListObjects (v1) paged by Marker (the last key seen): s3rver cannot make v2's continuation
      // tokens (it ciphers them with DES, which OpenSSL 3 no longer has) and fails every truncated
      // v2 listing; v1 is supported everywhere and pages the same way.
      let after: string | undefined;
      try {
        for (;;) {
          const page = await client.send(
            new ListObjectsCommand({
              Bucket: bucket,
              Prefix: base + prefix,
              Marker: after,
              MaxKeys: pageSize,
            }),
          );
          const listed = (page.Contents ?? []).flatMap((object) =>
            object.Key === undefined ? [] : [object.Key],
          );
          for (const key of listed) keys.push(key.slice(base.length));
          after = listed.at(-1);
          if (!page.IsTruncated || after === undefined) break;
        }
      } catch (error) {
        throw failure(error, `list ${describe(prefix)}`);
      }
      return keys.sort();
    },
  };
}

// One client per distinct setting, kept for the process (shared with the SDK's lake sensor).
function s3ClientFor(settings: S3LakeSettings): S3Client {
  return lakeS3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
  });
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
