// Owns the user_profiles dimension in the lake: each upload (or extract) is a snapshot object
// under dim/user_profiles/ whose key sorts by the time it was taken. A snapshot may hold every
// user or only changed ones; a user's profile is the row of the latest snapshot that has them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { encodeJsonlGz } from './jsonl.ts';
import { compactInstant, PROFILES_PREFIX } from './layout.ts';
import { LakeError, type LakeStore } from './store.ts';

export const userProfileSchema = z.strictObject({
  user_id: z.string().min(1, 'must be a non-empty string'),
  plan: z.string().nullable(),
  signup_date: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).nullable(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

/** Parses a JSON array or JSONL of profiles; the error names the first bad row and field. */
export function parseProfiles(text: string): UserProfile[] {
  const trimmed = text.trim();
  let rows: unknown[];
  try {
    rows = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line));
  } catch (error) {
    throw new LakeError(
      'LAKE_CORRUPT',
      `profiles: not a JSON array or JSON Lines: ${(error as Error).message}`,
    );
  }
  return rows.map((row, index) => {
    const parsed = userProfileSchema.safeParse(row);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new LakeError(
      'LAKE_CORRUPT',
      `profiles: row ${index + 1}: ${issue?.path.join('.') || 'row'} ${issue?.message ?? 'is invalid'}`,
    );
  });
}

/** Writes a new snapshot; returns its key. */
export async function writeProfileSnapshot(
  store: LakeStore,
  profiles: readonly UserProfile[],
  takenAt = new Date(),
): Promise<string> {
  const key = `${PROFILES_PREFIX}snapshot=${compactInstant(takenAt)}-${randomUUID().slice(0, 8)}.jsonl.gz`;
  await store.put(key, encodeJsonlGz(profiles));
  return key;
}

/** Snapshot keys, oldest first. */
export async function listProfileSnapshots(store: LakeStore): Promise<string[]> {
  return (await store.list(PROFILES_PREFIX)).filter((key) => /\/snapshot=[^/]+\.jsonl\.gz$/.test(key));
}
