// @weir/alerts: alert channels (Slack, PagerDuty, email), alerts.yaml, routing, and the incident
// pass that turns alert rows into notifications.
export * from './types.ts';
export {
  deliver,
  type DeliverOptions,
  type DeliveryOutcome,
  notificationOf,
  retryDelayMs,
} from './incidents/deliver.ts';
export { checkHealth } from './incidents/health.ts';
export {
  type AlertPassOptions,
  type AlertPassReport,
  type DeliveryEnqueuer,
  followUp,
  groupDedupKey,
  runAlertPass,
} from './incidents/pass.ts';
export { type AlertingHandle, type AlertingOptions, startAlerting } from './incidents/service.ts';
export { channelTarget } from './incidents/targets.ts';
