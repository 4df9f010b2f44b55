// @weir/sdk: everything a DAG file imports. It depends on nothing else in Weir.
export { z } from 'zod';
export {
  type AlertNames,
  type AlertRouteProblem,
  type AlertRouteProblemKind,
  alertRouteProblems,
  type DagAlerts,
} from './alert-route-problems.ts';
export {
  type AlertOptions,
  ROUTE_KEYS,
  type RouteKey,
  type SerializedAlerts,
  serializeAlerts,
} from './alerts.ts';
export {
  type Asset,
  type AssetCondition,
  type AssetSchedule,
  allOf,
  anyOf,
  asset,
  assetConditionMet,
  assetsOf,
  isAsset,
  isAssetCondition,
} from './asset.ts';
export {
  type AssetEventInfo,
  type CallbackContext,
  type DagRunContext,
  type OutletEvents,
  TASK_ALERT_KINDS,
  type TaskAlertKind,
  type TaskAlertSeverity,
  type TaskAlerts,
  type TaskContext,
  type TaskLogger,
} from './context.ts';
export {
  type BranchChoice,
  type Dag,
  type DagBuilder,
  type DagOptions,
  dag,
  type Expandable,
  type ExpandedArgs,
  type GroupOptions,
  isDag,
  isTaskGroupHandle,
  isTaskHandle,
  type MapFn,
  type MapOptions,
  type OutputsOf,
  type ParamsOf,
  type SensorOptions,
  type ShortCircuitOptions,
  type TaskDefaults,
  type TaskDefinition,
  type TaskFn,
  type TaskGroupDefinition,
  type TaskGroupHandle,
  type TaskHandle,
  type TaskMapping,
  type TaskOptions,
  type TeardownOptions,
  type Upstream,
} from './dag.ts';
export {
  type DeadlineOptions,
  type DeadlineReference,
  type SerializedDeadline,
  serializeDeadline,
} from './deadline.ts';
export { type Duration, parseDuration } from './duration.ts';
export {
  classifyThrown,
  NonRetryableError,
  RetryAfterError,
  SkipTask,
  type ThrownOutcome,
} from './errors.ts';
export {
  type Connection,
  type ContextLookups,
  contextLookups,
  type JsonValue,
  LookupError,
  type LookupErrorCode,
  type LookupSource,
  lookupsFrom,
  type VariableOptions,
  type VariableSchemaOptions,
} from './lookups.ts';
export {
  decodeOutput,
  decodeOutputText,
  type EncodedOutput,
  encodeOutput,
} from './output-codec.ts';
export {
  isPokeDone,
  SENSOR_DEFAULTS,
  type SensorOutput,
  type SensorSettings,
  serializeSensor,
} from './sensor.ts';
export {
  type DateTimeSensorOptions,
  EXTERNAL_RUN_STATES,
  EXTERNAL_TASK_STATES,
  type ExternalRunState,
  type ExternalTaskOptions,
  type ExternalTaskState,
  type FromContext,
  LAKE_PREFIX_MAX_KEYS,
  type LakeKeyOptions,
  type LakePrefixOptions,
  lakeS3Client,
  type S3Settings,
  SensorError,
  type SensorErrorCode,
  type SensorPoke,
  type SqlSensorOptions,
  sensors,
  type TimeDeltaSensorOptions,
} from './sensors/index.ts';
export { DEFAULTS, serializeDag } from './serialize.ts';
export * from './serialized.ts';
export { DAG_RUN_STATES, type DagRunState, TASK_INSTANCE_STATES, type TaskInstanceState } from './states.ts';
export type {
  AsStorable,
  MappedOutput,
  NotStorable,
  Storable,
  StorableTypedArray,
} from './storable.ts';
export { type TestContextFields, testContext } from './test-context.ts';
export { isValidTimeZone, toInstant } from './zoned-time.ts';
