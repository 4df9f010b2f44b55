// @weir/alerts: alert channels (Slack, PagerDuty, email), alerts.yaml, routing, and the incident
// pass that turns alert rows into notifications.
export * from './routing.ts';
export * from './types.ts';
