// Owns the schema registry's operations (Confluent Schema Registry's, for event_types): register a
// version of an event_type's `properties` schema (refusing an invalid JSON Schema, and one that
// breaks the event_type's compatibility mode, with the rule it breaks), list event_types, show a
// version, and get or set the compatibility mode. Registering a schema that is already a version
// of the event_type answers that version (same fingerprint: canonical JSON), as Confluent does.
import type { RawSql } from '@weir/db';
import { schemaFingerprint } from './canonical-json.ts';
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  checkCompatibility,
  DEFAULT_COMPATIBILITY,
  isCompatibilityMode,
} from './compatibility.ts';
import { compilePropertiesSchema } from './json-schema.ts';
import { RegistryError } from './registry-error.ts';
import {
  insertVersion,
  listSubjects,
  lockSubject,
  type StoredSchemaVersion,
  type StoredSubject,
  setSubjectMode,
  subjectMode,
  versionsOf,
} from './schema-store.ts';

export type { StoredSchemaVersion as SchemaVersion, StoredSubject as SchemaSubject } from './schema-store.ts';

/** Letters, digits and `_ . : -`, inner spaces allowed ("Order Completed"), at most 200. */
const EVENT_TYPE = /^[A-Za-z0-9_.:-](?:[A-Za-z0-9_.: -]{0,198}[A-Za-z0-9_.:-])?$/;

export function assertEventType(eventType: string): void {
  if (!EVENT_TYPE.test(eventType))
    throw new RegistryError(
      'INVALID_EVENT_TYPE',
      `event_type "${eventType}" cannot have a schema: use 1 to 200 letters, digits, '_', '.', ':', '-' or inner spaces`,
    );
}

export function parseCompatibilityMode(text: string): CompatibilityMode {
  const mode = text.toUpperCase();
  if (!isCompatibilityMode(mode))
    throw new RegistryError(
      'INVALID_COMPATIBILITY',
      `compatibility "${text}" is not a mode: use one of ${COMPATIBILITY_MODES.join(', ')}`,
    );
  return mode;
}

export interface RegisterOptions {
  /** Who registers it (a Weir username, or the OS user for the CLI). */
  readonly by: string | null;
  /** Sets the event_type's mode first, in the same transaction (kept only if the version is). */
  readonly compatibility?: CompatibilityMode;
  readonly now?: Date;
}

export interface Registered {
  readonly version: StoredSchemaVersion;
  /** False when the same schema was already a version: that version is answered. */
  readonly created: boolean;
  readonly compatibility: CompatibilityMode;
}

export async function registerSchema(
  sql: RawSql,
  eventType: string,
  schema: unknown,
  options: RegisterOptions,
): Promise<Registered> {
  assertEventType(eventType);
  const compiled = compilePropertiesSchema(schema);
  if (!compiled.ok)
    throw new RegistryError('INVALID_SCHEMA', `schema for "${eventType}" refused: ${compiled.message}`);
  const fingerprint = schemaFingerprint(schema);
  const now = options.now ?? new Date();
  return sql.$transaction(async (tx) => {
    let mode = await lockSubject(tx, eventType, options.compatibility ?? DEFAULT_COMPATIBILITY, now);
    if (options.compatibility && options.compatibility !== mode) {
      await setSubjectMode(tx, eventType, options.compatibility, now);
      mode = options.compatibility;
    }
    const versions = await versionsOf(tx, eventType);
    const same = versions.find((v) => v.fingerprint === fingerprint);
    if (same) return { version: same, created: false, compatibility: mode };
    const result = checkCompatibility(
      schema,
      versions.map((v) => v.schema),
      mode,
    );
    if (!result.compatible) {
      const against = versions[result.against] as StoredSchemaVersion;
      throw new RegistryError(
        'INCOMPATIBLE_SCHEMA',
        `schema for "${eventType}" is not ${mode} compatible with version ${against.version}: ${result.rule} at ${result.path}: ${result.message}`,
        {
          rule: result.rule,
          path: result.path,
          againstVersion: against.version,
          direction: result.direction,
          mode,
          explanation: result.message,
        },
      );
    }
    const version = await insertVersion(tx, {
      eventType,
      version: (versions.at(-1)?.version ?? 0) + 1,
      schema: schema as Record<string, unknown>,
      fingerprint,
      createdAt: now,
      createdBy: options.by,
    });
    return { version, created: true, compatibility: mode };
  });
}

export function listSchemaSubjects(sql: RawSql): Promise<StoredSubject[]> {
  return listSubjects(sql);
}

export async function listSchemaVersions(sql: RawSql, eventType: string): Promise<StoredSchemaVersion[]> {
  const versions = await versionsOf(sql, eventType);
  if (versions.length === 0) throw notFound(eventType);
  return versions;
}

export interface SchemaSubjectDetail {
  readonly eventType: string;
  readonly compatibility: CompatibilityMode;
  /** Oldest first; empty when only a mode was set. */
  readonly versions: StoredSchemaVersion[];
}

/** An event_type's mode and versions; SCHEMA_NOT_FOUND when it has neither. */
export async function describeSchemaSubject(sql: RawSql, eventType: string): Promise<SchemaSubjectDetail> {
  const mode = await subjectMode(sql, eventType);
  const versions = await versionsOf(sql, eventType);
  if (mode === null && versions.length === 0) throw notFound(eventType);
  return { eventType, compatibility: mode ?? DEFAULT_COMPATIBILITY, versions };
}

/** A version of an event_type's schema; the latest when `version` is left out. */
export async function showSchema(
  sql: RawSql,
  eventType: string,
  version?: number,
): Promise<StoredSchemaVersion> {
  const versions = await versionsOf(sql, eventType);
  if (versions.length === 0) throw notFound(eventType);
  if (version === undefined) return versions.at(-1) as StoredSchemaVersion;
  const found = versions.find((v) => v.version === version);
  if (!found)
    throw new RegistryError(
      'SCHEMA_VERSION_NOT_FOUND',
      `event_type "${eventType}" has no schema version ${version} (its versions: ${versions.map((v) => v.version).join(', ')})`,
    );
  return found;
}

/** The event_type's mode; the default (BACKWARD) for one never configured. */
export async function getSchemaCompatibility(sql: RawSql, eventType: string): Promise<CompatibilityMode> {
  return (await subjectMode(sql, eventType)) ?? DEFAULT_COMPATIBILITY;
}

/** Sets the mode (also before any version is registered, as Confluent's subject config allows). */
export async function setSchemaCompatibility(
  sql: RawSql,
  eventType: string,
  mode: CompatibilityMode,
  now = new Date(),
): Promise<void> {
  assertEventType(eventType);
  await setSubjectMode(sql, eventType, mode, now);
}

function notFound(eventType: string): RegistryError {
  return new RegistryError(
    'SCHEMA_NOT_FOUND',
    `event_type "${eventType}" has no registered schema: register one with \`weir schemas register ${eventType} <file.json>\``,
  );
}
