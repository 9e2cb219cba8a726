// The school's side of new applications: an email per application or a daily digest (each staff member chooses in
// their account settings), with nothing about the applicant in it; and the staff vacancy list with applicant counts
// per stage, sorting and filters.
import mongoose from 'mongoose';
import { Announcement } from '../../models/Announcement';
import { Application } from '../../models/Application';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

jest.setTimeout(180_000);

const t = useTestApp({ start: new Date('2026-12-01T03:00:00Z') });
const DAY = 86_400_000;

async function school() {
  const org = await makeOrg({ county: '130722' });
  return org;
}

function openPost(
  org: Awaited<ReturnType<typeof school>>,
  title: string,
  fields: Parameters<typeof makeOpenVacancy>[1] = {},
) {
  return makeOpenVacancy(org, {
    title,
    maxAge: 35,
    mandarinLevel: '2B',
    certificateType: 'junior',
    deadline: new Date(t.clock.now().getTime() + 20 * DAY),
    ...fields,
  });
}

async function applyAs(name: string, vacancyId: string) {
  const c = await makeCandidate(t, name);
  const res = await submitForm(c.agent, `/jobs/${vacancyId}/apply`, {
    statement: '我的身份证号是保密的',
    consent: '1',
  });
  expect(res.status).toBe(303);
  return c;
}

describe('new application emails for staff', () => {
  it('when a candidate applies, then each staff member of the school who chose it gets one email in their language, naming the post but nothing about the applicant', async () => {
    const org = await school();
    const zh = await makeUser({ role: 'staff', org: org._id, membership: 'active' });
    const en = await makeUser({ role: 'staff', org: org._id, membership: 'active', locale: 'en' });
    const pending = await makeUser({ role: 'staff', org: org._id, membership: 'pending' });
    const elsewhere = await makeUser({ role: 'staff', org: (await school())._id, membership: 'active' });
    const vacancy = await openPost(org, '初中英语教师（新报名通知）');
    const { user } = await applyAs('欧阳保密', String(vacancy._id));
    await t.deliver();

    const [mail] = t.smtp.to(zh.email);
    expect(t.smtp.to(zh.email)).toHaveLength(1);
    expect(mail!.subject).toBe('新报名：初中英语教师（新报名通知）');
    expect(mail!.text).toContain(`/manage/vacancies/${String(vacancy._id)}/applications`);
    expect(mail!.text).toContain('/account');
    const english = t.smtp.to(en.email);
    expect(english).toHaveLength(1);
    expect(english[0]!.subject).toBe('New application: 初中英语教师（新报名通知）');
    for (const m of [mail!, english[0]!]) {
      for (const secret of ['欧阳保密', user.email, '13912345678', '130722', '我的身份证号是保密的']) {
        expect(m.text).not.toContain(secret);
        expect(m.html).not.toContain(secret);
      }
    }
    expect(t.smtp.to(pending.email)).toHaveLength(0);
    expect(t.smtp.to(elsewhere.email)).toHaveLength(0);
  });

  it('when a staff member chooses the daily digest or none in account settings, then they get one digest a day counting per post, or nothing', async () => {
    const org = await school();
    const daily = await makeUser({ role: 'staff', org: org._id, membership: 'active' });
    const none = await makeUser({ role: 'staff', org: org._id, membership: 'active' });
    for (const [person, choice] of [
      [daily, 'daily'],
      [none, 'none'],
    ] as const) {
      const agent = t.agent();
      await loginAs(agent, person.email);
      const settings = await agent.get('/account');
      // The current choice (the default: each application) is shown; the three choices are offered.
      expect(settings.text).toMatch(/<option value="each" selected>每收到一份报名就发邮件<\/option>/);
      expect(settings.text).toContain('每天一封汇总邮件');
      const saved = await submitForm(agent, '/account', {
        name: person.name,
        locale: 'zh-CN',
        applicationMail: choice,
      });
      expect(saved.status).toBe(303);
      expect((await User.findById(person._id).lean())!.applicationMail).toBe(choice);
      expect((await agent.get('/account')).text).toContain(`<option value="${choice}" selected>`);
    }
    const a = await openPost(org, '初中英语教师（汇总甲）');
    const b = await openPost(org, '初中数学教师（汇总乙）', { subject: 'math', certificateType: '' });
    await applyAs('汇总一', String(a._id));
    await applyAs('汇总二', String(a._id));
    await applyAs('汇总三', String(b._id));
    await t.deliver();
    expect(t.smtp.to(daily.email)).toHaveLength(0);

    // The day's digest (the scheduled job, for the day that ended at the next 00:00 UTC), then a rerun.
    const until = new Date(Math.ceil(t.clock.now().getTime() / DAY) * DAY);
    expect(await t.services.applications.sendStaffDigests(until)).toBeGreaterThanOrEqual(1);
    await t.services.applications.sendStaffDigests(until);
    await t.deliver();
    const digests = t.smtp.to(daily.email);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toBe('新报名汇总：共 3 份');
    expect(digests[0]!.text).toContain('初中英语教师（汇总甲） · 2 份');
    expect(digests[0]!.text).toContain('初中数学教师（汇总乙） · 1 份');
    for (const secret of ['汇总一', '汇总二', '汇总三']) expect(digests[0]!.text).not.toContain(secret);
    expect(t.smtp.to(none.email)).toHaveLength(0);
    // The next day, nothing new: no digest.
    await t.services.applications.sendStaffDigests(new Date(until.getTime() + DAY));
    await t.deliver();
    expect(t.smtp.to(daily.email)).toHaveLength(1);
  });

  it('when the choice is left empty or is not one of the three, then the settings page says so naming the field and keeps the name typed', async () => {
    const org = await school();
    const staff = await makeUser({ role: 'staff', org: org._id, membership: 'active' });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    for (const value of ['', 'hourly']) {
      const res = await submitForm(agent, '/account', { name: '新名字', locale: 'zh-CN', applicationMail: value });
      expect(res.status).toBe(422);
      expect(res.text).toContain('新报名通知');
      expect(res.text).toContain('请从列表中选择');
      expect(res.text).toContain('value="新名字"');
    }
    expect((await User.findById(staff._id).lean())!.applicationMail).toBe('each');
    // A candidate is offered no such choice, and sending one changes nothing.
    const { user, agent: candidate } = await makeCandidate(t, '候选人');
    expect((await candidate.get('/account')).text).not.toContain('新报名通知');
    await submitForm(candidate, '/account', { name: '候选人', locale: 'zh-CN', applicationMail: 'none' });
    expect((await User.findById(user._id).lean())!.applicationMail).toBe('each');
  });
});

describe('the staff vacancy list', () => {
  it('when posts have applicants, then each row counts them per stage (one query for the page, only the school’s own), and the list sorts by deadline or status and filters by status, keyword and drive', async () => {
    const org = await school();
    const staff = await makeUser({ role: 'staff', org: org._id, membership: 'active', locale: 'zh-CN' });
    const drive = await Announcement.create({
      issuer: org._id,
      unitCode: org.unitCode,
      programme: 'open_recruitment',
      title: '2027 年张北县公开招聘（列表测试）',
      status: 'open',
    });
    const later = await openPost(org, '初中英语教师（列表甲）', {
      deadline: new Date(t.clock.now().getTime() + 20 * DAY),
    });
    const sooner = await openPost(org, '初中英语教师（列表乙）', {
      deadline: new Date(t.clock.now().getTime() + 5 * DAY),
      announcementId: String(drive._id),
    });
    const draft = await openPost(org, '初中英语教师（列表丙草稿）');
    await Vacancy.updateOne({ _id: draft._id }, { $set: { status: 'draft' } });
    await Vacancy.updateOne({ _id: sooner._id }, { $set: { announcement: drive._id } });
    const actor = toActor(staff);
    const applicationOf = async (email: string) =>
      String((await Application.findOne({ candidate: (await User.findOne({ email }).lean())!._id }).lean())!._id);
    const one = await applyAs('列表一', String(later._id));
    await applyAs('列表二', String(later._id));
    await t.services.applications.move({ actor }, await applicationOf(one.user.email), { action: 'advance' });
    await applyAs('列表三', String(sooner._id));
    const four = await applyAs('列表四', String(sooner._id));
    await t.services.applications.move({ actor }, await applicationOf(four.user.email), {
      action: 'reject',
      reason: 'documents',
      message: '',
    });
    // Another school's post and applicants: never in this list, nor in its counts.
    const other = await school();
    const foreign = await openPost(other, '初中英语教师（别校）');
    await applyAs('别校一', String(foreign._id));

    const agent = t.agent();
    await loginAs(agent, staff.email);
    const queries: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => queries.push(`${collection}.${method}`));
    let page;
    try {
      page = await agent.get('/manage/vacancies');
    } finally {
      mongoose.set('debug', false);
    }
    expect(page.status).toBe(200);
    expect(queries.filter((q) => q.startsWith('applications.'))).toHaveLength(1);
    const row = (title: string) => {
      const at = page.text.indexOf(title);
      // As the browser reads it (Handlebars writes `=` as `&#x3D;`).
      return at < 0 ? '' : page.text.slice(at, page.text.indexOf('</tr>', at)).replace(/&#x3D;/g, '=');
    };
    expect(row('初中英语教师（列表甲）')).toContain('共 2 人');
    expect(row('初中英语教师（列表甲）')).toContain('已报名 1');
    expect(row('初中英语教师（列表甲）')).toContain('资格审查 1');
    expect(row('初中英语教师（列表甲）')).toContain(
      `/manage/vacancies/${String(later._id)}/applications?stage=qualification_review`,
    );
    expect(row('初中英语教师（列表乙）')).toContain('共 2 人');
    expect(row('初中英语教师（列表乙）')).toContain('未通过 1');
    expect(row('初中英语教师（列表丙草稿）')).toContain('暂无报名');
    expect(page.text).not.toContain('别校');

    const order = (text: string, titles: string[]) => titles.map((x) => text.indexOf(x));
    const byDeadline = (await agent.get('/manage/vacancies?sort=deadline')).text;
    const [a, b] = order(byDeadline, ['（列表乙）', '（列表甲）']);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(b!);
    const byStatus = (await agent.get('/manage/vacancies?sort=status')).text;
    const [open1, open2, drafted] = order(byStatus, ['（列表乙）', '（列表甲）', '（列表丙草稿）']);
    expect(Math.max(open1!, open2!)).toBeLessThan(drafted!);

    const drafts = (await agent.get('/manage/vacancies?status=draft')).text;
    expect(drafts).toContain('（列表丙草稿）');
    expect(drafts).not.toContain('（列表甲）');
    expect(drafts).toContain('<option value="draft" selected>');
    const keyword = (await agent.get(`/manage/vacancies?q=${encodeURIComponent('列表甲')}`)).text;
    expect(keyword).toContain('（列表甲）');
    expect(keyword).not.toContain('（列表乙）');
    expect(keyword).toContain('value="列表甲"');
    const byDrive = (await agent.get(`/manage/vacancies?announcement=${String(drive._id)}`)).text;
    expect(byDrive).toContain('（列表乙）');
    expect(byDrive).not.toContain('（列表甲）');
    expect(byDrive).toContain('2027 年张北县公开招聘（列表测试）');
    const none = await agent.get(`/manage/vacancies?q=${encodeURIComponent('没有这个岗位')}`);
    expect(none.text).toContain('没有符合条件的岗位');
    // Nonsense in the address is ignored, never a 500.
    for (const q of ['status=hacked&sort=%24where', 'announcement[$ne]=x&page=-4', 'page=abc&q[]=1']) {
      expect((await agent.get(`/manage/vacancies?${q}`)).status).toBe(200);
    }
  });
});
