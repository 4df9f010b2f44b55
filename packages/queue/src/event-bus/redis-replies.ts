// Owns turning raw Redis Streams replies (nested arrays) into typed values.

/** The field each stream entry stores its payload under. */
export const PAYLOAD_FIELD = 'payload';

export interface RawEntry {
  id: string;
  payload: string;
}

/** Entries of one stream as XREADGROUP / XAUTOCLAIM list them; deleted entries (nil) are skipped. */
export function parseEntries(raw: unknown): RawEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: RawEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || !Array.isArray(item[1])) continue;
    const fields = item[1] as unknown[];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (String(fields[i]) === PAYLOAD_FIELD) {
        entries.push({ id: String(item[0]), payload: String(fields[i + 1]) });
        break;
      }
    }
  }
  return entries;
}

/** A multi-stream XREADGROUP reply (nil on timeout): entries per stream key. */
export function parseStreamsReply(raw: unknown): Map<string, RawEntry[]> {
  const byKey = new Map<string, RawEntry[]>();
  if (!Array.isArray(raw)) return byKey;
  for (const stream of raw) {
    if (Array.isArray(stream)) byKey.set(String(stream[0]), parseEntries(stream[1]));
  }
  return byKey;
}

export interface GroupInfo {
  name: string;
  pending: number;
  lastDeliveredId: string;
  /** Redis 7+: entries not yet delivered; null when Redis cannot tell (or is older). */
  lag: number | null;
}

/** XINFO GROUPS: one flat [field, value, …] array per group. */
export function parseGroups(raw: unknown): GroupInfo[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(Array.isArray).map((flat: unknown[]) => {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
    const lag = fields.get('lag');
    return {
      name: String(fields.get('name')),
      pending: Number(fields.get('pending') ?? 0),
      lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}
