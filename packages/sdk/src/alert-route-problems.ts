// Owns finding the routes and channels a DAG's `alerts` options name that the deployment does
// not configure. A pure function of the serialized DAG and the configured names, so that the
// engine (DAG warnings) can use it without depending on @weir/alerts, which sits above it;
// @weir/alerts re-exports it.
import { ROUTE_KEYS, type RouteKey, type SerializedAlerts } from './alerts.ts';

export type AlertRouteProblemKind = 'unknown_alert_route' | 'unknown_alert_channel';

export interface AlertRouteProblem {
  readonly kind: AlertRouteProblemKind;
  readonly message: string;
}

/** The names alerts.yaml (or its stand-in from the environment) defines. */
export interface AlertNames {
  readonly routes: readonly string[];
  readonly channels: readonly string[];
}

/**
 * The part of a serialized DAG that names routes and channels. A DAG serialized before the
 * `alerts` option existed has no such fields: read as null.
 */
export interface DagAlerts {
  readonly alerts?: SerializedAlerts | null;
  readonly tasks: readonly { readonly taskId: string; readonly alerts?: SerializedAlerts | null }[];
}

/**
 * Every route and channel name the DAG or its tasks use that `names` does not hold: one problem
 * per name and place (`alerts.route`, `alerts.onFailure`…), naming the DAG and/or the tasks that
 * use it and what is configured. Routes first, then channels by route key; then by name.
 */
export function alertRouteProblems(dag: DagAlerts, names: AlertNames): AlertRouteProblem[] {
  const routes = new Set(names.routes);
  const channels = new Set(names.channels);
  // (place, name) → who uses it: null for the DAG, else task ids.
  const unknownRoutes = new Map<string, (string | null)[]>();
  const unknownChannels = new Map<RouteKey, Map<string, (string | null)[]>>();
  const collect = (alerts: SerializedAlerts | null | undefined, owner: string | null) => {
    if (!alerts) return;
    if (alerts.route !== null && !routes.has(alerts.route)) add(unknownRoutes, alerts.route, owner);
    for (const key of ROUTE_KEYS) {
      for (const name of alerts.channels[key] ?? []) {
        if (channels.has(name)) continue;
        const byName = unknownChannels.get(key) ?? new Map<string, (string | null)[]>();
        unknownChannels.set(key, byName);
        add(byName, name, owner);
      }
    }
  };
  collect(dag.alerts, null);
  for (const task of dag.tasks) collect(task.alerts, task.taskId);

  const problems: AlertRouteProblem[] = [];
  for (const [route, owners] of sortedByName(unknownRoutes))
    problems.push({
      kind: 'unknown_alert_route',
      message: `${whose(owners)}: alerts.route names route '${route}', which alerts.yaml does not define (routes: ${listed(names.routes)}); the default route is used instead`,
    });
  for (const key of ROUTE_KEYS) {
    for (const [channel, owners] of sortedByName(unknownChannels.get(key) ?? new Map()))
      problems.push({
        kind: 'unknown_alert_channel',
        message: `${whose(owners)}: alerts.${key} names channel '${channel}', which alerts.yaml does not define (channels: ${listed(names.channels)}); nothing is sent to it`,
      });
  }
  return problems;
}

function add(map: Map<string, (string | null)[]>, name: string, owner: string | null): void {
  const owners = map.get(name);
  if (!owners) map.set(name, [owner]);
  else if (!owners.includes(owner)) owners.push(owner);
}

function sortedByName<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "the DAG", "task load", "tasks a, b", "the DAG and task load". */
function whose(owners: readonly (string | null)[]): string {
  const taskIds = owners.filter((o): o is string => o !== null).sort();
  const tasks =
    taskIds.length === 0 ? '' : `${taskIds.length === 1 ? 'task' : 'tasks'} ${taskIds.join(', ')}`;
  if (!owners.includes(null)) return tasks;
  return tasks ? `the DAG and ${tasks}` : 'the DAG';
}

function listed(names: readonly string[]): string {
  return names.length === 0 ? 'none' : [...names].sort().join(', ');
}
