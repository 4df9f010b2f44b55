// Owns `sensors.lakeObject`: waits until an object, or any object under a prefix, exists in the
// lake (Airflow's S3KeySensor, for Weir's lake). The pipeline writes a `_SUCCESS` marker once a
// partition is complete; downstream DAGs wait for it:
//
//   d.sensor('wait_for_partition', { mode: 'reschedule', pokeInterval: '30s', timeout: '2h' },
//     sensors.lakeObject({ key: (ctx) => `raw/events/dt=${ctx.logicalDate.toISOString().slice(0, 10)}/_SUCCESS` }));
import { type FromContext, fromContext, type SensorPoke } from './from-context.ts';
import { folderLakeReader } from './lake-folder.ts';
import { lakeLocation, s3Settings } from './lake-location.ts';
import type { LakeReader } from './lake-reader.ts';
import { SensorError } from './sensor-error.ts';

/** At most this many keys are returned for a prefix (one S3 ListObjectsV2 page). */
export const LAKE_PREFIX_MAX_KEYS = 1000;

interface LakeOptions {
  /**
   * The lake: `s3://bucket/base/` (S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID,
   * S3_SECRET_ACCESS_KEY and S3_FORCE_PATH_STYLE apply) or `file:///path/`. Default
   * WEIR_LAKE_URL, else the folder `<WEIR_HOME>/lake/`.
   */
  readonly url?: string;
}

export interface LakeKeyOptions<P = Record<string, unknown>> extends LakeOptions {
  /** The object's key under the lake's base, e.g. `raw/events/dt=2026-01-01/_SUCCESS`. */
  readonly key: FromContext<string, P>;
  readonly prefix?: never;
}

export interface LakePrefixOptions<P = Record<string, unknown>> extends LakeOptions {
  /** Done when any object's key starts with this, e.g. `raw/events/dt=2026-01-01/`. */
  readonly prefix: FromContext<string, P>;
  readonly key?: never;
}

/** Done (output `true`) once an object exists at `key`. */
export function lakeObject<P = Record<string, unknown>>(options: LakeKeyOptions<P>): SensorPoke<true, P>;
/**
 * Done once any object's key starts with `prefix`; the output is the keys found (relative to the
 * lake's base, sorted, at most LAKE_PREFIX_MAX_KEYS).
 */
export function lakeObject<P = Record<string, unknown>>(
  options: LakePrefixOptions<P>,
): SensorPoke<string[], P>;
export function lakeObject<P>(
  options: LakeKeyOptions<P> | LakePrefixOptions<P>,
): SensorPoke<true, P> | SensorPoke<string[], P> {
  const { key, prefix, url } = options as {
    key?: FromContext<string, P>;
    prefix?: FromContext<string, P>;
    url?: string;
  };
  if ((key === undefined) === (prefix === undefined))
    throw new TypeError('sensors.lakeObject: pass either key or prefix');
  // A bad url is a mistake in the DAG file: let it fail the import, not the first poke.
  if (url !== undefined) lakeLocation(url);

  if (key !== undefined) {
    return async (ctx) => {
      const resolved = checkKey(await fromContext(key, ctx), 'key');
      const reader = await readerFor(url);
      if (await reader.exists(resolved, ctx.signal)) return true;
      ctx.log.debug(`lake object ${reader.describe(resolved)} does not exist yet`);
      return false;
    };
  }
  return async (ctx) => {
    const resolved = checkKey(await fromContext(prefix as FromContext<string, P>, ctx), 'prefix');
    const reader = await readerFor(url);
    const keys = await reader.list(resolved, LAKE_PREFIX_MAX_KEYS, ctx.signal);
    if (keys.length > 0) return keys;
    ctx.log.debug(`no lake object under ${reader.describe(resolved)} yet`);
    return false;
  };
}

async function readerFor(url: string | undefined): Promise<LakeReader> {
  const location = lakeLocation(url);
  if (location.kind === 'folder') return folderLakeReader(location);
  const settings = s3Settings();
  // Loaded at the first S3 poke: every DAG file imports the SDK, and most never poke S3.
  const { s3LakeReader } = await import('./lake-s3.ts');
  return s3LakeReader(location, settings);
}

/**
 * Keys are relative to the lake's base and must stay under it: no leading '/', no '.' or '..'
 * segments (they would mean different things in a folder and in S3). A prefix may be ''.
 */
function checkKey(value: unknown, field: 'key' | 'prefix'): string {
  const problem =
    typeof value !== 'string'
      ? `must be a string, got ${typeof value}`
      : field === 'key' && value === ''
        ? 'must not be empty'
        : value.startsWith('/')
          ? 'must be relative to the lake (no leading /)'
          : value.split('/').some((segment) => segment === '.' || segment === '..')
            ? "must not contain '.' or '..' segments"
            : null;
  if (problem !== null)
    throw new SensorError(
      'SENSOR_MISCONFIGURED',
      `sensors.lakeObject: ${field} ${JSON.stringify(value)} ${problem}`,
    );
  return value as string;
}
