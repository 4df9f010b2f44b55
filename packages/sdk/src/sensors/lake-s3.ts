// Owns reading an S3-protocol lake (AWS, MinIO, s3rver) for the lake sensor: HeadObject for a
// key, ListObjectsV2 for a prefix. A missing object is "not yet"; a missing bucket, refused
// credentials or an unreachable endpoint throw a SensorError saying which setting to check.
import {
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { LakeLocation, S3Settings } from './lake-location.ts';
import type { LakeReader } from './lake-reader.ts';
import { messageOf, SensorError } from './sensor-error.ts';

type S3Location = Extract<LakeLocation, { kind: 's3' }>;

// One client per distinct setting, kept for the process: its keep-alive sockets are unref'd
// when idle, so it holds no process open, and a new client per poke would reconnect each time.
const clients = new Map<string, S3Client>();

/**
 * The S3 client for these settings, one per distinct setting for the process (the lake sensor and
 * the pipeline's lake store share them).
 */
export function lakeS3Client(settings: S3Settings): S3Client {
  const cacheKey = JSON.stringify(settings);
  let client = clients.get(cacheKey);
  if (!client) {
    client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      // MinIO and s3rver predate the SDK's default CRC32 checksums; reads never need them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.set(cacheKey, client);
  }
  return client;
}

export function s3LakeReader(location: S3Location, settings: S3Settings): LakeReader {
  const client = lakeS3Client(settings);
  const { bucket, base } = location;
  const where = settings.endpoint ?? `AWS S3 (region ${settings.region})`;
  const describe = (key: string) => `s3://${bucket}/${base}${key}`;

  const failure = (error: unknown, doing: string): unknown => {
    if (isAbort(error)) return error;
    const name = error instanceof Error ? error.name : '';
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (name === 'NoSuchBucket') return bucketMissing(error);
    if (status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(name)) {
      const detail = name && name !== 'Unknown' && name !== '403' ? ` (${name})` : '';
      return new SensorError(
        'LAKE_ACCESS_DENIED',
        `lake sensor: ${where} denied access${detail} when asked to ${doing}; check S3_ACCESS_KEY_ID and ` +
          `S3_SECRET_ACCESS_KEY, and that they may read bucket "${bucket}" (s3:ListBucket and ` +
          `s3:GetObject; without s3:ListBucket, S3 answers a missing object with 403). Lake: ${location.source}`,
        { cause: error },
      );
    }
    return new SensorError(
      'LAKE_UNAVAILABLE',
      `lake sensor: cannot ${doing} at ${where}: ${messageOf(error)}. Lake: ${location.source}`,
      { cause: error },
    );
  };
  const bucketMissing = (cause: unknown) =>
    new SensorError(
      'LAKE_BUCKET_NOT_FOUND',
      `lake sensor: bucket "${bucket}" does not exist at ${where}; create it, or fix ${location.source}`,
      { cause },
    );

  return {
    describe,
    async exists(key, signal) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: base + key }), {
          abortSignal: signal,
        });
        return true;
      } catch (error) {
        if (statusOf(error) !== 404) throw failure(error, `read ${describe(key)}`);
      }
      // A HEAD response has no body, so a missing bucket also reads as a plain 404: ask the bucket.
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
      } catch (error) {
        if (statusOf(error) === 404) throw bucketMissing(error);
        throw failure(error, `read bucket "${bucket}"`);
      }
      return false;
    },
    async list(prefix, limit, signal) {
      try {
        const listed = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: base + prefix, MaxKeys: limit }),
          { abortSignal: signal },
        );
        return (listed.Contents ?? [])
          .flatMap((object) => (object.Key === undefined ? [] : [object.Key.slice(base.length)]))
          .sort();
      } catch (error) {
        throw failure(error, `list ${describe(prefix)}`);
      }
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
