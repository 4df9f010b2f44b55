// SMTP fixture for tests: a real smtp-server on a free port of 127.0.0.1 (plain text, any or no login)
// that parses every mail it receives with mailparser and keeps it with its SMTP envelope.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpEnvelope {
  /** MAIL FROM address, or null for a null sender (<>). */
  from: string | null;
  /** RCPT TO addresses, in order (bcc recipients appear here, not in the headers). */
  to: string[];
}

/** A parsed mail with the envelope it was sent with. */
export type ReceivedMail = ParsedMail & { envelope: SmtpEnvelope };

export interface SmtpServerHandle {
  /** smtp://127.0.0.1:PORT, usable as a nodemailer transport URL. */
  url: string;
  host: string;
  port: number;
  /** Every mail received so far, in arrival order, each with its SMTP `envelope`. */
  messages: ReceivedMail[];
  /** Resolves with the first n messages once n have arrived; rejects after timeoutMs (default 10 s). */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Forgets the mails received so far. */
  clear(): void;
  /** Stops accepting connections and closes the open ones. */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export async function startSmtpServer(): Promise<SmtpServerHandle> {
  const host = '127.0.0.1';
  const messages: ReceivedMail[] = [];
  const events = new EventEmitter();
  const errors: Error[] = [];

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    // Accept any credentials a client chooses to send.
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    logger: false,
    hideSTARTTLS: true,
    // Force open connections shut this long after stop() (pooled transports keep theirs open).
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const envelope: SmtpEnvelope = {
        from: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address || null,
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      };
      simpleParser(stream)
        .then((parsed) => {
          messages.push(Object.assign(parsed, { envelope }));
          callback();
          events.emit('message');
        })
        .catch((err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          errors.push(error);
          callback(error);
        });
    },
  });
  // Client disconnects and protocol errors end up here; they belong to the test's client, not the fixture.
  server.on('error', () => {});

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(0, host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });

  const waitForMessages = (n: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ReceivedMail[]> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (messages.length < n) return false;
        clearTimeout(timer);
        events.off('message', check);
        resolve(messages.slice(0, n));
        return true;
      };
      const timer = setTimeout(() => {
        events.off('message', check);
        const parseErrors = errors.length
          ? `; ${errors.length} could not be parsed: ${errors[0]?.message}`
          : '';
        reject(
          new Error(
            `waitForMessages: expected ${n} mail(s) within ${timeoutMs} ms, ${messages.length} arrived${parseErrors}`,
          ),
        );
      }, timeoutMs);
      events.on('message', check);
      check();
    });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return stopped;
  };

  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    messages,
    waitForMessages,
    clear: () => {
      messages.length = 0;
    },
    stop,
  };
}
