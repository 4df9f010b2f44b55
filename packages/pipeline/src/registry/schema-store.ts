// Owns the schema registry's rows in PostgreSQL (event_schema_subject, event_schema_version):
// plain SQL over @weir/db's RawSql, so a CLI change and its audit row share one transaction.
// Versions are written once and never changed, so readers can load them incrementally by id.
import type { RawSql } from '@weir/db';
import type { CompatibilityMode } from './compatibility.ts';

export interface StoredSchemaVersion {
  readonly id: number;
  readonly eventType: string;
  readonly version: number;
  readonly schema: Record<string, unknown>;
  readonly fingerprint: string;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

export interface StoredSubject {
  readonly eventType: string;
  readonly compatibility: CompatibilityMode;
  readonly versions: number;
  readonly latestVersion: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface VersionRow {
  id: number;
  event_type: string;
  version: number;
  schema: Record<string, unknown>;
  fingerprint: string;
  created_at: Date;
  created_by: string | null;
}

const toVersion = (r: VersionRow): StoredSchemaVersion => ({
  id: r.id,
  eventType: r.event_type,
  version: r.version,
  schema: r.schema,
  fingerprint: r.fingerprint,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

/** Creates the subject if it is new (with `mode`, else the default), then locks it until commit. */
export async function lockSubject(
  tx: RawSql,
  eventType: string,
  defaultMode: CompatibilityMode,
  now: Date,
): Promise<CompatibilityMode> {
  await tx.$executeRaw`
    INSERT INTO event_schema_subject (event_type, compatibility, created_at, updated_at)
    VALUES (${eventType}, ${defaultMode}, ${now}, ${now})
    ON CONFLICT (event_type) DO NOTHING`;
  const rows = await tx.$queryRaw<{ compatibility: CompatibilityMode }[]>`
    SELECT compatibility FROM event_schema_subject WHERE event_type = ${eventType} FOR UPDATE`;
  return rows[0]?.compatibility ?? defaultMode;
}

export async function setSubjectMode(
  tx: RawSql,
  eventType: string,
  mode: CompatibilityMode,
  now: Date,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO event_schema_subject (event_type, compatibility, created_at, updated_at)
    VALUES (${eventType}, ${mode}, ${now}, ${now})
    ON CONFLICT (event_type) DO UPDATE SET compatibility = EXCLUDED.compatibility, updated_at = EXCLUDED.updated_at`;
}

export async function subjectMode(sql: RawSql, eventType: string): Promise<CompatibilityMode | null> {
  const rows = await sql.$queryRaw<{ compatibility: CompatibilityMode }[]>`
    SELECT compatibility FROM event_schema_subject WHERE event_type = ${eventType}`;
  return rows[0]?.compatibility ?? null;
}

/** An event_type's versions, oldest first. */
export async function versionsOf(sql: RawSql, eventType: string): Promise<StoredSchemaVersion[]> {
  const rows = await sql.$queryRaw<VersionRow[]>`
    SELECT id, event_type, version, schema, fingerprint, created_at, created_by
    FROM event_schema_version WHERE event_type = ${eventType} ORDER BY version`;
  return rows.map(toVersion);
}

export async function insertVersion(
  tx: RawSql,
  row: Omit<StoredSchemaVersion, 'id'>,
): Promise<StoredSchemaVersion> {
  const rows = await tx.$queryRaw<VersionRow[]>`
    INSERT INTO event_schema_version (event_type, version, schema, fingerprint, created_at, created_by)
    VALUES (${row.eventType}, ${row.version}, ${JSON.stringify(row.schema)}::jsonb, ${row.fingerprint},
            ${row.createdAt}, ${row.createdBy})
    RETURNING id, event_type, version, schema, fingerprint, created_at, created_by`;
  await tx.$executeRaw`UPDATE event_schema_subject SET updated_at = ${row.createdAt} WHERE event_type = ${row.eventType}`;
  return toVersion(rows[0] as VersionRow);
}

/** Every version written after id `afterId`, in id order (what a validator has not loaded yet). */
export async function versionsAfter(sql: RawSql, afterId: number): Promise<StoredSchemaVersion[]> {
  const rows = await sql.$queryRaw<VersionRow[]>`
    SELECT id, event_type, version, schema, fingerprint, created_at, created_by
    FROM event_schema_version WHERE id > ${afterId} ORDER BY id`;
  return rows.map(toVersion);
}

export async function listSubjects(sql: RawSql): Promise<StoredSubject[]> {
  const rows = await sql.$queryRaw<
    {
      event_type: string;
      compatibility: CompatibilityMode;
      versions: number;
      latest_version: number | null;
      created_at: Date;
      updated_at: Date;
    }[]
  >`
    SELECT s.event_type, s.compatibility, s.created_at, s.updated_at,
           count(v.id)::int AS versions, max(v.version) AS latest_version
    FROM event_schema_subject s LEFT JOIN event_schema_version v ON v.event_type = s.event_type
    GROUP BY s.event_type ORDER BY s.event_type`;
  return rows.map((r) => ({
    eventType: r.event_type,
    compatibility: r.compatibility,
    versions: r.versions,
    latestVersion: r.latest_version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
