// Owns routing: which channels an alert of a kind goes to, from alerts.yaml's routes and the
// `alerts` options of the DAG and task it is about. Finding the names those options use that
// alerts.yaml lacks (DAG warnings) is the SDK's alertRouteProblems, re-exported here.
import type { SerializedDag } from '@weir/sdk';
import { type AlertKind, type AlertsConfig, ROUTE_KEY_OF, type Route } from './types.ts';

export {
  type AlertNames,
  type AlertRouteProblem,
  type AlertRouteProblemKind,
  alertRouteProblems,
  type DagAlerts,
} from '@weir/sdk';

const DEFAULT_ROUTE = 'default';

/**
 * The channel names an alert of `kind` about this DAG (and task) goes to, de-duplicated, in
 * order. For the kind's route key: the task's own channels, else the DAG's, else the route's
 * (the task's route, else the DAG's, else `default`; a route alerts.yaml lacks is `default`).
 * A route without onUnhealthy uses its onFailure for it. An alert about no DAG (an import error,
 * Weir's health) passes `dag` null and follows `default`. An empty list means: send nothing.
 */
export function channelsFor(
  config: AlertsConfig,
  kind: AlertKind,
  dag: Pick<SerializedDag, 'alerts' | 'tasks'> | null,
  taskId: string | null,
): string[] {
  const key = ROUTE_KEY_OF[kind];
  // `?? null`: DAGs serialized before the option existed have no `alerts` field.
  const dagAlerts = dag?.alerts ?? null;
  const taskAlerts =
    taskId === null ? null : (dag?.tasks.find((task) => task.taskId === taskId)?.alerts ?? null);
  const own = taskAlerts?.channels[key] ?? dagAlerts?.channels[key];
  if (own) return unique(own);
  const routeName = taskAlerts?.route ?? dagAlerts?.route ?? DEFAULT_ROUTE;
  const route: Route = config.routes[routeName] ?? config.routes[DEFAULT_ROUTE] ?? {};
  return unique(route[key] ?? (key === 'onUnhealthy' ? route.onFailure : undefined) ?? []);
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
