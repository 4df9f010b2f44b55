// Owns assets (Airflow 3's Assets, Airflow 2's Datasets) as DAG files name them: `asset(uri)`
// for something a task produces (`outlets`) and a DAG may be scheduled on (`schedule: [a, b]`,
// `anyOf`, `allOf`, or `{ cron, or }` for either a time or the assets).
import type { SerializedAsset, SerializedAssetCondition } from './serialized.ts';

const ASSET_BRAND = Symbol.for('weir.asset');
const CONDITION_BRAND = Symbol.for('weir.asset-condition');

/** Something data-aware scheduling watches: a table, a prefix in the lake, a file. */
export interface Asset {
  readonly uri: string;
  /** Default: the uri. */
  readonly name: string;
  readonly group: string;
  readonly [ASSET_BRAND]: true;
}

/** `anyOf(...)` / `allOf(...)` of assets and nested conditions. */
export interface AssetCondition {
  readonly kind: 'any' | 'all';
  readonly of: readonly (Asset | AssetCondition)[];
  readonly [CONDITION_BRAND]: true;
}

/** What a DAG's `schedule` may be besides a cron expression or preset. */
export type AssetSchedule =
  | readonly Asset[]
  | AssetCondition
  /** Airflow's AssetOrTimeSchedule: a run on each cron tick, and one when the assets are updated. */
  | { readonly cron: string; readonly or: readonly Asset[] | AssetCondition };

const MAX_URI = 1500;

/** `asset('s3://lake/raw/events')` or `asset({ uri, name, group })`. */
export function asset(
  spec: string | { readonly uri: string; readonly name?: string; readonly group?: string },
): Asset {
  const { uri, name, group } =
    typeof spec === 'string' ? { uri: spec, name: undefined, group: undefined } : spec;
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI || /\s/.test(uri))
    throw new TypeError(`asset uri "${String(uri)}" is invalid: use 1-${MAX_URI} characters without spaces`);
  return { uri, name: name ?? uri, group: group ?? 'asset', [ASSET_BRAND]: true };
}

/** Runs when any of them has a new event. */
export function anyOf(...of: readonly (Asset | AssetCondition)[]): AssetCondition {
  return condition('any', of);
}

/** Runs when every one of them has a new event (a plain list means the same). */
export function allOf(...of: readonly (Asset | AssetCondition)[]): AssetCondition {
  return condition('all', of);
}

function condition(kind: 'any' | 'all', of: readonly (Asset | AssetCondition)[]): AssetCondition {
  if (of.length === 0) throw new TypeError(`${kind}Of needs at least one asset`);
  for (const item of of)
    if (!isAsset(item) && !isAssetCondition(item))
      throw new TypeError(`${kind}Of takes assets (asset(uri)) and anyOf/allOf conditions`);
  return { kind, of: [...of], [CONDITION_BRAND]: true };
}

export function isAsset(value: unknown): value is Asset {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ASSET_BRAND] === true
  );
}

export function isAssetCondition(value: unknown): value is AssetCondition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[CONDITION_BRAND] === true
  );
}

export function serializeAsset(a: Asset): SerializedAsset {
  return { uri: a.uri, name: a.name, group: a.group };
}

/** A list means allOf, as Airflow reads `schedule=[a, b]`. */
export function serializeAssetCondition(
  value: readonly Asset[] | AssetCondition,
  where: string,
): SerializedAssetCondition {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new TypeError(`${where}: schedule lists no asset`);
    return serializeAssetCondition(allOf(...(value as readonly Asset[])), where);
  }
  if (isAssetCondition(value))
    return {
      kind: value.kind,
      of: value.of.map((item) =>
        isAsset(item)
          ? ({ kind: 'asset', ...serializeAsset(item) } as const)
          : serializeAssetCondition(item, where),
      ),
    };
  throw new TypeError(
    `${where}: schedule must be a cron expression, null, assets, anyOf/allOf, or { cron, or }`,
  );
}

/** Every asset a condition names, once each. */
export function assetsOf(condition: SerializedAssetCondition): SerializedAsset[] {
  const found = new Map<string, SerializedAsset>();
  const walk = (c: SerializedAssetCondition) => {
    if (c.kind === 'asset') found.set(c.uri, { uri: c.uri, name: c.name, group: c.group });
    else for (const item of c.of) walk(item);
  };
  walk(condition);
  return [...found.values()];
}

/** Whether the assets with new events satisfy the condition. */
export function assetConditionMet(
  condition: SerializedAssetCondition,
  updated: ReadonlySet<string>,
): boolean {
  if (condition.kind === 'asset') return updated.has(condition.uri);
  return condition.kind === 'all'
    ? condition.of.every((c) => assetConditionMet(c, updated))
    : condition.of.some((c) => assetConditionMet(c, updated));
}
