// Owns the order of stream entry ids (`<milliseconds>-<sequence>`), which compare as pairs of
// integers, not as strings ("10-0" comes after "9-0").

const MAX_SEQUENCE = 2n ** 64n - 1n;

function parts(id: string): [bigint, bigint] {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`not a stream entry id: "${id}"`);
  return [BigInt(match[1] as string), BigInt(match[2] as string)];
}

/** Negative when `a` comes before `b` in the log, 0 when equal, positive after. */
export function compareEntryIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The smallest id after `id` (XTRIM MINID of it keeps everything after `id`, and drops `id`). */
export function nextEntryId(id: string): string {
  const [ms, seq] = parts(id);
  return seq === MAX_SEQUENCE ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}
