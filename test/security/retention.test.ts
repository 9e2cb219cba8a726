// Storage limitation: unused candidate accounts are warned by email and anonymised a month later unless their owner
// signs in; old mail payloads are purged. With an injected clock and the real SMTP peer.
import { OutboxMessage } from '../../models/OutboxMessage';
import { User } from '../../models/User';
import { housekeepingJobs } from '../../server/jobs';
import { addMonths } from '../../server/services/placements';
import { useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { loginAs } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

async function idleSince(months: number, role: 'candidate' | 'staff' = 'candidate') {
  const user = await makeUser({ role });
  await User.updateOne({ _id: user._id }, { $set: { lastLoginAt: addMonths(t.clock.now(), -months) } });
  return user;
}

it('warns a candidate unused for 24 months once, and anonymises them a month later unless they sign in', async () => {
  const idle = await idleSince(25);
  const returning = await idleSince(26);
  const recent = await idleSince(3);
  const staff = await idleSince(30, 'staff');

  const first = await t.services.personalData.runRetention(t.clock.now());
  expect(first).toEqual({ warned: 2, anonymised: 0 });
  await t.deliver();
  const mail = t.smtp.to(idle.email).at(-1)!;
  expect(mail.subject).toBe('您的账户将在一个月后匿名化 · 京津冀教师桥');
  expect(mail.text).toContain('已有 24 个月没有使用');
  expect(t.smtp.to(recent.email)).toEqual([]);
  expect(t.smtp.to(staff.email)).toEqual([]);
  // The next day's run sends nothing again.
  t.clock.advance(24 * 3600 * 1000);
  expect(await t.services.personalData.runRetention(t.clock.now())).toEqual({ warned: 0, anonymised: 0 });
  await t.deliver();
  expect(t.smtp.to(idle.email)).toHaveLength(1);

  // One of them signs in within the month; the other does not.
  await loginAs(t.agent(), returning.email);
  t.clock.set(addMonths(t.clock.now(), 1));
  expect(await t.services.personalData.runRetention(t.clock.now())).toEqual({ warned: 0, anonymised: 1 });
  const gone = (await User.findById(idle._id).lean())!;
  expect(gone.name).toBe('已注销用户');
  expect(gone.erasedAt).toBeInstanceOf(Date);
  const kept = (await User.findById(returning._id).lean())!;
  expect(kept.erasedAt).toBeNull();
  expect(kept.inactivityWarnedAt).toBeNull();
});

it('purges the payloads of mail sent, dead or voided more than 90 days ago', async () => {
  const old = await OutboxMessage.create({
    dedupeKey: `old-${Date.now()}`,
    template: 'passwordReset',
    locale: 'zh-CN',
    to: 'old@test.cn',
    data: { name: '旧', link: 'http://x' },
    status: 'sent',
    enqueuedAt: new Date(),
    nextAttemptAt: new Date(),
  });
  const pending = await OutboxMessage.create({
    dedupeKey: `pending-${Date.now()}`,
    template: 'passwordReset',
    locale: 'zh-CN',
    to: 'pending@test.cn',
    data: { name: '新', link: 'http://x' },
    enqueuedAt: new Date(),
    nextAttemptAt: new Date(Date.now() + 3600 * 1000),
  });
  await OutboxMessage.collection.updateMany(
    { _id: { $in: [old._id, pending._id] } },
    { $set: { updatedAt: new Date(Date.now() - 100 * 24 * 3600 * 1000) } },
  );
  await housekeepingJobs.find((j) => j.name === 'purge-outbox')!.run(new Date());
  expect(await OutboxMessage.exists({ _id: old._id })).toBeNull();
  expect(await OutboxMessage.exists({ _id: pending._id })).not.toBeNull(); // still to be sent
});
