// @weir/pipeline: the bundled event pipeline (collector, schema registry, lake, transforms,
// warehouse, data-quality checks). The event bus itself lives in @weir/queue, the only Redis
// importer.

export {
  type CollectErrorCode,
  type CollectResult,
  collectResultSchema,
} from './collector/answer.ts';
export { type CollectorDeps, handleCollect, writeKeyOf } from './collector/collect.ts';
export { clientIp, countryOf, deviceType } from './collector/enrich.ts';
export { COLLECTOR_LIMITS } from './collector/limits.ts';
export { COLLECTOR_PATH, type CollectorServer, startCollectorServer } from './collector/node-server.ts';
export { CachedSources, type SourceCacheOptions, type SourceLookup } from './collector/source-cache.ts';
export {
  type ActiveSource,
  type CreatedEventSource,
  EventSources,
  type EventSourceView,
  normalizeOrigin,
  SourceError,
  type SourceErrorCode,
  WRITE_KEY_PREFIX,
} from './collector/sources.ts';
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
export { eventBusKeyPrefix, openEventBus } from './event/open-bus.ts';
export {
  INGEST_GROUP,
  type IngestOptions,
  type IngestReport,
  ingestToLake,
} from './ingest/ingest-to-lake.ts';
export * from './lake/index.ts';
export { type PipelineEnvironment, pipelineEnvironment } from './pipeline-environment.ts';
export {
  type DbtSeverity,
  type DbtStatus,
  type DbtTest,
  type DbtTestConfig,
  type DbtTestResult,
  dbtStatus,
  dbtTestName,
  runDbtTest,
} from './quality/dbt-tests.ts';
export {
  DEFAULT_THRESHOLDS,
  type DqResult,
  type DqSeverity,
  type HourlyThresholds,
  hourPartition,
  runHourlyChecks,
} from './quality/hourly-checks.ts';
export type { SqlValue, WarehouseReader } from './quality/warehouse-reader.ts';
export {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  type CompatibilityResult,
  checkCompatibility,
  DEFAULT_COMPATIBILITY,
  isCompatibilityMode,
} from './registry/compatibility.ts';
export {
  COMPATIBLE_CHANGES,
  type Difference,
  type DifferenceType,
  INCOMPATIBLE_CHANGES,
  type IncompatibleChange,
  UNCHECKED_KEYWORDS,
} from './registry/difference-types.ts';
export { JSON_SCHEMA_DIALECT, MAX_SCHEMA_BYTES } from './registry/json-schema.ts';
export type { PropertiesCheck, PropertiesValidator } from './registry/properties-validator.ts';
export {
  assertEventType,
  describeSchemaSubject,
  getSchemaCompatibility,
  listSchemaSubjects,
  listSchemaVersions,
  parseCompatibilityMode,
  type Registered,
  type RegisterOptions,
  registerSchema,
  type SchemaSubject,
  type SchemaSubjectDetail,
  type SchemaVersion,
  setSchemaCompatibility,
  showSchema,
} from './registry/registry.ts';
export {
  type IncompatibleDetails,
  isRegistryError,
  RegistryError,
  type RegistryErrorCode,
} from './registry/registry-error.ts';
export {
  DEFAULT_SCHEMA_REFRESH_MS,
  RegistryPropertiesValidator,
  type RegistryValidatorOptions,
} from './registry/registry-validator.ts';
export { diffSchemas } from './registry/schema-diff.ts';
export * from './transform/index.ts';
export * from './warehouse/index.ts';
export { PIPELINE_DBT_TESTS, type QualityFinding, runQualityChecks } from './quality/run-quality.ts';
