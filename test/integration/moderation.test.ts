// A coordinator's scope is a promise: where a posting lands is decided by the server, and what the public sees of it
// was approved by a coordinator.
import { Announcement } from '../../models/Announcement';
import { Vacancy } from '../../models/Vacancy';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs, submitForm } from '../helpers/http';

const t = useTestApp();
const DAY = 86_400_000;
const FRAUD = '请转账报名费到账户 6222 0000 1234 5678';

function dateIn(days: number): string {
  return new Date(t.clock.now().getTime() + days * DAY + 8 * 3600_000).toISOString().slice(0, 10);
}

function vacancyForm(schoolId: string, fields: Record<string, string> = {}) {
  return {
    title: '初中数学教师',
    schoolId,
    stage: 'junior',
    subject: 'math',
    postType: 'special_post',
    headcount: '2',
    announcementId: '',
    education: 'bachelor',
    certificateType: 'junior',
    payMin: '4200',
    payMax: '5200',
    description: '张北县农村初中。',
    deadline: dateIn(20),
    pipeline: 'special_post',
    ...fields,
  };
}

/** A Zhangbei school's staff, the Zhangjiakou (1307) and Langfang (1310) coordinators, all signed in. */
async function region() {
  const school = await makeOrg({ county: '130722' });
  const langfangSchool = await makeOrg({ county: '131002' });
  const staff = t.agent();
  await loginAs(staff, (await makeUser({ role: 'staff', org: school._id })).email);
  const zhangjiakou = t.agent();
  await loginAs(zhangjiakou, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
  const langfang = t.agent();
  await loginAs(langfang, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
  return { school, langfangSchool, staff, zhangjiakou, langfang };
}

async function openVacancy(
  staff: ReturnType<typeof t.agent>,
  reviewer: ReturnType<typeof t.agent>,
  schoolId: string,
  extra: Record<string, string> = {},
) {
  const created = await submitForm(staff, '/manage/vacancies/new', vacancyForm(schoolId));
  expect(created.status).toBe(303);
  const id = created.headers.location!.split('/').pop()!;
  await submitForm(staff, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`);
  const approved = await submitForm(reviewer, `/coordinator/reviews/vacancies/${id}`, {
    decision: 'approve',
    comment: '',
    ...extra,
  });
  expect(approved.status).toBe(303);
  return id;
}

describe('scope is derived on the server', () => {
  it('when a Zhangbei school posts with a form that names a Langfang county, unit and poster, then the vacancy is in Zhangbei and in the Zhangjiakou queue only', async () => {
    const { school, langfangSchool, staff, zhangjiakou, langfang } = await region();
    const form = await staff.get('/manage/vacancies/new');
    expect(form.text).not.toContain('name="countyCode"');
    expect(form.text).toContain('张家口市 张北县');
    const hostile = {
      ...vacancyForm(String(school._id)),
      countyCode: '131002',
      unitCode: '1310',
      postedBy: String(langfangSchool._id),
      school: String(langfangSchool._id),
      status: 'open',
      minorEditsAllowed: '1',
      partnerPosted: '1',
    };
    const created = await submitForm(staff, '/manage/vacancies/new', hostile);
    expect(created.status).toBe(303);
    const id = created.headers.location!.split('/').pop()!;
    const stored = await Vacancy.findById(id).lean();
    expect(stored).toMatchObject({
      countyCode: '130722',
      unitCode: '1307',
      status: 'draft',
      minorEditsAllowed: false,
      partnerPosted: false,
    });
    expect(String(stored?.postedBy)).toBe(String(school._id));

    await submitForm(staff, `/manage/vacancies/${id}`, {}, `/manage/vacancies/${id}/submit`);
    expect((await langfang.get('/coordinator/reviews')).text).not.toContain(`/coordinator/reviews/vacancies/${id}`);
    expect((await langfang.get(`/coordinator/reviews/vacancies/${id}`)).status).toBe(404);
    expect((await zhangjiakou.get('/coordinator/reviews')).text).toContain(`/coordinator/reviews/vacancies/${id}`);
  });

  it('when staff edit a vacancy with a form naming another county, then its location stays its school’s', async () => {
    const { school, staff, zhangjiakou } = await region();
    const id = await openVacancy(staff, zhangjiakou, String(school._id));
    await submitForm(staff, `/manage/vacancies/${id}/edit`, {
      ...vacancyForm(String(school._id)),
      countyCode: '131002',
      unitCode: '1310',
    });
    expect(await Vacancy.findById(id).lean()).toMatchObject({ countyCode: '130722', unitCode: '1307', status: 'open' });
  });

  it('when staff create an announcement with a form naming another unit and issuer, then it is in their own unit’s queue', async () => {
    const { school, langfangSchool, staff, zhangjiakou, langfang } = await region();
    const created = await submitForm(staff, '/manage/announcements/new', {
      programme: 'open_recruitment',
      title: '张北县2027年教师招聘',
      body: '详见附件。',
      venue: '',
      unitCode: '1310',
      issuer: String(langfangSchool._id),
      issuerName: '廊坊某校',
      status: 'open',
    });
    expect(created.status).toBe(303);
    const id = created.headers.location!.split('/').pop()!;
    const stored = await Announcement.findById(id).lean();
    expect(stored).toMatchObject({ unitCode: '1307', status: 'draft', issuerName: school.name });
    await submitForm(staff, `/manage/announcements/${id}`, {}, `/manage/announcements/${id}/submit`);
    expect((await langfang.get(`/coordinator/reviews/announcements/${id}`)).status).toBe(404);
    expect((await zhangjiakou.get(`/coordinator/reviews/announcements/${id}`)).status).toBe(200);
  });
});

describe('what the public sees was approved', () => {
  it('when staff put a fee-transfer text into an open vacancy, then no public page, feed or API shows it until a coordinator has seen and approved it', async () => {
    const { school, staff, zhangjiakou } = await region();
    const id = await openVacancy(staff, zhangjiakou, String(school._id));
    expect((await t.agent().get(`/jobs/${id}`)).status).toBe(200);

    const edited = await submitForm(staff, `/manage/vacancies/${id}/edit`, {
      ...vacancyForm(String(school._id)),
      description: FRAUD,
    });
    expect(edited.status).toBe(303);
    expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
    const anonymous = t.agent();
    const page = await anonymous.get(`/jobs/${id}`);
    expect(page.text).not.toContain(FRAUD);
    for (const url of ['/jobs?county=130722', '/jobs/feed.xml?county=130722', '/api/v1/vacancies?county=130722']) {
      const res = await anonymous.get(url);
      expect(res.text).not.toContain(FRAUD);
    }
    // The coordinator covering the school sees it in their queue, with the text.
    expect((await zhangjiakou.get('/coordinator/reviews')).text).toContain(`/coordinator/reviews/vacancies/${id}`);
    expect((await zhangjiakou.get(`/coordinator/reviews/vacancies/${id}`)).text).toContain(FRAUD);
    // Once a coordinator approves (here: to show that what is approved is what every public view then shows).
    await submitForm(zhangjiakou, `/coordinator/reviews/vacancies/${id}`, { decision: 'approve', comment: '' });
    expect((await anonymous.get(`/jobs/${id}`)).text).toContain(FRAUD);
    expect((await anonymous.get('/api/v1/vacancies?county=130722')).text).toContain(`/jobs/${id}`);
    await t.deliver();
  });

  it('when a change to an open vacancy’s title, pay or subject is saved, then it goes back to review; the coordinator’s allowed minor edits (headcount) do not', async () => {
    const { school, staff, zhangjiakou } = await region();
    const id = await openVacancy(staff, zhangjiakou, String(school._id), { minorEditsAllowed: '1' });
    await submitForm(staff, `/manage/vacancies/${id}/edit`, { ...vacancyForm(String(school._id)), headcount: '3' });
    expect(await Vacancy.findById(id).lean()).toMatchObject({ status: 'open', headcount: 3 });
    for (const change of [{ title: '初中数学教师（急聘）' }, { payMax: '9000' }, { subject: 'physics' }]) {
      await Vacancy.updateOne({ _id: id }, { $set: { status: 'open' } });
      await submitForm(staff, `/manage/vacancies/${id}/edit`, { ...vacancyForm(String(school._id)), ...change });
      expect((await Vacancy.findById(id).lean())?.status).toBe('in_review');
      expect((await t.agent().get(`/jobs/${id}`)).text).not.toContain('9000');
    }
  });

  it('when staff change an open announcement’s body, then it goes back to review and leaves the public pages until approved', async () => {
    const { staff, zhangjiakou } = await region();
    const created = await submitForm(staff, '/manage/announcements/new', {
      programme: 'open_recruitment',
      title: '张北县2027年春季教师招聘',
      body: '报名免费。',
      venue: '',
    });
    const id = created.headers.location!.split('/').pop()!;
    await submitForm(staff, `/manage/announcements/${id}`, {}, `/manage/announcements/${id}/submit`);
    await submitForm(zhangjiakou, `/coordinator/reviews/announcements/${id}`, { decision: 'approve', comment: '' });
    expect((await t.agent().get(`/announcements/${id}`)).status).toBe(200);

    const form = await staff.get(`/manage/announcements/${id}/edit`);
    expect(form.text).toContain('修改后需要重新审核');
    const edited = await submitForm(staff, `/manage/announcements/${id}/edit`, {
      programme: 'open_recruitment',
      title: '张北县2027年春季教师招聘',
      body: FRAUD,
      venue: '',
    });
    expect(edited.status).toBe(303);
    expect((await Announcement.findById(id).lean())?.status).toBe('in_review');
    const anonymous = t.agent();
    expect((await anonymous.get(`/announcements/${id}`)).text).not.toContain(FRAUD);
    expect((await anonymous.get('/announcements')).text).not.toContain(FRAUD);
    expect((await zhangjiakou.get(`/coordinator/reviews/announcements/${id}`)).text).toContain(FRAUD);

    await submitForm(zhangjiakou, `/coordinator/reviews/announcements/${id}`, { decision: 'approve', comment: '' });
    expect((await anonymous.get(`/announcements/${id}`)).text).toContain(FRAUD);
    await t.deliver();
  });
});
