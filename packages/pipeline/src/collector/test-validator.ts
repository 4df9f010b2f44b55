// A PropertiesValidator for tests: JSON Schemas from a fixed map, checked with ajv, standing in
// for the schema registry (which implements the same contract over PostgreSQL).
import { Ajv, type ValidateFunction } from 'ajv';
import type { PropertiesCheck, PropertiesValidator } from '../registry/properties-validator.ts';

/** `{ event_type: { version: JSON Schema } }` */
export type SchemaMap = Record<string, Record<number, object>>;

export function fixedSchemaValidator(schemas: SchemaMap): PropertiesValidator {
  const ajv = new Ajv({ allErrors: true });
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(eventType, declaredVersion, properties): PropertiesCheck {
      const versions = schemas[eventType];
      if (!versions) return { ok: true, schemaVersion: null };
      const version = declaredVersion ?? Math.max(...Object.keys(versions).map(Number));
      const schema = versions[version];
      if (!schema) return { ok: false, reason: `${eventType} has no schema version ${version}` };
      const id = `${eventType}@${version}`;
      let validate = compiled.get(id);
      if (!validate) {
        validate = ajv.compile(schema);
        compiled.set(id, validate);
      }
      if (validate(properties)) return { ok: true, schemaVersion: version };
      const reason = (validate.errors ?? [])
        .map((e) => `${e.instancePath || '(root)'} ${e.message}`)
        .join('; ');
      return { ok: false, reason: `${reason} (${eventType} v${version})` };
    },
  };
}
