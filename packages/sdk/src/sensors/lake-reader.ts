// Owns the one question the lake sensor asks of a lake, whatever it is stored in.

export interface LakeReader {
  /** Whether an object exists at `key` (relative to the lake's base). */
  exists(key: string, signal: AbortSignal): Promise<boolean>;
  /** Up to `limit` keys that start with `prefix`, relative to the base, in lexicographic order. */
  list(prefix: string, limit: number, signal: AbortSignal): Promise<string[]>;
  /** Where `key` is, for messages: `s3://bucket/base/key` or a file path. */
  describe(key: string): string;
}
