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
    if (!Array.isArray(item) || item[1] === null || item[1] === undefined) continue;
    const payload = fieldPairs(item[1]).find(([field]) => field === PAYLOAD_FIELD);
    if (payload) entries.push({ id: String(item[0]), payload: String(payload[1]) });
  }
  return entries;
}

/**
 * A map reply as [key, value] pairs, whichever shape the connection gives it: RESP3 maps arrive
 * as flat [k, v, k, v] arrays (ioredis' legacy mapping) or objects, RESP2 as [[k, v], …].
 */
export function pairs(raw: unknown): [string, unknown][] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) return Object.entries(raw as Record<string, unknown>);
  if (raw.length > 0 && raw.every(Array.isArray)) return raw.map((pair) => [String(pair[0]), pair[1]]);
  const flat: [string, unknown][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) flat.push([String(raw[i]), raw[i + 1]]);
  return flat;
}

/** A multi-stream XREADGROUP reply (nil on timeout): entries per stream key. */
export function parseStreamsReply(raw: unknown): Map<string, RawEntry[]> {
  return new Map(pairs(raw).map(([key, entries]) => [key, parseEntries(entries)]));
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
  return raw.map((group: unknown) => {
    const fields = new Map(fieldPairs(group));
    const lag = fields.get('lag');
    return {
      name: String(fields.get('name')),
      pending: Number(fields.get('pending') ?? 0),
      lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

/** A flat [field, value, …] array or an object (RESP3 with replyMapping 'resp3'). */
export function fieldPairs(raw: unknown): [string, unknown][] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) return Object.entries(raw as Record<string, unknown>);
  const flat: [string, unknown][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) flat.push([String(raw[i]), raw[i + 1]]);
  return flat;
}
