// Owns what an alert message says: one view of a Notification (headline, what happened, each
// incident's facts, error lines and link) rendered as Slack Block Kit, plain text, HTML and a
// PagerDuty summary with custom_details. Every channel renders from here, so they all say the same.
import type { KnownBlock } from '@slack/web-api';
import type { IncidentSummary, Notification, NotificationEvent, Severity } from './types.ts';

/** A group lists at most this many incidents; the rest are counted ("and 5 more"). */
export const MAX_LISTED_INCIDENTS = 20;
/** PagerDuty refuses a longer payload.summary. */
export const PAGERDUTY_SUMMARY_MAX = 1024;
const MAX_ERROR_LINES = 10;
const MAX_ERROR_LINE_CHARS = 300;
/** Slack's limits: a header's plain text, a section's text, a message's fallback text (kept short). */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;
const SLACK_TEXT_MAX = 3500;

/** One incident's facts in display order, shared by every format. */
export interface IncidentView {
  readonly title: string;
  readonly severity: Severity;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** "open, 3 occurrences, flapping" */
  readonly status: string;
  readonly errorLines: readonly string[];
  readonly url: string;
}

export interface NotificationView {
  readonly event: NotificationEvent;
  /** One line: the summary with what happened to it ("Resolved: …"). */
  readonly headline: string;
  /** A sentence saying what this message is, or '' when the headline says it all. */
  readonly intro: string;
  readonly incidents: readonly IncidentView[];
  /** Incidents of the group left out of `incidents`. */
  readonly more: number;
  readonly baseUrl: string;
  readonly source: string;
}

/** The total occurrences of a group's incidents (at least 1). */
export function occurrences(notification: Notification): number {
  return Math.max(
    1,
    notification.incidents.reduce((sum, i) => sum + i.occurrences, 0),
  );
}

export function headline(notification: Notification): string {
  const { event, summary } = notification;
  switch (event) {
    case 'trigger':
      return summary;
    case 'repeat':
      return `Still failing (${plural(occurrences(notification), 'occurrence')}): ${summary}`;
    case 'acknowledge':
      return `Acknowledged: ${summary}`;
    case 'resolve':
      return `Resolved: ${summary}`;
    case 'test':
      return `Test: ${summary}`;
    default:
      return unreachable(event);
  }
}

function intro(notification: Notification): string {
  const count = notification.incidents.length;
  switch (notification.event) {
    case 'trigger':
      return count > 1 ? `${count} incidents opened together.` : '';
    case 'repeat':
      return 'Still open and not acknowledged.';
    case 'acknowledge':
      return 'Acknowledged in Weir: no more reminders will be sent for it.';
    case 'resolve':
      return count > 1 ? `All ${count} incidents have resolved.` : 'It has resolved.';
    case 'test':
      return 'A test message sent by `weir alerts test`: nothing failed. If you can read this, the channel works.';
    default:
      return unreachable(notification.event);
  }
}

export function viewOf(notification: Notification): NotificationView {
  const listed = notification.incidents.slice(0, MAX_LISTED_INCIDENTS);
  return {
    event: notification.event,
    headline: headline(notification),
    intro: intro(notification),
    incidents: listed.map(incidentView),
    more: notification.incidents.length - listed.length,
    baseUrl: notification.baseUrl,
    source: notification.source,
  };
}

function incidentView(incident: IncidentSummary): IncidentView {
  const facts: [string, string][] = [];
  if (incident.dagId) facts.push(['DAG', incident.dagId]);
  if (incident.runId) facts.push(['Run', incident.runId]);
  if (incident.taskId) facts.push(['Task', incident.taskId]);
  if (incident.mapIndex != null && incident.mapIndex >= 0)
    facts.push(['Map index', String(incident.mapIndex)]);
  if (incident.tryNumber != null) facts.push(['Try', String(incident.tryNumber)]);
  const status = [incident.state, plural(incident.occurrences, 'occurrence')];
  if (incident.flapping) status.push('flapping');
  return {
    title: incident.title,
    severity: incident.severity,
    facts,
    status: status.join(', '),
    errorLines: incident.errorLines
      .slice(0, MAX_ERROR_LINES)
      .map((line) => truncate(line, MAX_ERROR_LINE_CHARS)),
    url: incident.url,
  };
}

// ───────────────────────────── plain text ─────────────────────────────

/** The message as plain text: email's text part, Slack's fallback text. */
export function renderText(notification: Notification): string {
  const view = viewOf(notification);
  const out: string[] = [view.headline];
  if (view.intro) out.push(view.intro);
  for (const incident of view.incidents) {
    out.push('', `${incident.title} [${incident.severity}]`);
    for (const [label, value] of incident.facts) out.push(`  ${label}: ${value}`);
    out.push(`  State: ${incident.status}`);
    if (incident.errorLines.length > 0) {
      out.push('  Error:');
      for (const line of incident.errorLines) out.push(`    ${line}`);
    }
    out.push(`  Open: ${incident.url}`);
  }
  if (view.more > 0) out.push('', `…and ${view.more} more`);
  out.push('', `Weir: ${view.baseUrl} (sent by ${view.source})`);
  return `${out.join('\n')}\n`;
}

// ───────────────────────────── HTML ─────────────────────────────

/** The message as an HTML document (email's HTML part), with the same content as renderText. */
export function renderHtml(notification: Notification): string {
  const view = viewOf(notification);
  const h = escapeHtml;
  const parts: string[] = [`<h2 style="margin:0 0 8px">${h(view.headline)}</h2>`];
  if (view.intro) parts.push(`<p>${h(view.intro)}</p>`);
  for (const incident of view.incidents) {
    const rows = [...incident.facts, ['State', incident.status] as const]
      .map(
        ([label, value]) =>
          `<tr><th align="left" style="padding:2px 12px 2px 0">${h(label)}</th><td><code>${h(value)}</code></td></tr>`,
      )
      .join('');
    parts.push(
      `<h3 style="margin:16px 0 4px"><a href="${h(incident.url)}">${h(incident.title)}</a> [${h(incident.severity)}]</h3>`,
      `<table style="border-collapse:collapse">${rows}</table>`,
    );
    if (incident.errorLines.length > 0)
      parts.push(
        `<pre style="background:#f6f8fa;padding:8px;white-space:pre-wrap">${h(incident.errorLines.join('\n'))}</pre>`,
      );
    parts.push(`<p><a href="${h(incident.url)}">Open in Weir</a>: ${h(incident.url)}</p>`);
  }
  if (view.more > 0) parts.push(`<p>…and ${view.more} more</p>`);
  parts.push(
    `<p style="color:#666">Weir: <a href="${h(view.baseUrl)}">${h(view.baseUrl)}</a> (sent by ${h(view.source)})</p>`,
  );
  return `<!doctype html><html><body style="font-family:sans-serif">${parts.join('\n')}</body></html>\n`;
}

// ───────────────────────────── Slack ─────────────────────────────

export interface SlackMessage {
  /** Fallback text, shown in notifications and by clients without Block Kit. */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  error: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
};

function slackEmoji(notification: Notification): string {
  switch (notification.event) {
    case 'trigger':
    case 'repeat':
      return SEVERITY_EMOJI[notification.severity];
    case 'acknowledge':
      return ':eyes:';
    case 'resolve':
      return ':white_check_mark:';
    case 'test':
      return ':test_tube:';
    default:
      return unreachable(notification.event);
  }
}

/** The message as Slack Block Kit with fallback text. */
export function renderSlack(notification: Notification): SlackMessage {
  const view = viewOf(notification);
  const emoji = slackEmoji(notification);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${emoji} ${view.headline}`, SLACK_HEADER_MAX),
        emoji: true,
      },
    },
  ];
  if (view.intro) blocks.push(mrkdwnSection(slackEscape(view.intro)));
  for (const incident of view.incidents) {
    const lines = [`*<${slackEscape(incident.url)}|${slackEscape(incident.title)}>* (${incident.severity})`];
    const facts = incident.facts.map(([label, value]) => `${label} \`${slackEscape(value)}\``).join(' · ');
    if (facts) lines.push(facts);
    lines.push(
      `State: ${slackEscape(incident.status)}${incident.status.includes('flapping') ? ' :warning:' : ''}`,
    );
    if (incident.errorLines.length > 0)
      lines.push(`\`\`\`${slackEscape(incident.errorLines.join('\n').replace(/```/g, "'''"))}\`\`\``);
    blocks.push(mrkdwnSection(lines.join('\n')));
  }
  if (view.more > 0) blocks.push(context(`…and ${view.more} more`));
  blocks.push(context(`<${slackEscape(view.baseUrl)}|Weir> · sent by ${slackEscape(view.source)}`));
  return { text: truncate(slackEscape(`${emoji} ${renderText(notification)}`), SLACK_TEXT_MAX), blocks };
}

function mrkdwnSection(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_SECTION_MAX) } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Slack's mrkdwn treats &, < and > as control characters. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ───────────────────────────── PagerDuty ─────────────────────────────

export interface PagerDutyContent {
  /** ≤ 1024 characters. */
  readonly summary: string;
  readonly customDetails: Record<string, unknown>;
  readonly links: { href: string; text: string }[];
}

/** payload.summary, payload.custom_details and links of an Events API v2 event. */
export function renderPagerDuty(notification: Notification): PagerDutyContent {
  const view = viewOf(notification);
  const incidents = view.incidents.map((incident) => ({
    title: incident.title,
    severity: incident.severity,
    ...Object.fromEntries(incident.facts.map(([label, value]) => [snake(label), value])),
    state: incident.status,
    ...(incident.errorLines.length > 0 ? { error: incident.errorLines.join('\n') } : {}),
    url: incident.url,
  }));
  const customDetails: Record<string, unknown> = {
    event: view.event,
    ...(view.intro ? { note: view.intro } : {}),
    occurrences: occurrences(notification),
    incidents,
  };
  if (view.more > 0) customDetails.more_incidents = view.more;
  const links = view.incidents.map((incident) => ({ href: incident.url, text: `Weir: ${incident.title}` }));
  if (links.length === 0) links.push({ href: view.baseUrl, text: 'Weir' });
  return { summary: truncate(view.headline, PAGERDUTY_SUMMARY_MAX), customDetails, links };
}

// ───────────────────────────── helpers ─────────────────────────────

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function snake(label: string): string {
  return label.toLowerCase().replace(/\s+/g, '_');
}

/** At most `max` characters, ending in … when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function unreachable(value: never): never {
  throw new Error(`unexpected notification event ${String(value)}`);
}
