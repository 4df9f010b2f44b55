// How the collector checks an event's `properties` against the schema registry, without knowing
// where schemas are stored: the registry implements this, the collector only calls it.

export type PropertiesCheck = { ok: true; schemaVersion: number | null } | { ok: false; reason: string };

export interface PropertiesValidator {
  /**
   * Validates `properties` against the version the event declares, else the latest version of
   * its event_type. An event_type with no registered schema passes (`schemaVersion: null`); a
   * declared version that does not exist fails with a reason.
   */
  check(
    eventType: string,
    declaredVersion: number | null,
    properties: Record<string, unknown>,
  ): PropertiesCheck;
}
