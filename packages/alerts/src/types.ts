// Owns the vocabulary shared by the parts of alerting: the kinds of alert, the route keys that
// send them somewhere, the channel configurations, and what a channel is asked to send (a
// Notification about a group of incidents) and answers (a DeliveryResult).
import type { RouteKey } from '@weir/sdk';

/** What went wrong. Stored as the `AlertKind` enum. */
export const ALERT_KINDS = [
  'task_failed',
  'run_failed',
  'retrying',
  'deadline_missed',
  'sensor_timed_out',
  'data_quality_failed',
  'volume_drop',
  'freshness',
  'import_error',
  'unhealthy',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** PagerDuty's levels; Slack and email show them too. Stored as the `AlertSeverity` enum. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

// The route keys are the SDK's: a DAG's or task's `alerts` option uses them too, and the SDK
// depends on nothing in Weir.
export { ROUTE_KEYS, type RouteKey } from '@weir/sdk';

/** Which route key sends an alert of each kind. */
export const ROUTE_KEY_OF: Record<AlertKind, RouteKey> = {
  task_failed: 'onFailure',
  run_failed: 'onFailure',
  retrying: 'onRetry',
  deadline_missed: 'onDeadlineMiss',
  sensor_timed_out: 'onSensorTimeout',
  data_quality_failed: 'onDataQuality',
  volume_drop: 'onDataQuality',
  freshness: 'onDataQuality',
  import_error: 'onImportError',
  unhealthy: 'onUnhealthy',
};

/** Channel names per route key. A key left out sends nothing (onUnhealthy: see routing). */
export type Route = Partial<Record<RouteKey, readonly string[]>>;

export type ChannelConfig =
  | {
      readonly type: 'slack';
      /** '#data-alerts' or a channel id. */
      readonly channel: string;
      readonly token: string;
      /** Slack Web API base URL (WebClient's slackApiUrl); default https://slack.com/api/. */
      readonly apiUrl?: string;
    }
  | {
      readonly type: 'pagerduty';
      readonly routingKey: string;
      /** Events API v2 endpoint; default https://events.pagerduty.com/v2/enqueue. */
      readonly url?: string;
    }
  | {
      readonly type: 'email';
      readonly to: readonly string[];
      readonly from: string;
      /** Default SMTP_URL. */
      readonly smtpUrl: string;
    };
export type ChannelType = ChannelConfig['type'];

/** alerts.yaml (or the default built from environment variables), validated, `${VAR}`s replaced. */
export interface AlertsConfig {
  /** Where it came from, for `weir alerts channels` and start-up logs. */
  readonly source: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env' };
  readonly channels: Readonly<Record<string, ChannelConfig>>;
  /** Always has `default` (empty when nothing is configured). */
  readonly routes: Readonly<Record<string, Route>>;
  /** Incidents of one DAG run opened within this window go out as one notification. */
  readonly groupWaitMs: number;
  /** An open, unacknowledged incident is notified again this often. */
  readonly repeatIntervalMs: number;
}

/** One incident as a channel shows it. */
export interface IncidentSummary {
  readonly id: number;
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly title: string;
  readonly dagId: string | null;
  readonly runId: string | null;
  readonly taskId: string | null;
  readonly mapIndex: number | null;
  readonly tryNumber: number | null;
  /** The first lines of the error, secrets masked; empty when there is none. */
  readonly errorLines: readonly string[];
  readonly occurrences: number;
  readonly state: 'open' | 'acknowledged' | 'resolved';
  readonly flapping: boolean;
  /** Where to look in the UI (taskInstanceUrl, or the run's or DAG's page). */
  readonly url: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
}

/**
 * What happened to a group: it opened (trigger), is still open after the repeat interval
 * (repeat: "still failing (N occurrences)"), was acknowledged in Weir, or every incident in it
 * resolved. `test` is `weir alerts test`.
 */
export const NOTIFICATION_EVENTS = ['trigger', 'repeat', 'acknowledge', 'resolve', 'test'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Where the group's first message went, so that later events reply to it. */
export interface ThreadRef {
  readonly slackChannel?: string;
  readonly slackTs?: string;
  readonly emailMessageId?: string;
}

/** One message to one channel about one group of incidents. */
export interface Notification {
  readonly event: NotificationEvent;
  /** Stable per group: PagerDuty's dedup_key, and the email thread's subject anchor. */
  readonly groupKey: string;
  /** One line: what the group is about (PagerDuty summary, email subject, Slack fallback text). */
  readonly summary: string;
  /** The highest severity among the incidents. */
  readonly severity: Severity;
  readonly incidents: readonly IncidentSummary[];
  /** For every event but trigger and test: the trigger's message on this channel, when it was sent. */
  readonly thread: ThreadRef | null;
  /** The host sending it (PagerDuty's payload.source). */
  readonly source: string;
  /** The UI's base URL (WEIR_BASE_URL), for links that are not to one incident. */
  readonly baseUrl: string;
}

export type DeliveryResult =
  | {
      readonly ok: true;
      /** What the peer answered, for the delivery row: 'HTTP 202', '250 2.0.0 OK: queued'. */
      readonly response: string;
      /** Set by a trigger or test: where the message went, for the replies. */
      readonly thread?: ThreadRef;
    }
  | {
      readonly ok: false;
      /** A 400 from PagerDuty, a Slack `invalid_auth`: retrying cannot help. */
      readonly permanent: boolean;
      /** The peer said when to come back (429 Retry-After). */
      readonly retryAfterMs?: number;
      readonly response?: string;
      /** Never contains a token, routing key or password. */
      readonly error: string;
    };

/** A configured channel, ready to send. */
export interface AlertChannel {
  readonly name: string;
  readonly type: ChannelType;
  /** Where it sends, secrets masked: '#data-alerts', 'PagerDuty key ****abcd', 'oncall@example.com'. */
  readonly target: string;
  send(notification: Notification): Promise<DeliveryResult>;
  close(): Promise<void>;
}

/** The UI page of a task instance; alert messages link to it. */
export function taskInstanceUrl(
  baseUrl: string,
  ti: { dagId: string; runId: string; taskId: string; tryNumber?: number | null; mapIndex?: number | null },
): string {
  const base = baseUrl.replace(/\/+$/, '');
  const params = new URLSearchParams();
  if (ti.tryNumber != null) params.set('try', String(ti.tryNumber));
  if (ti.mapIndex != null && ti.mapIndex >= 0) params.set('mapIndex', String(ti.mapIndex));
  const query = params.size ? `?${params}` : '';
  const e = encodeURIComponent;
  return `${base}/dags/${e(ti.dagId)}/runs/${e(ti.runId)}/tasks/${e(ti.taskId)}${query}`;
}

/** The UI page of a run, or of a DAG. */
export function runUrl(baseUrl: string, dagId: string, runId?: string | null): string {
  const base = baseUrl.replace(/\/+$/, '');
  const e = encodeURIComponent;
  return runId ? `${base}/dags/${e(dagId)}/runs/${e(runId)}` : `${base}/dags/${e(dagId)}`;
}
