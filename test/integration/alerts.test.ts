import { JobAlert } from '../../models/JobAlert';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;

async function candidateWithAlert(query: string, frequency = 'daily', locale: 'zh-CN' | 'en' = 'zh-CN') {
  const candidate = await makeUser({ locale, name: '李娜' });
  const agent = t.agent();
  await loginAs(agent, candidate.email);
  const res = await submitForm(agent, `/jobs?${query}`, { query, frequency }, '/me/alerts');
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/jobs?${query}`);
  const alert = await JobAlert.findOne({ user: candidate._id }).lean();
  return { candidate, agent, alert: alert! };
}

describe('job alerts', () => {
  it('when a matching vacancy opens, then exactly one digest arrives with it and an unsubscribe header; with nothing new, none', async () => {
    const school = await makeOrg({ county: '130828', name: '围场县第一小学' });
    const { candidate, agent } = await candidateWithAlert('unit=1308&subject=music');
    expect((await agent.get('/me/alerts')).text).toContain('承德市 · 音乐');

    t.clock.advance(60_000);
    await makeOpenVacancy(
      school,
      { title: '小学音乐教师', stage: 'primary', subject: 'music', certificateType: 'primary' },
      { openedAt: t.clock.now() },
    );
    await makeOpenVacancy(
      school,
      { title: '小学数学教师', stage: 'primary', subject: 'math', certificateType: 'primary' },
      { openedAt: t.clock.now() },
    );

    t.clock.advance(DAY);
    expect(await t.services.alerts.sendDigests(t.clock.now())).toBe(1);
    await t.deliver();
    const mails = t.smtp.to(candidate.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('岗位提醒：小学音乐教师 等 1 个新岗位');
    expect(mails[0]!.text).toContain('小学音乐教师');
    expect(mails[0]!.text).not.toContain('小学数学教师');
    const header = (name: string) =>
      (mails[0]!.parsed.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r?\n/g, ''); // unfolded
    expect(header('list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <http:\/\/teachbridge\.test\/alerts\/unsubscribe\/\w+\/[\w-]+>$/,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    // Running again the same day, or the next day with nothing new, sends nothing.
    expect(await t.services.alerts.sendDigests(t.clock.now())).toBe(0);
    t.clock.advance(DAY);
    expect(await t.services.alerts.sendDigests(t.clock.now())).toBe(0);
    await t.deliver();
    expect(t.smtp.to(candidate.email)).toHaveLength(1);
  });

  it('when the unsubscribe link is used without signing in, then the alert stops; a forged link does nothing', async () => {
    const school = await makeOrg({ county: '130624' });
    const { candidate, alert } = await candidateWithAlert('county=130624', 'daily', 'en');
    t.clock.advance(60_000);
    await makeOpenVacancy(
      school,
      { title: 'Primary English teacher', stage: 'primary', certificateType: 'primary' },
      { openedAt: t.clock.now() },
    );
    t.clock.advance(DAY);
    await t.services.alerts.sendDigests(t.clock.now());
    await t.deliver();
    const mail = t.smtp.to(candidate.email)[0]!;
    expect(mail.subject).toBe('Job alert: 1 new, including Primary English teacher');
    const link = /http:\/\/teachbridge\.test(\/alerts\/unsubscribe\/\S+)/.exec(mail.text)![1]!;

    const forged = await t.agent().post(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    expect(forged.status).toBe(404);
    expect((await JobAlert.findById(alert._id).lean())?.active).toBe(true);

    const confirm = await t.agent().get(link);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('确认退订');
    // One-click: what a mail client sends, with no session and no CSRF token.
    const res = await t.agent().post(link).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect((await JobAlert.findById(alert._id).lean())?.active).toBe(false);

    await makeOpenVacancy(
      school,
      { title: 'Another teacher', stage: 'primary', certificateType: 'primary' },
      { openedAt: t.clock.now() },
    );
    t.clock.advance(DAY);
    await t.services.alerts.sendDigests(t.clock.now());
    await t.deliver();
    expect(t.smtp.to(candidate.email)).toHaveLength(1);
  });

  it('when an alert is weekly, then a day is not enough for a digest but a week is', async () => {
    const school = await makeOrg({ county: '130533' });
    const { candidate } = await candidateWithAlert('county=130533', 'weekly');
    t.clock.advance(60_000);
    await makeOpenVacancy(school, {}, { openedAt: t.clock.now() });
    t.clock.advance(DAY);
    await t.services.alerts.sendDigests(t.clock.now());
    await t.deliver();
    expect(t.smtp.to(candidate.email)).toHaveLength(0);
    t.clock.advance(6 * DAY);
    await t.services.alerts.sendDigests(t.clock.now());
    await t.deliver();
    expect(t.smtp.to(candidate.email)).toHaveLength(1);
  });

  it('when someone other than a candidate tries to save or remove alerts, then it is refused', async () => {
    const staff = t.agent();
    await loginAs(staff, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await submitForm(staff, '/jobs', { query: '', frequency: 'daily' }, '/me/alerts')).status).toBe(403);
    const { alert } = await candidateWithAlert('stage=primary');
    const other = t.agent();
    await loginAs(other, (await makeUser()).email);
    expect((await submitForm(other, '/jobs', {}, `/me/alerts/${alert._id}/delete`)).status).toBe(404);
    expect((await JobAlert.findById(alert._id).lean())?.active).toBe(true);
  });
});
