// Owns checking events' `properties` against the registry without a database round trip per
// event: the collector's check is synchronous, so every version's compiled validator is kept in
// memory, loaded at start and topped up by `refresh()` (and every `refreshMs`). Versions never
// change once written, so a refresh only loads the rows with an id above the last one seen.
import type { RawSql } from '@weir/db';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compilePropertiesSchema, describeErrors } from './json-schema.ts';
import type { PropertiesCheck, PropertiesValidator } from './properties-validator.ts';
import { versionsAfter } from './schema-store.ts';

/** How often a started validator looks for new versions, unless told otherwise. */
export const DEFAULT_SCHEMA_REFRESH_MS = 5_000;

interface EventTypeSchemas {
  latest: number;
  /** null: registered but it no longer compiles. */
  readonly byVersion: Map<number, ValidateFunction | null>;
}

export interface RegistryValidatorOptions {
  readonly refreshMs?: number;
  /** Told when a periodic refresh fails (the previous schemas stay in use). */
  readonly onRefreshError?: (error: unknown) => void;
}

export class RegistryPropertiesValidator implements PropertiesValidator {
  private readonly schemas = new Map<string, EventTypeSchemas>();
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly sql: RawSql,
    private readonly options: RegistryValidatorOptions = {},
  ) {}

  /** Loads every version, then keeps refreshing until `stop()`. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((error) => this.options.onRefreshError?.(error));
    }, this.options.refreshMs ?? DEFAULT_SCHEMA_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Loads the versions registered since the last refresh (one refresh at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    for (const row of await versionsAfter(this.sql, this.lastId)) {
      const compiled = compilePropertiesSchema(row.schema);
      this.lastId = Math.max(this.lastId, row.id);
      // Only valid schemas are registered; one that no longer compiles (an ajv upgrade) is left out
      // and its events fail with a reason below rather than passing unchecked.
      const entry = this.schemas.get(row.eventType) ?? { latest: 0, byVersion: new Map() };
      entry.byVersion.set(row.version, compiled.ok ? compiled.validate : null);
      entry.latest = Math.max(entry.latest, row.version);
      this.schemas.set(row.eventType, entry);
    }
  }

  check(
    eventType: string,
    declaredVersion: number | null,
    properties: Record<string, unknown>,
  ): PropertiesCheck {
    const entry = this.schemas.get(eventType);
    if (!entry) {
      if (declaredVersion === null) return { ok: true, schemaVersion: null };
      return {
        ok: false,
        reason: `schema_version ${declaredVersion} is unknown: event_type "${eventType}" has no registered schema`,
      };
    }
    const version = declaredVersion ?? entry.latest;
    const validate = entry.byVersion.get(version);
    if (validate === undefined)
      return {
        ok: false,
        reason: `schema_version ${version} is unknown for event_type "${eventType}" (its latest is ${entry.latest})`,
      };
    if (validate === null)
      return {
        ok: false,
        reason: `schema version ${version} of event_type "${eventType}" cannot be compiled`,
      };
    if (validate(properties)) return { ok: true, schemaVersion: version };
    return {
      ok: false,
      reason: `properties do not match schema version ${version} of "${eventType}": ${describeErrors(validate.errors)}`,
    };
  }
}
