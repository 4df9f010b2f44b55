// @weir/pipeline: the bundled event pipeline (collector, schema registry, lake, transforms,
// warehouse, data-quality checks). The event bus itself lives in @weir/queue, the only Redis
// importer.

export {
  type BusEvent,
  busEventSchema,
  type ClientEvent,
  clientEventSchema,
  MAX_EVENT_BYTES,
  PLATFORMS,
  type Platform,
  toUtcMillis,
} from './event/envelope.ts';
export type { PropertiesCheck, PropertiesValidator } from './registry/properties-validator.ts';
export * from './lake/index.ts';
export * from './transform/index.ts';
export * from './warehouse/index.ts';
