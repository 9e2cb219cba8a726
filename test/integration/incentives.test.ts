// Incentive programmes from draft to the job board: a sponsor drafts and submits, the regional office approves, and
// matching open vacancies show the incentive (page, JSON-LD, board badge and filter) while it is offered.
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { parseFilters } from '../../server/services/board';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

/** The programme form as a browser sends it (repeated names for the lists). */
function programmeForm(token: string, fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams({ _csrf: token });
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return body.toString();
}

const RURAL_ENGLISH = {
  name: '乡村英语教师住房补贴',
  kind: 'housing_subsidy',
  amount: '500',
  period: 'month',
  periods: '36',
  places: '10',
  budget: '90000', // covers 5 teachers' whole awards
  startsOn: '2026-09-01',
  endsOn: '2027-08-31',
  subjects: ['english', 'music'],
  ruralOnly: '1',
  termsZh: '在岗期间每月补贴住房 500 元，每期须经回访确认在岗。',
  termsEn: '500 yuan a month towards housing while in post, each month confirmed by a check-in.',
};

it('a sponsor drafts, a regional coordinator approves, and only matching vacancies show the incentive', async () => {
  const sponsor = await makeOrg({ kind: 'sponsor', county: '110108', name: '春晖教育基金会' });
  const staff = await makeUser({ role: 'staff', org: sponsor._id });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  // Sponsor staff find their programmes in the menu, and post no vacancies.
  const list = await agent.get('/sponsor/programmes');
  expect(list.status).toBe(200);
  expect(list.text).toContain('href="/sponsor/programmes"');
  expect(list.text).not.toContain('href="/manage/vacancies"');
  expect((await agent.get('/manage/vacancies/new')).status).toBe(403);

  // A budget below one teacher's whole award: refused with the reason, and every value kept.
  const form = await agent.get('/sponsor/programmes/new');
  const token = csrfFrom(form.text);
  const tooSmall = await agent
    .post('/sponsor/programmes')
    .type('form')
    .send(programmeForm(token, { ...RURAL_ENGLISH, budget: '10000' }));
  expect(tooSmall.status).toBe(422);
  expect(tooSmall.text).toContain('预算至少要覆盖一个名额的全部金额');
  expect(tooSmall.text).toContain('value="乡村英语教师住房补贴"');
  expect(tooSmall.text).toMatch(/name="subjects" value="music" checked/);
  expect(tooSmall.text).toContain('在岗期间每月补贴住房 500 元');
  expect(await IncentiveProgramme.countDocuments({ sponsor: sponsor._id })).toBe(0);

  const created = await agent.post('/sponsor/programmes').type('form').send(programmeForm(token, RURAL_ENGLISH));
  expect(created.status).toBe(303);
  const id = created.headers.location!.split('/').pop()!;
  const page = await agent.get(`/sponsor/programmes/${id}`);
  expect(page.text).toContain('每月 500 元，最多 36 个月');
  expect(page.text).toContain('已用 0 / 共 10 个（尚余 5）');
  expect((await submitForm(agent, `/sponsor/programmes/${id}`, {}, `/sponsor/programmes/${id}/submit`)).status).toBe(
    303,
  );
  // Submitted: no longer editable.
  expect((await agent.get(`/sponsor/programmes/${id}`)).text).not.toContain(`action="/sponsor/programmes/${id}"`);

  // Another sponsor does not see it; a school's staff have no programmes at all.
  const rival = t.agent();
  await loginAs(rival, (await makeUser({ role: 'staff', org: (await makeOrg({ kind: 'sponsor' }))._id })).email);
  expect((await rival.get(`/sponsor/programmes/${id}`)).status).toBe(404);
  const school = await makeOrg({ county: '130722' }); // 张北县, rural
  const schoolStaff = t.agent();
  await loginAs(schoolStaff, (await makeUser({ role: 'staff', org: school._id })).email);
  expect((await schoolStaff.get('/sponsor/programmes')).status).toBe(403);

  // Open vacancies: rural English (matches), urban English, rural maths.
  const town = await makeOrg({ county: '130102' }); // 长安区, urban
  const match = await makeOpenVacancy(school, { title: '张北英语教师', subject: 'english' });
  const urban = await makeOpenVacancy(town, { title: '长安英语教师', subject: 'english' });
  const maths = await makeOpenVacancy(school, { title: '张北数学教师', subject: 'math', certificateType: 'junior' });

  // Not shown before approval.
  expect((await t.agent().get(`/jobs/${String(match._id)}`)).text).not.toContain('乡村英语教师住房补贴');

  // A unit's coordinator reads it but does not decide; the regional office must say why it returns one.
  const unit = t.agent();
  await loginAs(unit, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
  const unitView = await unit.get(`/coordinator/programmes/${id}`);
  expect(unitView.status).toBe(200);
  expect(unitView.text).not.toContain('/decide');
  const unitTry = await unit
    .post(`/coordinator/programmes/${id}/decide`)
    .type('form')
    .send({ _csrf: csrfFrom(unitView.text), decision: 'approve' });
  expect(unitTry.status).toBe(403);
  const regional = t.agent();
  await loginAs(regional, (await makeUser({ role: 'coordinator' })).email);
  const queue = await regional.get('/coordinator/programmes');
  expect(queue.text).toContain('乡村英语教师住房补贴');
  expect(queue.text).toContain('春晖教育基金会');
  const noReason = await submitForm(
    regional,
    `/coordinator/programmes/${id}`,
    { decision: 'return', comment: '' },
    `/coordinator/programmes/${id}/decide`,
  );
  expect(noReason.status).toBe(422);
  expect(noReason.text).toContain('退回时请填写意见');
  const approved = await submitForm(
    regional,
    `/coordinator/programmes/${id}`,
    { decision: 'approve', comment: '' },
    `/coordinator/programmes/${id}/decide`,
  );
  expect(approved.status).toBe(303);

  // The matching vacancy shows it to everyone, in both languages and in its JSON-LD; the others do not.
  const visitor = t.agent();
  const shown = await visitor.get(`/jobs/${String(match._id)}`);
  expect(shown.text).toContain('乡村英语教师住房补贴');
  expect(shown.text).toContain('春晖教育基金会：住房补贴，每月 500 元，最多 36 个月');
  expect(shown.text).toContain('尚余 5 个名额');
  expect(shown.text).toContain('"incentiveCompensation":"乡村英语教师住房补贴: 春晖教育基金会：住房补贴');
  const english = await visitor.get(`/jobs/${String(match._id)}`).set('Accept-Language', 'en');
  expect(english.text).toContain('500 yuan a month towards housing while in post');
  for (const other of [urban, maths]) {
    expect((await visitor.get(`/jobs/${String(other._id)}`)).text).not.toContain('乡村英语教师住房补贴');
  }

  // The board: a badge on the matching card, and a filter that keeps only it (the same as the database's answer).
  const board = await visitor.get('/jobs');
  const card = (title: string) =>
    board.text.slice(board.text.indexOf(title), board.text.indexOf('</li>', board.text.indexOf(title)));
  expect(card('张北英语教师')).toContain('有资助');
  expect(card('长安英语教师')).not.toContain('有资助');
  const filtered = await visitor.get('/jobs?incentive=1');
  expect(filtered.text).toContain('张北英语教师');
  expect(filtered.text).not.toContain('长安英语教师');
  expect(filtered.text).not.toContain('张北数学教师');
  const f = parseFilters({ incentive: '1' });
  const fromDb = await t.services.jobs.search(f, t.clock.now(), 100);
  const fromMemory = await t.services.catalogue.search(f, 100);
  expect(fromMemory.items.map((v) => String(v._id))).toEqual(fromDb.items.map((v) => String(v._id)));
  expect(fromDb.items.map((v) => v.title)).toContain('张北英语教师');

  // Once its last day is over it is offered no more: the page (and the cached one) drops it.
  t.clock.set(new Date('2027-09-01T00:00:00+08:00'));
  expect((await visitor.get(`/jobs/${String(match._id)}`)).text).not.toContain('乡村英语教师住房补贴');
  expect((await visitor.get('/jobs?incentive=1')).text).not.toContain('张北英语教师');
});
