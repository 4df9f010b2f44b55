// Owns deciding whether a new version of an event_type's schema may be registered, under
// Confluent Schema Registry's compatibility modes: BACKWARD (the new schema reads events written
// with the latest version), FORWARD (the latest version reads events written with the new one),
// FULL (both), their _TRANSITIVE variants (against every earlier version, not only the latest),
// and NONE. Pure: the registry hands it the stored schemas, oldest first.

import { type Difference, type IncompatibleChange, isCompatibleChange } from './difference-types.ts';
import { diffSchemas } from './schema-diff.ts';

export const COMPATIBILITY_MODES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];
export const DEFAULT_COMPATIBILITY: CompatibilityMode = 'BACKWARD';

export function isCompatibilityMode(value: unknown): value is CompatibilityMode {
  return typeof value === 'string' && (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

export type CompatibilityResult =
  | { readonly compatible: true }
  | {
      readonly compatible: false;
      /** The Confluent rule the change breaks, e.g. PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL. */
      readonly rule: IncompatibleChange;
      /** Where in the schema: `#/properties/bar`. */
      readonly path: string;
      readonly message: string;
      /** backward: the new schema cannot read the old one's events; forward: the reverse. */
      readonly direction: 'backward' | 'forward';
      /** Index into existingSchemas of the version it is incompatible with. */
      readonly against: number;
    };

/**
 * Checks `newSchema` against `existingSchemas` (oldest first) under `mode`. The first
 * incompatible change found is the answer, checked against the latest version first.
 */
export function checkCompatibility(
  newSchema: unknown,
  existingSchemas: readonly unknown[],
  mode: CompatibilityMode,
): CompatibilityResult {
  if (mode === 'NONE' || existingSchemas.length === 0) return { compatible: true };
  const transitive = mode.endsWith('_TRANSITIVE');
  const backward = mode.startsWith('BACKWARD') || mode.startsWith('FULL');
  const forward = mode.startsWith('FORWARD') || mode.startsWith('FULL');
  const last = existingSchemas.length - 1;
  for (let index = last; index >= (transitive ? 0 : last); index--) {
    const existing = existingSchemas[index];
    if (backward) {
      const broken = firstIncompatible(diffSchemas(existing, newSchema));
      if (broken) return refusal(broken, 'backward', index);
    }
    if (forward) {
      const broken = firstIncompatible(diffSchemas(newSchema, existing));
      if (broken) return refusal(broken, 'forward', index);
    }
  }
  return { compatible: true };
}

function firstIncompatible(
  differences: readonly Difference[],
): (Difference & { type: IncompatibleChange }) | undefined {
  return differences.find((d): d is Difference & { type: IncompatibleChange } => !isCompatibleChange(d.type));
}

function refusal(
  difference: Difference & { type: IncompatibleChange },
  direction: 'backward' | 'forward',
  against: number,
): CompatibilityResult {
  // In a backward check the new schema is the reader; in a forward check the existing one is.
  const [reader, writer] =
    direction === 'backward'
      ? ['the new schema', 'the existing schema']
      : ['the existing schema', 'the new schema'];
  return {
    compatible: false,
    rule: difference.type,
    path: difference.path,
    direction,
    against,
    message: `${reader} cannot read every event valid under ${writer}: ${explain(difference, reader, writer)}`,
  };
}

function explain(d: Difference, reader: string, writer: string): string {
  const at = `at ${d.path}`;
  switch (d.type as IncompatibleChange) {
    case 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
      return `a property is added ${at} but ${writer} has an open content model, so its events may already carry that key with any value (close the model with "additionalProperties": false in a version of its own first, or give the property an empty schema)`;
    case 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `a property is removed ${at} but ${reader} has a closed content model ("additionalProperties": false), so it refuses events that still carry it`;
    case 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL':
      return `a required property is added ${at} without a default: events without it are refused (make it optional or give it a default)`;
    case 'REQUIRED_ATTRIBUTE_ADDED':
      return `the property ${at.replace('/required/', '/properties/')} becomes required without a default`;
    case 'TYPE_CHANGED':
      return `the type ${at} changes`;
    case 'TYPE_NARROWED':
      return `the type ${at} narrows (number → integer)`;
    case 'ENUM_ARRAY_NARROWED':
    case 'ENUM_ARRAY_CHANGED':
      return `the enum ${at} no longer holds every value it held`;
    case 'PRODUCT_TYPE_EXTENDED':
      return `an enum or const is added ${at}, so values it does not list are refused`;
    case 'ADDITIONAL_PROPERTIES_REMOVED':
      return `the content model is closed ${at}, so events carrying other properties are refused`;
    case 'UNCHECKED_KEYWORD_CHANGED':
      return `the keyword ${at} changes, and Weir does not check changes to it (register with compatibility NONE if it is safe)`;
    default:
      return `${d.type.toLowerCase().replaceAll('_', ' ')} ${at}`;
  }
}
