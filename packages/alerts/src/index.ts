// @weir/alerts: alert channels (Slack, PagerDuty, email), alerts.yaml, routing, and the incident
// pass that turns alert rows into notifications.

export { type ChannelOptions, closeChannels, createChannel, createChannels } from './channels/create.ts';
export { EmailChannel, type EmailChannelConfig, type EmailChannelOptions } from './channels/email.ts';
export {
  maskRoutingKey,
  PAGERDUTY_EVENTS_URL,
  PagerDutyChannel,
  type PagerDutyChannelConfig,
  type PagerDutyChannelOptions,
} from './channels/pagerduty.ts';
export { SlackChannel, type SlackChannelConfig, type SlackChannelOptions } from './channels/slack.ts';
export {
  AlertsConfigError,
  DEFAULT_ALERTS_FILE,
  keyPath,
  type LoadAlertsConfigOptions,
  loadAlertsConfig,
  parseAlertsConfig,
} from './config.ts';
export {
  type DeliverOptions,
  type DeliveryOutcome,
  deliver,
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
export {
  escapeHtml,
  headline,
  type IncidentView,
  MAX_LISTED_INCIDENTS,
  type NotificationView,
  occurrences,
  PAGERDUTY_SUMMARY_MAX,
  type PagerDutyContent,
  renderHtml,
  renderPagerDuty,
  renderSlack,
  renderText,
  type SlackMessage,
  slackEscape,
  truncate,
  viewOf,
} from './render.ts';
export * from './routing.ts';
export { testNotification } from './test-notification.ts';
export * from './types.ts';
