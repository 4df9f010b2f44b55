// Owns sending notifications to PagerDuty's Events API v2: one JSON POST per event, the group key
// as dedup_key, so a trigger, its repeats, an acknowledge and the resolve all act on one incident.
import type { SecretMasker } from '@weir/secrets';
import { renderPagerDuty } from '../render.ts';
import type { AlertChannel, ChannelConfig, DeliveryResult, Notification } from '../types.ts';
import { failed, hostOf, maskerOf, networkReason, oneLine, retryAfterMs } from './common.ts';

export type PagerDutyChannelConfig = Extract<ChannelConfig, { type: 'pagerduty' }>;

export interface PagerDutyChannelOptions {
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

type EventAction = 'trigger' | 'acknowledge' | 'resolve';

/** The routing key as a channel listing shows it: at most its last 4 characters. */
export function maskRoutingKey(routingKey: string): string {
  const shown = routingKey.length >= 16 ? 4 : Math.floor(routingKey.length / 4);
  return `key …${shown > 0 ? routingKey.slice(-shown) : ''}`;
}

export class PagerDutyChannel implements AlertChannel {
  readonly type = 'pagerduty' as const;
  readonly target: string;
  private readonly url: string;
  private readonly masker: SecretMasker;
  private readonly timeoutMs: number;

  constructor(
    readonly name: string,
    private readonly config: PagerDutyChannelConfig,
    options: PagerDutyChannelOptions = {},
  ) {
    this.url = config.url ?? PAGERDUTY_EVENTS_URL;
    this.target = pagerDutyTarget(this.url, config.routingKey);
    this.masker = maskerOf(config.routingKey);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The Events API v2 body for a notification. */
  event(notification: Notification): Record<string, unknown> {
    const action = actionOf(notification);
    const base = {
      routing_key: this.config.routingKey,
      event_action: action,
      dedup_key: notification.groupKey,
    };
    if (action !== 'trigger') return base;
    const content = renderPagerDuty(notification);
    const { incidents } = notification;
    const first = incidents[0];
    const dags = new Set(incidents.map((i) => i.dagId));
    const tasks = new Set(incidents.map((i) => i.taskId));
    const earliest = incidents.reduce<Date | undefined>(
      (at, i) => (at === undefined || i.firstSeenAt < at ? i.firstSeenAt : at),
      undefined,
    );
    return {
      ...base,
      payload: {
        summary: content.summary,
        source: notification.source,
        severity: notification.severity,
        ...(earliest ? { timestamp: earliest.toISOString() } : {}),
        ...(first?.dagId && dags.size === 1 ? { group: first.dagId } : {}),
        ...(first?.taskId && tasks.size === 1 ? { component: first.taskId } : {}),
        ...(first ? { class: first.kind } : {}),
        custom_details: content.customDetails,
      },
      links: content.links,
      client: 'Weir',
      client_url: notification.baseUrl,
    };
  }

  async send(notification: Notification): Promise<DeliveryResult> {
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(this.event(notification)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      return failed(this.masker, {
        permanent: false,
        error: `cannot reach PagerDuty at ${hostOf(this.url)}: ${networkReason(error, this.timeoutMs)}`,
      });
    }
    const status = `HTTP ${response.status}`;
    if (response.status >= 200 && response.status < 300) return { ok: true, response: status };
    const reason = explain(body);
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    const after = retryAfterMs(response.headers.get('retry-after'));
    return failed(this.masker, {
      permanent: !retryable,
      error: `PagerDuty ${response.status === 400 ? 'refused the event' : 'answered'} ${status}${reason ? `: ${reason}` : ''}`,
      response: status,
      ...(retryable && after !== undefined ? { retryAfterMs: after } : {}),
    });
  }

  async close(): Promise<void> {
    // fetch keeps no connection this channel owns.
  }
}

function actionOf(notification: Notification): EventAction {
  switch (notification.event) {
    case 'trigger':
    case 'repeat':
    case 'test':
      return 'trigger';
    case 'acknowledge':
      return 'acknowledge';
    case 'resolve':
      return 'resolve';
    default: {
      const never: never = notification.event;
      throw new Error(`unexpected notification event ${String(never)}`);
    }
  }
}

/** PagerDuty's `{ message, errors: [...] }`, or the start of a body that is not JSON. */
function explain(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: unknown };
    const parts = [typeof parsed.message === 'string' ? parsed.message : ''];
    if (Array.isArray(parsed.errors)) parts.push(parsed.errors.map(String).join('; '));
    return parts.filter(Boolean).join(': ');
  } catch {
    return oneLine(body).slice(0, 200);
  }
}

/** Where a PagerDuty channel sends, for display: the host and the routing key masked. */
export function pagerDutyTarget(url: string | undefined, routingKey: string): string {
  return `${hostOf(url ?? PAGERDUTY_EVENTS_URL)} (${maskRoutingKey(routingKey)})`;
}
