// Owns where the lake is, as the built-in lake sensor reads it: a `url` option or WEIR_LAKE_URL
// (`s3://bucket/base/` or `file:///path/`), else `<WEIR_HOME>/lake/`, and the S3_* settings
// Weir's processes already have. Read at each poke, never at import, so a DAG file imported by
// the dag processor needs none of them.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SensorError } from './sensor-error.ts';

export type LakeLocation =
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** '' or a folder ending in '/', prepended to every key. */
      readonly base: string;
      /** Where the location came from, for messages: `WEIR_LAKE_URL=s3://…` or `url s3://…`. */
      readonly source: string;
    }
  | { readonly kind: 'folder'; readonly root: string; readonly source: string };

export interface S3Settings {
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/** The lake at `url`, else at WEIR_LAKE_URL, else `<WEIR_HOME or .weir>/lake/` under the cwd. */
export function lakeLocation(url: string | undefined, env: NodeJS.ProcessEnv = process.env): LakeLocation {
  if (url !== undefined) return parseLakeUrl(url, `url ${url}`);
  const configured = env.WEIR_LAKE_URL?.trim();
  if (configured) return parseLakeUrl(configured, `WEIR_LAKE_URL=${configured}`);
  const home = env.WEIR_HOME?.trim() || '.weir';
  const root = resolve(isAbsolute(home) ? home : resolve(process.cwd(), home), 'lake');
  return { kind: 'folder', root, source: `the default lake folder ${root} (WEIR_LAKE_URL is unset)` };
}

function parseLakeUrl(url: string, source: string): LakeLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw misconfigured(source);
  }
  if (parsed.protocol === 'file:') {
    if (parsed.search || parsed.hash) throw misconfigured(source);
    return { kind: 'folder', root: fileURLToPath(parsed), source };
  }
  if (parsed.protocol === 's3:') {
    const bucket = parsed.hostname;
    if (!bucket || parsed.port || parsed.username || parsed.search || parsed.hash)
      throw misconfigured(source);
    const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
    return { kind: 's3', bucket, base: path === '' || path.endsWith('/') ? path : `${path}/`, source };
  }
  throw misconfigured(source);
}

function misconfigured(source: string): SensorError {
  return new SensorError(
    'SENSOR_MISCONFIGURED',
    `lake sensor: ${source} is not a lake location; write s3://bucket/prefix/ or file:///path/`,
  );
}

/** The S3_* variables, with Weir's defaults (region us-east-1, path-style addressing). */
export function s3Settings(env: NodeJS.ProcessEnv = process.env): S3Settings {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const pathStyle = value('S3_FORCE_PATH_STYLE')?.toLowerCase();
  if (pathStyle !== undefined && !['true', 'false', '1', '0', 'yes', 'no'].includes(pathStyle)) {
    throw new SensorError(
      'SENSOR_MISCONFIGURED',
      `lake sensor: S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`,
    );
  }
  const accessKeyId = value('S3_ACCESS_KEY_ID');
  const secretAccessKey = value('S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new SensorError(
      'SENSOR_MISCONFIGURED',
      'lake sensor: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (to use the AWS default credential chain)',
    );
  }
  return {
    endpoint: value('S3_ENDPOINT'),
    region: value('S3_REGION') ?? 'us-east-1',
    forcePathStyle: pathStyle === undefined || ['true', '1', 'yes'].includes(pathStyle),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
  };
}
