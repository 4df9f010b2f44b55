// Owns the `alerts` option of DAGs and tasks, as authors write it and as it is serialized: the
// named route of alerts.yaml their alerts follow, and, per route key, channels that replace the
// route's. It only names routes and channels; which channels an alert goes to is decided by
// @weir/alerts (routing.ts), which also owns alerts.yaml. The route keys live here, not there,
// because the SDK depends on nothing else in Weir.

/** The keys of a route (alerts.yaml) and of a DAG's or task's `alerts` option. */
export const ROUTE_KEYS = [
  'onFailure',
  'onRetry',
  'onDeadlineMiss',
  'onSensorTimeout',
  'onDataQuality',
  'onImportError',
  'onUnhealthy',
] as const;
export type RouteKey = (typeof ROUTE_KEYS)[number];

/**
 * Where a DAG's or task's alerts go: `{ route: 'team-x' }` (a route of alerts.yaml) and/or
 * channel names per route key, `{ onFailure: ['data-pd'], onRetry: ['data-slack'] }`, which
 * replace the route's for that key; `[]` sends nothing for it. A task's keys win over its DAG's,
 * and both over the route (the task's, else the DAG's, else `default`).
 */
export type AlertOptions = {
  readonly route?: string;
} & { readonly [K in RouteKey]?: readonly string[] };

export interface SerializedAlerts {
  /** The route named by `alerts.route`, or null (the DAG's route, else `default`). */
  readonly route: string | null;
  /** Channel names for the keys given, in ROUTE_KEYS order; keys not given are left out. */
  readonly channels: Readonly<Partial<Record<RouteKey, readonly string[]>>>;
}

const ALLOWED_KEYS: readonly string[] = ['route', ...ROUTE_KEYS];

/** Throws a TypeError naming `where` and the key for anything that is not a valid `alerts`. */
export function serializeAlerts(alerts: AlertOptions | undefined, where: string): SerializedAlerts | null {
  if (alerts === undefined) return null;
  if (typeof alerts !== 'object' || alerts === null || Array.isArray(alerts))
    throw new TypeError(
      `${where}: alerts must be an object such as { route: 'team-x' } or { onFailure: ['channel'] }, got ${describe(alerts)}`,
    );
  const given = alerts as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(given))
    if (!ALLOWED_KEYS.includes(key))
      throw new TypeError(
        `${where}: alerts has an unknown key "${key}"; use route, ${ROUTE_KEYS.join(', ')}`,
      );
  const route = given.route;
  if (route !== undefined && (typeof route !== 'string' || route.trim() === ''))
    throw new TypeError(
      `${where}: alerts.route must be the name of a route in alerts.yaml, got ${describe(route)}`,
    );
  const channels: Partial<Record<RouteKey, readonly string[]>> = {};
  for (const key of ROUTE_KEYS) {
    const names = given[key];
    if (names === undefined) continue;
    if (!Array.isArray(names))
      throw new TypeError(
        `${where}: alerts.${key} must be a list of channel names${typeof names === 'string' ? ` (['${names}'])` : ''}, got ${describe(names)}`,
      );
    names.forEach((name: unknown, i) => {
      if (typeof name !== 'string' || name.trim() === '')
        throw new TypeError(
          `${where}: alerts.${key}[${i}] must be the name of a channel in alerts.yaml, got ${describe(name)}`,
        );
    });
    channels[key] = [...(names as string[])];
  }
  return { route: (route as string | undefined) ?? null, channels };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
