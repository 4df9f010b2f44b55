// Owns sending notifications by email over SMTP (nodemailer): one mail per event, HTML and plain
// text with the same content; the trigger's Message-ID is the thread that later events reply to.
import type { SecretMasker } from '@weir/secrets';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { headline, renderHtml, renderText } from '../render.ts';
import type { AlertChannel, ChannelConfig, DeliveryResult, Notification } from '../types.ts';
import { failed, hostOf, maskerOf, oneLine, urlPassword } from './common.ts';

export type EmailChannelConfig = Extract<ChannelConfig, { type: 'email' }>;

export interface EmailChannelOptions {
  /** Connecting, greeting and each SMTP command. Default 15 s. */
  readonly timeoutMs?: number;
}

/** nodemailer's codes for failures that no retry can fix when the server gave no reply code. */
const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE']);

export class EmailChannel implements AlertChannel {
  readonly type = 'email' as const;
  readonly target: string;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly masker: SecretMasker;
  private readonly host: string;

  constructor(
    readonly name: string,
    private readonly config: EmailChannelConfig,
    options: EmailChannelOptions = {},
  ) {
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.target = config.to.join(', ');
    this.host = hostOf(config.smtpUrl);
    this.masker = maskerOf(config.smtpUrl, ...urlPassword(config.smtpUrl));
    this.transport = createTransport({
      url: config.smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as SMTPTransport.Options);
  }

  async send(notification: Notification): Promise<DeliveryResult> {
    const parent =
      notification.event === 'trigger' || notification.event === 'test'
        ? undefined
        : notification.thread?.emailMessageId;
    const subject = parent ? `Re: [Weir] ${notification.summary}` : `[Weir] ${headline(notification)}`;
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: [...this.config.to],
        subject: oneLine(subject),
        text: renderText(notification),
        html: renderHtml(notification),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Weir-Group': notification.groupKey },
        ...(parent ? { inReplyTo: parent, references: [parent] } : {}),
      });
      const response = oneLine(this.masker.mask(info.response ?? ''));
      // A standalone mail (a trigger, or a later event whose thread is unknown) starts a thread.
      return parent
        ? { ok: true, response }
        : { ok: true, response, thread: { emailMessageId: info.messageId } };
    } catch (error) {
      return this.failure(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private failure(error: unknown): DeliveryResult {
    const { code, responseCode, response } = (error ?? {}) as {
      code?: string;
      responseCode?: number;
      response?: string;
    };
    const message = error instanceof Error ? error.message : String(error);
    const permanent =
      typeof responseCode === 'number'
        ? responseCode >= 500
        : code !== undefined && PERMANENT_CODES.has(code);
    const refused = typeof responseCode === 'number' || (code !== undefined && PERMANENT_CODES.has(code));
    return failed(this.masker, {
      permanent,
      error: refused
        ? `the SMTP server at ${this.host} refused the mail: ${message}`
        : `cannot send through the SMTP server at ${this.host}: ${message}`,
      ...(response ? { response } : {}),
    });
  }
}
