import { Event } from '../../models/Event';
import { Vacancy } from '../../models/Vacancy';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;

function dateIn(days: number): string {
  return new Date(t.clock.now().getTime() + days * DAY + 8 * 3600_000).toISOString().slice(0, 10);
}

function vacancyForm(schoolId: string, county: string, fields: Record<string, string> = {}) {
  return {
    title: '初中英语教师',
    schoolId,
    countyCode: county,
    stage: 'junior',
    subject: 'english',
    postType: 'special_post',
    headcount: '2',
    announcementId: '',
    education: 'bachelor',
    certificateType: 'junior',
    certificateSubjectMatch: '1',
    maxAge: '30',
    mandarinLevel: '2B',
    payMin: '4200',
    payMax: '5200',
    housing: '1',
    ruralSubsidy: '600',
    description: '张北县农村初中，欢迎应届毕业生。',
    deadline: dateIn(20),
    pipeline: 'special_post',
    ...fields,
  };
}

async function setting() {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id, name: '赵老师' });
  const coordinator = await makeUser({ role: 'coordinator', scopeUnit: '1307' });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { school, staff, coordinator, agent };
}

async function createVacancy(agent: ReturnType<typeof t.agent>, schoolId: string, fields: Record<string, string> = {}) {
  const res = await submitForm(agent, '/manage/vacancies/new', vacancyForm(schoolId, '130722', fields));
  expect(res.status).toBe(303);
  return res.headers.location!.split('/').pop()!;
}

describe('vacancy lifecycle and review', () => {
  it('when staff submit a vacancy, then the unit coordinator reviews it: returned with comments by email, then approved and public', async () => {
    const { school, staff, coordinator, agent } = await setting();
    const id = await createVacancy(agent, String(school._id));
    expect((await Vacancy.findById(id).lean())?.status).toBe('draft');
    expect((await t.agent().get(`/jobs/${id}`)).status).toBe(404);

    expect((await submitForm(agent, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`)).status).toBe(303);
    expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
    await t.deliver();
    expect(t.smtp.to(coordinator.email).some((m) => m.subject.includes('初中英语教师'))).toBe(true);

    const reviewer = t.agent();
    await loginAs(reviewer, coordinator.email);
    expect((await reviewer.get('/coordinator/reviews')).text).toContain('初中英语教师');
    const noComment = await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, {
      decision: 'return',
      comment: '',
    });
    expect(noComment.status).toBe(422);
    expect(noComment.text).toContain('退回时请填写意见');
    const returned = await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, {
      decision: 'return',
      comment: '请写明周转宿舍条件',
    });
    expect(returned.status).toBe(303);
    expect((await Vacancy.findById(id).lean())?.status).toBe('draft');
    await t.deliver();
    const returnedMail = t.smtp.to(staff.email).find((m) => m.subject.includes('请修改'));
    expect(returnedMail?.text).toContain('请写明周转宿舍条件');
    expect((await agent.get(`/manage/vacancies/${id}`)).text).toContain('请写明周转宿舍条件');

    await submitForm(agent, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`);
    const approved = await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, {
      decision: 'approve',
      comment: '',
    });
    expect(approved.status).toBe(303);
    const open = await Vacancy.findById(id).lean();
    expect(open?.status).toBe('open');
    expect(open?.openedAt).toBeInstanceOf(Date);
    await t.deliver();
    expect(t.smtp.to(staff.email).some((m) => m.subject.includes('已审核通过'))).toBe(true);
    const page = await t.agent().get(`/jobs/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(school.name);
    expect((await t.agent().get('/jobs?county=130722')).text).toContain(`/jobs/${id}`);
  });

  it('when an open vacancy changes, then edits are recorded and go back to review, except the minor ones a coordinator allowed', async () => {
    const { school, coordinator, agent } = await setting();
    const id = await createVacancy(agent, String(school._id));
    await submitForm(agent, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`);
    const reviewer = t.agent();
    await loginAs(reviewer, coordinator.email);
    await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, { decision: 'approve', comment: '' });

    const wording = await submitForm(
      agent,
      `/manage/vacancies/${id}/edit`,
      vacancyForm(String(school._id), '130722', { description: '补充：提供午餐。' }),
    );
    expect(wording.status).toBe(303);
    // The description is shown publicly: even a wording change is seen by a coordinator before the public sees it.
    expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
    const edit = await Event.findOne({ action: 'vacancy.edited', subjectId: id }).lean();
    expect(edit?.summary).toMatchObject({ changed: ['description'], backToReview: true });
    await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, { decision: 'approve', comment: '' });

    const headcount = await submitForm(
      agent,
      `/manage/vacancies/${id}/edit`,
      vacancyForm(String(school._id), '130722', { headcount: '3', description: '补充：提供午餐。' }),
    );
    expect(headcount.status).toBe(303);
    expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
    expect((await t.agent().get(`/jobs/${id}`)).status).toBe(404);

    await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, {
      decision: 'approve',
      comment: '',
      minorEditsAllowed: '1',
    });
    await submitForm(
      agent,
      `/manage/vacancies/${id}/edit`,
      vacancyForm(String(school._id), '130722', { headcount: '4', description: '补充：提供午餐。' }),
    );
    const after = await Vacancy.findById(id).lean();
    expect(after?.status).toBe('open');
    expect(after?.headcount).toBe(4);
  });

  it('when the deadline passes, then the scheduled job closes the vacancy and the public page says so', async () => {
    const school = await makeOrg({ county: '130722' });
    const v = await makeOpenVacancy(school, { deadline: new Date(t.clock.now().getTime() + 2 * DAY) });
    t.clock.advance(3 * DAY);
    await t.scheduler.tick();
    expect((await Vacancy.findById(v._id).lean())?.status).toBe('closed');
    const page = await t.agent().get(`/jobs/${v._id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('该岗位已截止报名');
    expect((await t.agent().get('/jobs?county=130722')).text).not.toContain(`/jobs/${v._id}`);
  });

  it('when the form is invalid, then it returns 422 with the errors and every value typed', async () => {
    const { school, agent } = await setting();
    const res = await submitForm(
      agent,
      '/manage/vacancies/new',
      vacancyForm(String(school._id), '130722', {
        subject: 'preschool_ed',
        payMin: '6000',
        payMax: '5000',
        title: '学前教育（错配）',
        deadline: '',
      }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('这个学科不在所选学段开设');
    expect(res.text).toContain('月薪上限不能低于下限');
    expect(res.text).toContain('请填写报名截止日期');
    expect(res.text).toContain('value="学前教育（错配）"');
    expect(res.text).toContain('value="6000"');
    expect(res.text).toMatch(/name="housing" type="checkbox" value="1" checked/);
  });

  it('when staff duplicate a vacancy, then a new draft with the same details is created', async () => {
    const { school, agent } = await setting();
    const id = await createVacancy(agent, String(school._id));
    const res = await submitForm(agent, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/duplicate`);
    expect(res.status).toBe(303);
    const copyId = res.headers.location!.split('/')[3]!;
    expect(copyId).not.toBe(id);
    const copy = await Vacancy.findById(copyId).lean();
    expect(copy).toMatchObject({ status: 'draft', title: '初中英语教师', headcount: 2 });
  });

  it('when a recruitment drive is chosen without a deadline, then the vacancy closes with its registration window', async () => {
    const { school, agent, coordinator } = await setting();
    const bureau = await makeOrg({ county: '130722', kind: 'bureau' });
    const bureauStaff = await makeUser({ role: 'staff', org: bureau._id });
    const issuer = t.agent();
    await loginAs(issuer, bureauStaff.email);
    const created = await submitForm(issuer, '/manage/announcements/new', {
      programme: 'open_recruitment',
      title: '张北县公开招聘教师公告',
      body: '公告正文',
      venue: '',
      registrationStart: dateIn(0),
      registrationEnd: dateIn(12),
      written_examStart: dateIn(20),
      written_examEnd: dateIn(20),
    });
    expect(created.status).toBe(303);
    const announcementId = created.headers.location!.split('/').pop()!;
    await submitForm(
      issuer,
      `/manage/announcements/${announcementId}`,
      {},
      `/manage/announcements/${announcementId}/submit`,
    );
    const reviewer = t.agent();
    await loginAs(reviewer, coordinator.email);
    expect(
      (
        await submitForm(reviewer, `/coordinator/reviews/announcements/${announcementId}`, {
          decision: 'approve',
          comment: '',
        })
      ).status,
    ).toBe(303);
    const page = await t.agent().get(`/announcements/${announcementId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('网上报名');

    const id = await createVacancy(agent, String(school._id), { announcementId, deadline: '' });
    const v = await Vacancy.findById(id).lean();
    expect(v?.deadline.toISOString()).toBe(new Date(`${dateIn(12)}T23:59:59+08:00`).toISOString());
  });
});

describe('who may do what with postings', () => {
  it('when staff of another organisation try to read or change a vacancy, then it does not exist for them', async () => {
    const { school, agent } = await setting();
    const id = await createVacancy(agent, String(school._id));
    const other = await makeOrg({ county: '130722' });
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: other._id })).email);
    expect((await outsider.get(`/manage/vacancies/${id}`)).status).toBe(404);
    expect((await outsider.get(`/manage/vacancies/${id}/edit`)).status).toBe(404);
    const list = await outsider.get('/manage/vacancies');
    expect(list.text).not.toContain(id);
    const submit = await submitForm(outsider, '/manage/vacancies', {}, `/manage/vacancies/${id}/submit`);
    expect(submit.status).toBe(404);
    expect((await Vacancy.findById(id).lean())?.status).toBe('draft');
    // Posting for a school one does not hire for is refused too.
    const foreign = await submitForm(outsider, '/manage/vacancies/new', vacancyForm(String(school._id), '130722'));
    expect(foreign.status).toBe(422);
  });

  it('when a Beijing school posts, then it may post for its Hebei branch and pair, and the post is marked as partner-posted', async () => {
    const beijing = await makeOrg({ county: '110105' });
    const branch = await makeOrg({ county: '130638' });
    await branch.updateOne({ parent: beijing._id });
    const unrelated = await makeOrg({ county: '130722' });
    const staff = await makeUser({ role: 'staff', org: beijing._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const form = await agent.get('/manage/vacancies/new');
    expect(form.text).toContain(branch.name);
    expect(form.text).not.toContain(unrelated.name);
    const res = await submitForm(agent, '/manage/vacancies/new', { ...vacancyForm(String(branch._id), '130638') });
    expect(res.status).toBe(303);
    const v = await Vacancy.findById(res.headers.location!.split('/').pop()).lean();
    expect(v).toMatchObject({ partnerPosted: true, unitCode: 'xiongan' });
  });

  it('when a candidate opens the staff pages, then they get 403; a coordinator of another unit cannot review', async () => {
    const candidate = t.agent();
    await loginAs(candidate, (await makeUser()).email);
    expect((await candidate.get('/manage/vacancies')).status).toBe(403);
    const { school, agent } = await setting();
    const id = await createVacancy(agent, String(school._id));
    await submitForm(agent, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`);
    const langfang = t.agent();
    await loginAs(langfang, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
    expect((await langfang.get('/coordinator/reviews')).text).not.toContain(`/coordinator/reviews/vacancies/${id}`);
    expect((await langfang.get(`/coordinator/reviews/vacancies/${id}`)).status).toBe(404);
    const approve = await submitForm(
      langfang,
      '/coordinator/reviews',
      { decision: 'approve', comment: '' },
      `/coordinator/reviews/vacancies/${id}`,
    );
    expect(approve.status).toBe(404);
    expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
  });

  it('when staff are not yet allowed to post (unverified organisation), then the vacancy pages refuse them', async () => {
    const pending = await makeOrg({ state: 'pending' });
    const agent = t.agent();
    await loginAs(agent, (await makeUser({ role: 'staff', org: pending._id })).email);
    const res = await agent.get('/manage/vacancies');
    expect(res.status).toBe(403);
    expect(res.text).toContain('单位尚未通过审核');
  });
});
