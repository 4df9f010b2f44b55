// Owns what the pipeline asks of a lake, whatever it is stored in: objects by key (put, get,
// list, exists, delete). Keys are '/'-separated paths relative to the lake's base; a put is
// atomic (a reader sees the whole object or none), and list returns keys in lexicographic order.

export interface LakeStore {
  /** Writes `body` at `key`, replacing any object there; atomic for readers. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** The object at `key`, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key that starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** Deletes the object at `key`; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Where `key` is, for messages: `s3://bucket/base/key` or a file path. */
  describe(key: string): string;
  /**
   * A local file holding `key`'s object, so DuckDB can read it without a copy: the object itself
   * for a folder lake, undefined for a remote one (download it with get()).
   */
  localPath(key: string): string | undefined;
}

export type LakeErrorCode =
  | 'LAKE_MISCONFIGURED'
  | 'LAKE_BUCKET_NOT_FOUND'
  | 'LAKE_ACCESS_DENIED'
  | 'LAKE_UNAVAILABLE'
  | 'LAKE_BAD_KEY'
  | 'LAKE_CORRUPT'
  | 'LAKE_CONFLICT';

export class LakeError extends Error {
  constructor(
    readonly code: LakeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LakeError';
  }
}

/** Refuses keys that could escape the lake's base or that S3 and a folder would read differently. */
export function checkKey(key: string): string {
  if (
    key === '' ||
    key.startsWith('/') ||
    key.endsWith('/') ||
    key.includes('//') ||
    key.split('/').some((part) => part === '.' || part === '..')
  ) {
    throw new LakeError(
      'LAKE_BAD_KEY',
      `lake: "${key}" is not an object key (write a/b/c, no leading or trailing /, no . or ..)`,
    );
  }
  return key;
}
