// Owns sending notifications to one Slack channel through the Web API: a trigger opens a thread,
// later events reply in it, and a resolve also marks the opening message resolved. Messages to one
// Slack channel are paced (about one a second, Slack's limit for chat.postMessage), and a short
// 429 is waited out here; a long one goes back to the delivery queue as retryAfterMs.
import {
  type ChatPostMessageArguments,
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { SecretMasker } from '@weir/secrets';
import { renderSlack, type SlackMessage } from '../render.ts';
import type { AlertChannel, ChannelConfig, DeliveryResult, Notification, ThreadRef } from '../types.ts';
import { failed, hostOf, maskerOf, networkReason, sleep } from './common.ts';

export type SlackChannelConfig = Extract<ChannelConfig, { type: 'slack' }>;

export interface SlackChannelOptions {
  /** Least time between two messages to one Slack channel from this process. Default 1000 ms. */
  readonly minIntervalMs?: number;
  /**
   * A 429 asking to wait at most this long is waited out and the call retried (up to 3 times);
   * a longer one is returned as `retryAfterMs`. Default 30 s.
   */
  readonly maxInlineWaitMs?: number;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_API_URL = 'https://slack.com/api/';
const MAX_INLINE_RETRIES = 3;

/** Slack errors that may go away by themselves; every other `ok: false` needs a person (token, channel, scopes). */
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const HINTS: Record<string, string> = {
  invalid_auth: 'the token is not valid',
  not_authed: 'no token was sent',
  account_inactive: "the token's user or app has been deactivated",
  token_revoked: 'the token has been revoked',
  token_expired: 'the token has expired',
  channel_not_found: 'no such channel, or the app cannot see it',
  not_in_channel: 'invite the app to the channel (/invite @app)',
  is_archived: 'the channel is archived',
  missing_scope: 'the token lacks the chat:write scope',
};

/** A 429 too long to wait for here. */
class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Slack is rate limiting this channel: retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export class SlackChannel implements AlertChannel {
  readonly type = 'slack' as const;
  readonly target: string;
  private readonly client: WebClient;
  private readonly masker: SecretMasker;
  private readonly pacer: Pacer;
  private readonly maxInlineWaitMs: number;
  private readonly apiHost: string;

  constructor(
    readonly name: string,
    private readonly config: SlackChannelConfig,
    options: SlackChannelOptions = {},
  ) {
    const apiUrl = config.apiUrl ?? DEFAULT_API_URL;
    this.target = config.channel;
    this.apiHost = hostOf(apiUrl);
    this.masker = maskerOf(config.token);
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? 30_000;
    this.pacer = pacerFor(`${apiUrl}\u0000${config.channel}`, options.minIntervalMs ?? 1_000);
    this.client = new WebClient(config.token, {
      slackApiUrl: apiUrl,
      logger: silentLogger,
      logLevel: LogLevel.ERROR,
      // The delivery queue retries; WebClient's own policy would wait up to 30 minutes.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 30_000,
    });
  }

  async send(notification: Notification): Promise<DeliveryResult> {
    const message = renderSlack(notification);
    const thread = notification.thread;
    const inThread = notification.event !== 'trigger' && notification.event !== 'test' && hasThread(thread);
    const args: ChatPostMessageArguments = {
      channel: inThread ? thread.slackChannel : this.config.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      ...(inThread ? { thread_ts: thread.slackTs } : {}),
    };
    let posted: { channel?: string; ts?: string };
    try {
      posted = await this.pacer.run(() => this.call(() => this.client.chat.postMessage(args)));
    } catch (error) {
      return this.failure(error);
    }
    const response = `ok (channel ${posted.channel ?? '?'}, ts ${posted.ts ?? '?'})`;
    const opened: ThreadRef | undefined =
      posted.channel && posted.ts ? { slackChannel: posted.channel, slackTs: posted.ts } : undefined;
    if (notification.event === 'resolve' && inThread) {
      // The reply went out: a failure to edit the opening message must not send it again.
      const update = await this.markParentResolved(thread, message);
      return { ok: true, response: update ? `${response}; ${update}` : response };
    }
    // A standalone message (a trigger, or a later event whose thread is unknown) opens a thread.
    return inThread || !opened ? { ok: true, response } : { ok: true, response, thread: opened };
  }

  async close(): Promise<void> {
    // WebClient keeps no connection of its own.
  }

  /** Rewrites the group's first message as resolved; returns what went wrong, or '' when it worked. */
  private async markParentResolved(
    thread: Required<Pick<ThreadRef, 'slackChannel' | 'slackTs'>>,
    message: SlackMessage,
  ): Promise<string> {
    try {
      await this.call(() =>
        this.client.chat.update({
          channel: thread.slackChannel,
          ts: thread.slackTs,
          text: message.text,
          blocks: message.blocks,
        }),
      );
      return '';
    } catch (error) {
      const result = this.failure(error);
      return result.ok ? '' : `the opening message was not marked resolved: ${result.error}`;
    }
  }

  /** One Web API call, waiting out a short 429 and retrying it. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof WebAPIRateLimitedError)) throw error;
        const waitMs = error.retryAfter * 1000;
        if (waitMs > this.maxInlineWaitMs || retry >= MAX_INLINE_RETRIES) {
          this.pacer.blockFor(waitMs);
          throw new RateLimited(waitMs);
        }
        await sleep(waitMs);
      }
    }
  }

  private failure(error: unknown): DeliveryResult {
    if (error instanceof RateLimited)
      return failed(this.masker, {
        permanent: false,
        retryAfterMs: error.retryAfterMs,
        error: error.message,
        response: 'HTTP 429',
      });
    if (error instanceof WebAPIPlatformError) {
      const code = error.data.error;
      const hint = HINTS[code];
      return failed(this.masker, {
        permanent: !RETRYABLE_SLACK_ERRORS.has(code),
        error: `Slack answered ${code}${hint ? ` (${hint})` : ''} for channel ${this.config.channel}`,
        response: code,
      });
    }
    if (error instanceof WebAPIHTTPError)
      return failed(this.masker, {
        permanent: !(error.statusCode >= 500 || error.statusCode === 408),
        error: `Slack's API at ${this.apiHost} answered HTTP ${error.statusCode}`,
        response: `HTTP ${error.statusCode}`,
      });
    if (error instanceof WebAPIRequestError)
      return failed(this.masker, {
        permanent: false,
        error: `cannot reach Slack's API at ${this.apiHost}: ${networkReason(error.original, 30_000)}`,
      });
    return failed(this.masker, {
      permanent: false,
      error: `sending to Slack failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function hasThread(
  thread: ThreadRef | null,
): thread is ThreadRef & Required<Pick<ThreadRef, 'slackChannel' | 'slackTs'>> {
  return Boolean(thread?.slackChannel && thread.slackTs);
}

/** WebClient logs token-bearing request details at debug level: Weir logs the results itself. */
const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * Serializes the messages to one Slack channel and spaces them `intervalMs` apart. Shared by every
 * SlackChannel of the process that names the same channel, so two configured channels cannot
 * together exceed Slack's rate.
 */
class Pacer {
  private tail: Promise<unknown> = Promise.resolve();
  private nextAt = 0;
  private blockedUntil = 0;

  constructor(private readonly intervalMs: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      const blockedMs = this.blockedUntil - Date.now();
      if (blockedMs > 0) throw new RateLimited(blockedMs);
      const waitMs = this.nextAt - Date.now();
      if (waitMs > 0) await sleep(waitMs);
      try {
        return await task();
      } finally {
        this.nextAt = Date.now() + this.intervalMs;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** After a long 429: later messages go back to the queue at once instead of asking Slack again. */
  blockFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + ms);
  }
}

const pacers = new Map<string, Pacer>();

function pacerFor(key: string, intervalMs: number): Pacer {
  let pacer = pacers.get(key);
  if (!pacer) {
    pacer = new Pacer(intervalMs);
    pacers.set(key, pacer);
  }
  return pacer;
}
