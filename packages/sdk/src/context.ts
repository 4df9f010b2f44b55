// Owns what a running task sees: its run's dates, params, logger and cancellation signal, the
// variables, connections and masking of ContextLookups, and its assets (outlets, triggering events).
import type { Asset } from './asset.ts';
import type { ContextLookups } from './lookups.ts';

export interface TaskLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TaskContext<P = Record<string, unknown>> extends ContextLookups {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** -1 unless the task is mapped. */
  readonly mapIndex: number;
  /** 1 on the first try. */
  readonly tryNumber: number;
  readonly maxTries: number;
  /** The start of the run's data interval for scheduled runs; the trigger time for manual ones. */
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  /** The DAG's params, with the run's conf applied over their defaults. */
  readonly params: P;
  /** Lines are stored per try and shown in the UI while the task runs. */
  readonly log: TaskLogger;
  /** Fires when the try times out (executionTimeout) or is cancelled; pass it to fetch and friends. */
  readonly signal: AbortSignal;
  /** The task's outlets: metadata for the asset events its success records. */
  readonly outlets: OutletEvents;
  /** For an asset-triggered run: the asset events it consumed, oldest first; empty otherwise. */
  readonly triggeringAssetEvents: readonly AssetEventInfo[];
  /** Data-quality findings this task reports itself (routed by `alerts.onDataQuality`). */
  readonly alerts: TaskAlerts;
}

/** The alerts a task may raise itself: what a data-quality check finds. */
export const TASK_ALERT_KINDS = ['data_quality_failed', 'volume_drop', 'freshness'] as const;
export type TaskAlertKind = (typeof TASK_ALERT_KINDS)[number];
export type TaskAlertSeverity = 'critical' | 'error' | 'warning' | 'info';

/**
 * `ctx.alerts.raise({ kind: 'volume_drop', check: 'volume', title: '…' })` opens one incident per
 * (kind, DAG, task, check) and counts a repeat on it while it is open, so a check failing hour
 * after hour pages once; `ctx.alerts.resolve(…)` when the check passes resolves it. Both take effect
 * when the try ends, whatever its outcome, in the same transaction as its end; the last call for
 * a check wins. A `weir dags test` run raises nothing.
 */
export interface TaskAlerts {
  raise(alert: {
    readonly kind: TaskAlertKind;
    /** Which check (`null_rate.user_id`, `unique(events.event_id)`): part of the incident's identity. */
    readonly check: string;
    /** Default `error`. */
    readonly severity?: TaskAlertSeverity;
    readonly title: string;
    /** Shown with the incident (observed value, threshold, partition): JSON. */
    readonly details?: Record<string, unknown>;
  }): void;
  resolve(alert: { readonly kind: TaskAlertKind; readonly check: string }): void;
}

/** `ctx.outlets.extra(asset, { partition: 'dt=2026-01-01' })`, as Airflow's outlet_events. */
export interface OutletEvents {
  /** Merges into the extra of the asset event this try's success records for the asset. */
  extra(asset: Asset | string, extra: Record<string, unknown>): void;
}

/** One asset event, as a consuming run sees it. */
export interface AssetEventInfo {
  readonly id: number;
  readonly uri: string;
  readonly timestamp: Date;
  readonly extra: Record<string, unknown>;
  /** The producing task's try, or null for an external event (`weir assets touch`). */
  readonly source: {
    readonly dagId: string;
    readonly runId: string;
    readonly taskId: string;
    readonly mapIndex: number;
  } | null;
}

/** What a callback receives: the task's context, and the error for failures and retries. */
export interface CallbackContext<P = Record<string, unknown>> extends TaskContext<P> {
  readonly state: string;
  readonly error: { readonly message: string; readonly stack?: string } | null;
}

export interface DagRunContext<P = Record<string, unknown>> extends ContextLookups {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  readonly params: P;
  readonly state: 'success' | 'failed';
  readonly log: TaskLogger;
}
