// Owns the built-in sensors DAG authors pass to `d.sensor`: each factory returns a poke function
// that reads its configuration (WEIR_LAKE_URL, S3_*, DATABASE_URL) from the worker's
// environment at each poke, never at import.
import { dateTime, timeDelta } from './date-time.ts';
import { externalTask } from './external-task.ts';
import { lakeObject } from './lake.ts';
import { sql } from './sql.ts';

export type { DateTimeSensorOptions, TimeDeltaSensorOptions } from './date-time.ts';
export {
  EXTERNAL_RUN_STATES,
  EXTERNAL_TASK_STATES,
  type ExternalRunState,
  type ExternalTaskOptions,
  type ExternalTaskState,
} from './external-task.ts';
export type { FromContext, SensorPoke } from './from-context.ts';
export { LAKE_PREFIX_MAX_KEYS, type LakeKeyOptions, type LakePrefixOptions } from './lake.ts';
export type { S3Settings } from './lake-location.ts';
export { lakeS3Client } from './lake-s3.ts';
export { SensorError, type SensorErrorCode } from './sensor-error.ts';
export type { SqlSensorOptions } from './sql.ts';

/** `d.sensor(id, options, sensors.lakeObject({ key: … }))` and friends. */
export const sensors = Object.freeze({ lakeObject, externalTask, sql, dateTime, timeDelta });
