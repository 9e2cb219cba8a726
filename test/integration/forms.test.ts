// Bad input across the forms: dates that do not exist, numbers written loosely, limits stated and named, and the
// inputs carrying the rules the server applies.
import type { z } from 'zod';
import { Application } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { Vacancy } from '../../models/Vacancy';
import { toActor } from '../../server/services/actor';
import { registerSchema } from '../../routes/account';
import { announcementSchema, vacancySchema } from '../../routes/manage';
import { profileSchema } from '../../routes/me';
import { referralSchema } from '../../routes/partner';
import { formRules } from '../../routes/schemas';
import { programmeSchema } from '../../routes/sponsor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser, unique } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;
const dateIn = (days: number) => new Date(t.clock.now().getTime() + days * DAY + 8 * 3600e3).toISOString().slice(0, 10);

async function staffOf(kind: 'school' | 'university' | 'sponsor' = 'school') {
  const org =
    kind === 'school'
      ? await makeOrg({ county: '130722' })
      : await makeOrg({ kind, county: '110108', name: unique(kind === 'sponsor' ? '春晖基金会' : '首都师范大学') });
  const staff = await makeUser({ role: 'staff', org: org._id });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { org, staff, agent };
}

const vacancyForm = (schoolId: string, fields: Record<string, string> = {}) => ({
  title: '初中英语教师',
  schoolId,
  countyCode: '130722',
  stage: 'junior',
  subject: 'english',
  postType: 'special_post',
  headcount: '2',
  announcementId: '',
  education: 'bachelor',
  certificateType: 'junior',
  maxAge: '30',
  mandarinLevel: '2B',
  payMin: '4200',
  payMax: '5200',
  ruralSubsidy: '600',
  description: '张北县农村初中。',
  deadline: dateIn(20),
  pipeline: 'special_post',
  ...fields,
});

/** The error summary's lines, as a person reads them. */
function summary(html: string): string[] {
  const box = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return [...box.matchAll(/<li><a href="#f-[^"]+">([^<]*)<\/a><\/li>/g)].map((m) => m[1]!.replace(/&#x3D;/g, '='));
}

describe('dates', () => {
  it('when a vacancy deadline does not exist (2027-02-30, 2027-13-01) or is more than two years ahead, then the form is shown again naming the deadline, with everything typed kept, and nothing is saved', async () => {
    const { org, agent } = await staffOf();
    const far = dateIn(2 * 365 + 5);
    for (const deadline of ['2027-02-30', '2027-13-01', '2027-2-3', far]) {
      const res = await submitForm(agent, '/manage/vacancies/new', vacancyForm(String(org._id), { deadline }));
      expect([deadline, res.status]).toEqual([deadline, 422]);
      const lines = summary(res.text);
      expect(lines.some((l) => l.startsWith('报名截止：'))).toBe(true);
      expect(lines.join()).toContain(deadline === far ? '不能晚于今天起两年' : '请输入存在的日期');
      expect(res.text).toContain(`value="${deadline}"`);
      expect(res.text).toContain('value="初中英语教师"');
    }
    expect(await Vacancy.countDocuments({ school: org._id })).toBe(0);
    const ok = await submitForm(
      agent,
      '/manage/vacancies/new',
      vacancyForm(String(org._id), { deadline: dateIn(700) }),
    );
    expect(ok.status).toBe(303);
  });

  it('when an announcement phase date does not exist, then the summary names the phase and the date, not a rolled-over day or a 500', async () => {
    const { agent } = await staffOf();
    const res = await submitForm(agent, '/manage/announcements/new', {
      programme: 'open_recruitment',
      title: '2027 年张北县公开招聘教师公告',
      registrationStart: '2027-02-30',
      registrationEnd: '2027-03-10',
    });
    expect(res.status).toBe(422);
    expect(summary(res.text)).toContain('网上报名开始：请输入存在的日期，格式为 年-月-日，如 2027-03-01。');
    expect(res.text).toContain('value="2027-02-30"');
  });

  it('when a profile date does not exist, then the summary names the row and the field, and the other values stay', async () => {
    const { user, agent } = await makeCandidate(t, '赵丽');
    const res = await submitForm(agent, '/me/profile', {
      legalName: '赵丽',
      phone: '13912345678',
      edu0Institution: '河北师范大学',
      edu0Level: 'bachelor',
      edu0Graduation: '2026-13-01',
      availableFrom: '2026-02-29',
    });
    expect(res.status).toBe(422);
    const lines = summary(res.text);
    expect(lines).toContain('学历 1 · 毕业时间：请输入存在的日期，格式为 年-月-日，如 2027-03-01。');
    expect(lines).toContain('最早到岗时间：请输入存在的日期，格式为 年-月-日，如 2027-03-01。');
    expect(res.text).toContain('value="河北师范大学"');
    const stored = (await CandidateProfile.findOne({ user: user._id }).lean())!;
    expect(stored.availableFrom ?? null).toBeNull();
  });

  it('when a sponsor programme starts on a day that does not exist, or its places are written as 1e2, then both are named and nothing is saved', async () => {
    const { org, agent } = await staffOf('sponsor');
    const res = await submitForm(
      agent,
      '/sponsor/programmes/new',
      {
        name: '乡村英语教师住房补贴',
        kind: 'housing_subsidy',
        amount: '500',
        period: 'month',
        periods: '36',
        places: '1e2',
        budget: '90000',
        startsOn: '2027-02-30',
        endsOn: '2028-08-31',
        termsZh: '在岗期间每月补贴住房 500 元。',
        termsEn: '500 yuan a month towards housing.',
      },
      '/sponsor/programmes',
    );
    expect(res.status).toBe(422);
    const lines = summary(res.text).join('\n');
    expect(lines).toMatch(/名额[^：]*：请输入整数/);
    expect(lines).toMatch(/开始[^：]*：请输入存在的日期/);
    expect(await IncentiveProgramme.countDocuments({ sponsor: org._id })).toBe(0);
  });

  it('when staff sign with a contract date that does not exist, or schedule an interview at one, then it is refused and nothing changes', async () => {
    const { org, staff, agent } = await staffOf();
    const vacancy = await makeOpenVacancy(org, { certificateType: 'junior', pipeline: 'contract' });
    const { user } = await makeCandidate(t, '钱多多');
    const id = await t.services.applications.apply({ actor: toActor(user) }, String(vacancy._id), {
      statement: '',
      consent: true,
    });
    const actor = toActor(staff);
    for (;;) {
      const app = (await Application.findById(id).lean())!;
      if (app.stage === 'offer' || app.stage === 'interview') break;
      await t.services.applications.move({ actor }, String(id), { action: 'advance' });
    }
    const page = `/manage/applications/${id}`;
    const interview = await submitForm(
      agent,
      page,
      { at: '2027-02-30T10:00', place: '张北县第一中学', minutes: '30' },
      `${page}/interview`,
    );
    expect(interview.status).toBe(303);
    expect((await Application.findById(id).lean())!.interview?.at ?? null).toBeNull();
    const loose = await submitForm(
      agent,
      page,
      { at: '2027-03-01T10:00', place: '一中', minutes: '1e2' },
      `${page}/interview`,
    );
    expect(loose.status).toBe(303);
    expect((await Application.findById(id).lean())!.interview?.at ?? null).toBeNull();

    const before = (await Application.findById(id).lean())!.stage;
    const signed = await submitForm(agent, page, { action: 'advance', contractDate: '2027-02-30' }, `${page}/move`);
    expect(signed.status).toBe(422);
    expect(summary(signed.text)).toContain('签约日期：请输入存在的日期，格式为 年-月-日，如 2027-03-01。');
    expect((await Application.findById(id).lean())!.stage).toBe(before);
  });
});

describe('numbers', () => {
  it('when a headcount or pay is written as 1e2, 0x10, " 12 " or 1.5, then it is refused naming the field; plain digits pass', async () => {
    const { org, agent } = await staffOf();
    for (const headcount of ['1e2', '0x10', ' 12 ', '1.5', '１２']) {
      const res = await submitForm(agent, '/manage/vacancies/new', vacancyForm(String(org._id), { headcount }));
      expect([headcount, res.status]).toEqual([headcount, 422]);
      expect(summary(res.text)).toContain('招聘人数：请输入整数，只用数字，如 12。');
    }
    const pay = await submitForm(agent, '/manage/vacancies/new', vacancyForm(String(org._id), { payMin: '4e3' }));
    expect(summary(pay.text)).toContain('月薪下限（元）：请输入整数，只用数字，如 12。');
    const many = await submitForm(agent, '/manage/vacancies/new', vacancyForm(String(org._id), { headcount: '501' }));
    expect(summary(many.text)).toContain('招聘人数：请输入 1 到 500 之间的数。');
    expect(await Vacancy.countDocuments({ school: org._id })).toBe(0);
  });

  it('when a score is written as 1e1 or 0x10, then it is not recorded', async () => {
    const { org, staff, agent } = await staffOf();
    const vacancy = await makeOpenVacancy(org, { certificateType: 'junior' });
    const { user } = await makeCandidate(t, '孙悦');
    const id = await t.services.applications.apply({ actor: toActor(user) }, String(vacancy._id), {
      statement: '',
      consent: true,
    });
    const actor = toActor(staff);
    while ((await Application.findById(id).lean())!.stage !== 'written_exam')
      await t.services.applications.move({ actor }, String(id), { action: 'advance' });
    for (const written of ['1e1', '0x10', '88.555']) {
      await submitForm(
        agent,
        `/manage/applications/${id}`,
        { written, interview: '' },
        `/manage/applications/${id}/scores`,
      );
      expect((await Application.findById(id).lean())!.scores?.written ?? null).toBeNull();
    }
    await submitForm(
      agent,
      `/manage/applications/${id}`,
      { written: '88.5', interview: '' },
      `/manage/applications/${id}/scores`,
    );
    expect((await Application.findById(id).lean())!.scores?.written).toBe(88.5);
  });
});

describe('limits', () => {
  it('when a title is too long, then the summary names the field and states the limit', async () => {
    const { org, agent } = await staffOf();
    const res = await submitForm(
      agent,
      '/manage/vacancies/new',
      vacancyForm(String(org._id), { title: '英'.repeat(81) }),
    );
    expect(res.status).toBe(422);
    expect(summary(res.text)).toContain('标题：最多 80 字。');
  });

  it('when the main forms are shown, then every input the schema has a rule for carries it: required, maxlength, inputmode, min and max', async () => {
    const school = await staffOf();
    const partner = await staffOf('university');
    const sponsor = await staffOf('sponsor');
    const { agent: candidate } = await makeCandidate(t, '周敏');
    const pages: [string, ReturnType<typeof t.agent>, z.ZodObject][] = [
      ['/register', t.agent(), registerSchema as unknown as z.ZodObject],
      ['/me/profile', candidate, profileSchema as unknown as z.ZodObject],
      ['/manage/vacancies/new', school.agent, vacancySchema],
      ['/manage/announcements/new', school.agent, announcementSchema],
      ['/partner/referrals/new', partner.agent, referralSchema],
      ['/sponsor/programmes/new', sponsor.agent, programmeSchema as unknown as z.ZodObject],
    ];
    let checked = 0;
    for (const [url, agent, schema] of pages) {
      const html = (await agent.get(url)).text;
      for (const [name, rule] of Object.entries(formRules(schema))) {
        const control = new RegExp(`<(input|textarea|select)[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0];
        expect([url, name, control !== undefined]).toEqual([url, name, true]);
        const type = /\btype="([^"]+)"/.exec(control!)?.[1] ?? 'text';
        const expected: string[] = [];
        if (rule.required) expected.push(' required');
        if (rule.maxlength && type !== 'number') expected.push(` maxlength="${rule.maxlength}"`);
        if (rule.inputmode && !['number', 'date'].includes(type)) expected.push(` inputmode="${rule.inputmode}"`);
        if (type === 'number' && rule.min !== undefined) expected.push(` min="${rule.min}"`);
        if (type === 'number' && rule.max !== undefined) expected.push(` max="${rule.max}"`);
        for (const attr of expected) {
          expect([url, name, control!.includes(attr) ? attr : `${attr} missing in ${control}`]).toEqual([
            url,
            name,
            attr,
          ]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
