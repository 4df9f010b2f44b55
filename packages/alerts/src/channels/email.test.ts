// The email channel against real SMTP servers: the shared fixture (accepts every mail, parses it)
// and, for refusals, an smtp-server of this file's own that answers with a chosen reply code.
import type { AddressInfo } from 'node:net';
import { freePort, type SmtpServerHandle, startSmtpServer } from '@weir/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleIncident, sampleNotification } from '../sample-notifications.ts';
import type { AlertChannel, DeliveryResult } from '../types.ts';
import { createChannel } from './create.ts';

const PASSWORD = 'smtp-secret-pa55word';

let smtp: SmtpServerHandle;
const opened: AlertChannel[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await smtp.stop();
});
beforeEach(() => smtp.clear());

function email(smtpUrl = `smtp://weir:${PASSWORD}@${smtp.host}:${smtp.port}`) {
  const channel = createChannel('oncall-mail', {
    type: 'email',
    to: ['oncall@example.com', 'b@example.com'],
    from: 'weir@example.com',
    smtpUrl,
  });
  opened.push(channel);
  return channel;
}

/** An SMTP server that refuses every recipient (or every login) with `reply`. */
async function refusingServer(reply: { code: number; message: string; at: 'rcpt' | 'auth' }) {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(_auth, _session, callback) {
      if (reply.at !== 'auth') return callback(null, { user: 'weir' });
      callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
    },
    onRcptTo(_address, _session, callback) {
      if (reply.at !== 'rcpt') return callback();
      callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function expectNoPassword(result: DeliveryResult): void {
  expect(JSON.stringify(result)).not.toContain(PASSWORD);
}

describe('email channel', () => {
  it('sends HTML and text with the same content, and returns the Message-ID as the thread', async () => {
    const channel = email();
    expect(channel.target).toBe('oncall@example.com, b@example.com');
    const incident = sampleIncident({ occurrences: 2 });
    const result = await channel.send(sampleNotification({ incidents: [incident] }));
    expect(result).toMatchObject({ ok: true, response: expect.stringMatching(/^250 /) });

    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.subject).toBe('[Weir] Task failed: etl_daily.load_orders');
    expect(mail?.envelope).toEqual({ from: 'weir@example.com', to: ['oncall@example.com', 'b@example.com'] });
    expect(result.ok && result.thread).toEqual({ emailMessageId: mail?.messageId });
    for (const part of [
      'DAG: etl_daily',
      'Run: scheduled__2024-05-01T00:00:00+00:00',
      'Task: load_orders',
      'Try: 3',
      'State: open, 2 occurrences',
      'relation "orders" does not exist',
      incident.url,
    ])
      expect(mail?.text).toContain(part);
    const html = String(mail?.html);
    for (const part of [
      'etl_daily',
      'load_orders',
      'open, 2 occurrences',
      'relation &quot;orders&quot; does not exist',
    ])
      expect(html).toContain(part);
    expect(html).toContain(`href="${incident.url.replace(/&/g, '&amp;')}"`);
  });

  it('sends the resolve as a reply to the trigger', async () => {
    const channel = email();
    const trigger = await channel.send(sampleNotification());
    const thread = trigger.ok ? (trigger.thread ?? null) : null;
    expect(thread?.emailMessageId).toMatch(/^<.+@.+>$/);
    const resolve = await channel.send(sampleNotification({ event: 'resolve', thread }));
    expect(resolve.ok).toBe(true);
    expect(resolve.ok && resolve.thread).toBeFalsy();

    const [first, reply] = await smtp.waitForMessages(2);
    expect(reply?.inReplyTo).toBe(first?.messageId);
    expect(reply?.references).toBe(first?.messageId);
    expect(reply?.subject).toBe('Re: [Weir] Task failed: etl_daily.load_orders');
    expect(reply?.text).toMatch(/^Resolved: Task failed: etl_daily\.load_orders\nIt has resolved\./);
  });

  it('calls a 5xx reply permanent and a 4xx reply retryable', async () => {
    const rejecting = await refusingServer({ code: 550, message: 'no such mailbox', at: 'rcpt' });
    const busy = await refusingServer({ code: 451, message: 'try again later', at: 'rcpt' });
    try {
      const refused = await email(`smtp://weir:${PASSWORD}@127.0.0.1:${rejecting.port}`).send(
        sampleNotification(),
      );
      expect(refused).toMatchObject({ ok: false, permanent: true });
      expect(refused.ok === false && refused.error).toMatch(/refused the mail: .*550 no such mailbox/);
      const later = await email(`smtp://weir:${PASSWORD}@127.0.0.1:${busy.port}`).send(sampleNotification());
      expect(later).toMatchObject({ ok: false, permanent: false });
      for (const result of [refused, later]) expectNoPassword(result);
    } finally {
      await Promise.all([rejecting.stop(), busy.stop()]);
    }
  });

  it('never shows the password when the login is refused or the server is unreachable', async () => {
    const auth = await refusingServer({ code: 535, message: 'bad credentials', at: 'auth' });
    try {
      const refused = await email(`smtp://weir:${PASSWORD}@127.0.0.1:${auth.port}`).send(
        sampleNotification(),
      );
      expect(refused).toMatchObject({ ok: false, permanent: true });
      expect(refused.ok === false && refused.error).toMatch(/refused the mail: .*535 bad credentials/);
      expectNoPassword(refused);
    } finally {
      await auth.stop();
    }
    const unreachable = await email(`smtp://weir:${PASSWORD}@127.0.0.1:${await freePort()}`).send(
      sampleNotification(),
    );
    expect(unreachable).toMatchObject({ ok: false, permanent: false });
    expect(unreachable.ok === false && unreachable.error).toContain('ECONNREFUSED');
    expectNoPassword(unreachable);
  });
});
