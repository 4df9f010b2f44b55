// Owns which partition a key (user_id) belongs to and what the partitions are called in Redis.
// The hash must be the same in every process and every language a producer may be written in,
// so it is plain FNV-1a over the key's UTF-8 bytes rather than anything runtime-specific.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export function partitionForKey(key: string, partitions: number): number {
  return fnv1a32(key) % partitions;
}

/** Redis keys of a bus: one stream per partition and the dead-letter stream. */
export interface StreamKeys {
  partition(index: number): string;
  readonly deadLetters: string;
  /** Records the partition count, so processes configured differently are refused. */
  readonly layout: string;
}

/**
 * Each stream carries its own hash tag (`{p3}`, `{dlq}`) so Redis Cluster puts the partitions in
 * different slots; a prefix with braces of its own would override those tags and pin every
 * partition to one slot, so it is refused.
 */
export function streamKeys(prefix: string): StreamKeys {
  if (/[{}]/.test(prefix))
    throw new Error(
      `event bus key prefix "${prefix}" must not contain { or }: each partition's stream adds its own hash tag`,
    );
  return {
    partition: (index) => `${prefix}:{p${index}}`,
    deadLetters: `${prefix}:{dlq}`,
    layout: `${prefix}:{meta}:partitions`,
  };
}
