import { Types } from 'mongoose';
import { createLogger } from '../../server/logger';
import { createSmtpTransport } from '../../server/mail/transport';
import { MailWorker } from '../../server/mail/worker';
import { trusted } from 'mongoose';
import { OutboxMessage } from '../../models/OutboxMessage';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeOrg, unique } from '../helpers/builders';
import { submitForm } from '../helpers/http';

const t = useTestApp();

async function register(email: string) {
  const res = await submitForm(t.agent(), '/register', {
    name: '邮件测试',
    email,
    password: TEST_PASSWORD,
    passwordConfirm: TEST_PASSWORD,
    privacy: '1',
  });
  expect(res.status).toBe(303);
}

describe('the outbox', () => {
  it('when the SMTP server is down, then the verification email waits and is delivered exactly once when it returns', async () => {
    const email = `${unique('outage')}@test.cn`;
    await t.smtp.stop();
    await register(email);
    expect(await t.deliver()).toBe(0);
    const waiting = await OutboxMessage.findOne({ to: email }).lean();
    expect(waiting?.status).toBe('pending');
    expect(waiting?.attempts).toBe(1);
    expect(waiting?.lastError).not.toBe('');

    await t.smtp.restart();
    expect(await t.deliver()).toBe(0); // not due yet: backing off
    t.clock.advance(60 * 60 * 1000);
    expect(await t.deliver()).toBe(1);
    t.clock.advance(60 * 60 * 1000);
    expect(await t.deliver()).toBe(0);
    expect(t.smtp.to(email)).toHaveLength(1);
    const sent = await OutboxMessage.findOne({ to: email }).lean();
    expect(sent?.status).toBe('sent');
    expect(sent?.attempts).toBe(2);
    // The one-time link does not stay in the database once the email is out.
    expect(JSON.stringify(sent?.data)).not.toContain('verify-email');
  });

  it('when the server answers 451 it is retried, and when it answers 550 the message is dead and not retried', async () => {
    const retry = `${unique('greylisted')}@test.cn`;
    t.smtp.refuseWith = 451;
    await register(retry);
    await t.deliver();
    t.smtp.refuseWith = null;
    t.clock.advance(60 * 60 * 1000);
    await t.deliver();
    expect(t.smtp.to(retry)).toHaveLength(1);

    const bounced = `${unique('bounce')}@test.cn`;
    t.smtp.refuseWith = 550;
    await register(bounced);
    await t.deliver();
    t.smtp.refuseWith = null;
    t.clock.advance(24 * 60 * 60 * 1000);
    await t.deliver();
    expect(t.smtp.to(bounced)).toHaveLength(0);
    expect((await OutboxMessage.findOne({ to: bounced }).lean())?.status).toBe('dead');
  });

  it('when two app instances deliver the same outbox at once, then every email is sent once', async () => {
    const org = await makeOrg();
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const to = `${unique('burst')}@test.cn`;
      ids.push(to);
      await t.services.outbox.enqueue({
        dedupeKey: unique('burst'),
        template: 'organisationVerified',
        locale: 'zh-CN',
        to,
        data: { name: '并发', organisation: org.name, link: 'http://teachbridge.test/organisation' },
      });
    }
    const workers = [1, 2].map(
      (n) =>
        new MailWorker({
          transport: createSmtpTransport(t.smtp.url),
          clock: t.clock,
          logger: createLogger('silent'),
          from: 'TeachBridge <no-reply@teachbridge.test>',
          messageIdDomain: 'teachbridge.test',
          instanceId: `instance-${n}`,
        }),
    );
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(workers.map((w) => w.runOnce()));
    }
    const received = t.smtp.received.filter((m) => ids.includes(m.to[0]!));
    expect(received).toHaveLength(20);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(20);
    expect(await OutboxMessage.countDocuments({ to: trusted({ $in: ids }), status: 'sent' })).toBe(20);
  });

  it('when the same intent is enqueued twice, then only one email exists and its Message-ID is stable', async () => {
    const to = `${unique('dedupe')}@test.cn`;
    const intent = {
      dedupeKey: unique('dedupe'),
      template: 'joinApproved',
      locale: 'en',
      to,
      data: { name: 'Li Na', organisation: 'Fuping Primary', link: 'http://teachbridge.test/organisation' },
    };
    expect(await t.services.outbox.enqueue(intent)).toBe(true);
    expect(await t.services.outbox.enqueue(intent)).toBe(false);
    await t.deliver();
    const [mail] = t.smtp.to(to);
    const row = await OutboxMessage.findOne({ to }).lean();
    expect(mail?.messageId).toBe(`<outbox-${row!._id}@teachbridge.test>`);
    expect(mail?.subject).toBe('You have joined “Fuping Primary”');
    expect(mail?.text).toContain('Dear Li Na,');
  });

  it('when an email announces a change that never happens, then it is voided, and when the change lands late it is sent', async () => {
    const ghost = `${unique('ghost')}@test.cn`;
    await t.services.outbox.enqueue({
      dedupeKey: unique('ghost'),
      template: 'joinApproved',
      locale: 'zh-CN',
      to: ghost,
      data: { name: '幽灵', organisation: '不存在', link: 'http://teachbridge.test/' },
      guard: { model: 'User', id: String(new Types.ObjectId()) },
    });
    const lateId = new Types.ObjectId();
    const late = `${unique('late')}@test.cn`;
    await t.services.outbox.enqueue({
      dedupeKey: unique('late'),
      template: 'joinApproved',
      locale: 'zh-CN',
      to: late,
      data: { name: '迟到', organisation: '某校', link: 'http://teachbridge.test/' },
      guard: { model: 'User', id: String(lateId), path: 'membership', value: 'active' },
    });
    await t.deliver();
    expect(t.smtp.to(late)).toHaveLength(0);
    await User.create({
      _id: lateId,
      email: `${unique('late-user')}@test.cn`,
      name: '迟到',
      passwordHash: 'x',
      role: 'staff',
      membership: 'active',
    });
    t.clock.advance(2000);
    await t.deliver();
    expect(t.smtp.to(late)).toHaveLength(1);

    // Still invisible after the grace period: void, never sent.
    t.clock.advance(10 * 60 * 1000);
    await t.deliver();
    expect((await OutboxMessage.findOne({ to: ghost }).lean())?.status).toBe('void');
    expect(t.smtp.to(ghost)).toHaveLength(0);
  });

  it('when a subject would carry a line break, then it is folded into one header line and no extra recipient appears', async () => {
    const to = `${unique('inject')}@test.cn`;
    await t.services.outbox.enqueue({
      dedupeKey: unique('inject'),
      template: 'organisationVerified',
      locale: 'zh-CN',
      to,
      data: { name: 'x', organisation: '某校\r\nBcc: victim@evil.example', link: 'http://teachbridge.test/' },
    });
    await t.deliver();
    const [mail] = t.smtp.to(to);
    expect(mail?.to).toEqual([to]);
    expect(mail?.subject).not.toMatch(/[\r\n]/);
    expect(t.smtp.received.some((m) => m.to.includes('victim@evil.example'))).toBe(false);
  });
});
