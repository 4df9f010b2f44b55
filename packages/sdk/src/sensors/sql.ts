// Owns `sensors.sql` (Airflow's SqlSensor): runs a query on PostgreSQL at each poke; done when
// the first cell of the first row is truthy, and that value becomes the output.
//
//   d.sensor('wait_for_rows', { mode: 'reschedule', pokeInterval: '1m' }, sensors.sql({
//     url: process.env.WAREHOUSE_URL,
//     query: 'SELECT count(*) FROM events WHERE day = $1',
//     params: (ctx) => [ctx.logicalDate.toISOString().slice(0, 10)],
//   }));
import { type FromContext, fromContext, type SensorPoke } from './from-context.ts';
import { databaseUrlFromEnv, queryPostgresArrays } from './postgres-pool.ts';
import { SensorError } from './sensor-error.ts';

export interface SqlSensorOptions<P = Record<string, unknown>> {
  /** One statement; `$1`, `$2`… refer to `params`. */
  readonly query: FromContext<string, P>;
  /** Date parameters are sent as UTC (ISO 8601). */
  readonly params?: FromContext<readonly unknown[], P>;
  /** A postgresql:// URL. Default DATABASE_URL (Weir's own database). */
  readonly url?: string;
}

/** pg returns these as strings, so that `count(*)` of 0 would be the truthy '0'. */
const BIGINT = 20;
const NUMERIC = 1700;

/**
 * Done once the first cell of the first row is truthy; its value is the output. No rows, NULL,
 * false, 0 (a bigint or numeric 0 too, such as `count(*)`) and '' mean "not yet". A bigint is
 * output as a number when it fits one exactly; a numeric stays pg's exact string.
 */
export function sql<T = unknown, P = Record<string, unknown>>(
  options: SqlSensorOptions<P>,
): SensorPoke<NonNullable<T>, P> {
  if (options.url !== undefined && !/^postgres(ql)?:\/\//.test(options.url))
    throw new TypeError('sensors.sql: url must be a postgresql:// URL');
  return async (ctx) => {
    const query = await fromContext(options.query, ctx);
    const params = options.params === undefined ? [] : await fromContext(options.params, ctx);
    if (typeof query !== 'string' || query.trim() === '')
      throw new SensorError('SENSOR_MISCONFIGURED', 'sensors.sql: query must be a non-empty string');
    if (!Array.isArray(params))
      throw new SensorError('SENSOR_MISCONFIGURED', 'sensors.sql: params must be a list');
    const url = options.url ?? databaseUrlFromEnv('sensors.sql without a url option');
    const result = await queryPostgresArrays(url, query, params, 'sensors.sql');
    const row = result.rows[0];
    const field = result.fields[0];
    if (row === undefined || field === undefined) {
      ctx.log.debug('sql sensor: the query returned no rows yet');
      return false;
    }
    let value: unknown = row[0];
    if (typeof value === 'string' && field.dataTypeID === BIGINT) {
      const n = Number(value);
      value = Number.isSafeInteger(n) ? n : value;
    } else if (typeof value === 'string' && field.dataTypeID === NUMERIC && Number(value) === 0) {
      value = 0;
    }
    if (!value) {
      ctx.log.debug(`sql sensor: the first cell is ${JSON.stringify(value ?? null)}, not yet`);
      return false;
    }
    return value as NonNullable<T>;
  };
}
