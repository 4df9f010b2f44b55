// Owns choosing the lake from Weir's configuration: WEIR_LAKE_URL (`file:///path/` or
// `s3://bucket/prefix/`, with the S3_* settings), else the folder `<WEIR_HOME>/lake`. The same
// rule as the SDK's lake sensor, so a sensor and the pipeline always look at one lake.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeirConfig } from '@weir/config';
import { folderLakeStore } from './file-store.ts';
import { s3LakeStore } from './s3-store.ts';
import { LakeError, type LakeStore } from './store.ts';

export type LakeConfig = Pick<WeirConfig, 'home' | 'lakeUrl' | 's3'>;

export function openLakeStore(config: LakeConfig, cwd = process.cwd()): LakeStore {
  if (config.lakeUrl === undefined) {
    const home = isAbsolute(config.home) ? config.home : resolve(cwd, config.home);
    const root = resolve(home, 'lake');
    return folderLakeStore(root, `the default lake folder ${root} (WEIR_LAKE_URL is unset)`);
  }
  const source = `WEIR_LAKE_URL=${config.lakeUrl}`;
  const misconfigured = () =>
    new LakeError(
      'LAKE_MISCONFIGURED',
      `lake: ${source} is not a lake location; write s3://bucket/prefix/ or file:///path/`,
    );
  let parsed: URL;
  try {
    parsed = new URL(config.lakeUrl);
  } catch {
    throw misconfigured();
  }
  if (parsed.protocol === 'file:') {
    if (parsed.search || parsed.hash) throw misconfigured();
    return folderLakeStore(fileURLToPath(parsed), source);
  }
  if (parsed.protocol === 's3:') {
    const bucket = parsed.hostname;
    if (!bucket || parsed.port || parsed.username || parsed.search || parsed.hash) throw misconfigured();
    const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
    const { endpoint, region, forcePathStyle, accessKeyId, secretAccessKey } = config.s3;
    return s3LakeStore({
      bucket,
      base: path === '' || path.endsWith('/') ? path : `${path}/`,
      endpoint,
      region,
      forcePathStyle,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined
          ? { accessKeyId, secretAccessKey }
          : undefined,
      source,
    });
  }
  throw misconfigured();
}
