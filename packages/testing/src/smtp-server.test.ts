// Tests for the SMTP fixture: nodemailer sends real mail over SMTP and the fixture parses it.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpServerHandle, startSmtpServer } from './smtp-server.ts';

describe('startSmtpServer', () => {
  let smtp: SmtpServerHandle;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });

  afterAll(async () => {
    await smtp?.stop();
  });

  it('listens on 127.0.0.1 with an smtp:// url', () => {
    expect(smtp.host).toBe('127.0.0.1');
    expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}`);
  });

  it('receives and parses an HTML + text mail sent with nodemailer', async () => {
    const transport = nodemailer.createTransport(smtp.url);
    try {
      await transport.sendMail({
        from: 'Weir <weir@example.test>',
        to: 'oncall@example.test',
        bcc: 'audit@example.test',
        subject: 'DAG nightly_etl failed',
        text: 'Task load_orders failed after 3 tries.',
        html: '<p>Task <b>load_orders</b> failed after 3 tries.</p>',
      });
    } finally {
      transport.close();
    }

    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.subject).toBe('DAG nightly_etl failed');
    expect(mail?.from?.value[0]?.address).toBe('weir@example.test');
    const to = Array.isArray(mail?.to) ? mail.to : [mail?.to];
    expect(to.flatMap((t) => t?.value.map((v) => v.address))).toEqual(['oncall@example.test']);
    expect(mail?.text?.trim()).toBe('Task load_orders failed after 3 tries.');
    expect(mail?.html).toContain('<b>load_orders</b>');
    expect(mail?.envelope).toEqual({
      from: 'weir@example.test',
      to: ['oncall@example.test', 'audit@example.test'],
    });
  });

  it('accepts a client that logs in', async () => {
    const before = smtp.messages.length;
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'weir', pass: 'secret' },
    });
    try {
      await transport.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'auth', text: 'hi' });
    } finally {
      transport.close();
    }
    const mails = await smtp.waitForMessages(before + 1);
    expect(mails.at(-1)?.subject).toBe('auth');
  });

  it('says how many mails arrived when waitForMessages times out', async () => {
    const count = smtp.messages.length;
    await expect(smtp.waitForMessages(count + 1, 50)).rejects.toThrow(
      `expected ${count + 1} mail(s) within 50 ms, ${count} arrived`,
    );
  });
});
