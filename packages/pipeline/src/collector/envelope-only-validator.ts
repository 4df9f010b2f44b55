// INTERIM, until the schema registry lands: a PropertiesValidator that knows no schemas, so every
// event_type gets only the envelope checks (what the registry does for a type with no schema).
// `weir collector` and the web route use it; the integrator swaps in the registry's validator.
import type { PropertiesValidator } from '../registry/properties-validator.ts';

export const envelopeOnlyValidator: PropertiesValidator = {
  check: () => ({ ok: true, schemaVersion: null }),
};
