// Owns the schema registry's refusals: each carries a code, a message a user can act on, and for
// an incompatible version the Confluent rule it breaks and where.
import type { IncompatibleChange } from './difference-types.ts';

export type RegistryErrorCode =
  | 'INVALID_EVENT_TYPE'
  | 'INVALID_SCHEMA'
  | 'INVALID_COMPATIBILITY'
  | 'INCOMPATIBLE_SCHEMA'
  | 'SCHEMA_NOT_FOUND'
  | 'SCHEMA_VERSION_NOT_FOUND';

export interface IncompatibleDetails {
  readonly rule: IncompatibleChange;
  /** Where in the new schema (or the old one, for a removal): `#/properties/coupon`. */
  readonly path: string;
  /** The registered version the new schema is incompatible with. */
  readonly againstVersion: number;
  readonly direction: 'backward' | 'forward';
  /** The mode it was checked under. */
  readonly mode: string;
  /** What the change means for events, in a sentence. */
  readonly explanation: string;
}

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly incompatible?: IncompatibleDetails,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Also true for a RegistryError from another bundle of this package (Next.js' server layers). */
export function isRegistryError(error: unknown): error is RegistryError {
  return (
    error instanceof RegistryError ||
    (error instanceof Error &&
      error.name === 'RegistryError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}
