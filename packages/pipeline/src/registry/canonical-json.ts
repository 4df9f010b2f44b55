// Owns one spelling of a JSON value: object keys sorted, no whitespace. Two schemas that differ only
// in key order or layout get the same text, hence the same fingerprint (registering the same
// schema again finds its version) and compare equal in the compatibility checker (enum values).
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** `sha256:<hex>` of the canonical JSON. */
export function schemaFingerprint(schema: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(schema)).digest('hex')}`;
}
