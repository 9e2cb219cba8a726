import { Application } from '../../models/Application';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';
import { makeCandidate } from '../helpers/candidates';

const t = useTestApp();
const DAY = 86_400_000;
const candidateWithProfile = (fields: Parameters<typeof makeCandidate>[2] = {}) => makeCandidate(t, '王小红', fields);

async function postingSetting(fields: Parameters<typeof makeOpenVacancy>[1] = {}) {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, {
    maxAge: 35,
    mandarinLevel: '2B',
    certificateType: 'junior',
    ...fields,
  });
  const staffAgent = t.agent();
  await loginAs(staffAgent, staff.email);
  return { school, staff, vacancy, staffAgent };
}

async function apply(agent: ReturnType<typeof t.agent>, vacancyId: string, extra: Record<string, string> = {}) {
  return submitForm(agent, `/jobs/${vacancyId}/apply`, { statement: '我热爱乡村教育。', consent: '1', ...extra });
}

describe('applying', () => {
  it('when an eligible candidate applies, then the application is recorded with its eligibility and a confirmation email arrives', async () => {
    const { vacancy } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    const page = await agent.get(`/jobs/${vacancy._id}`);
    expect(page.text).toContain('报名此岗位');
    const res = await apply(agent, String(vacancy._id));
    expect(res.status).toBe(303);
    const app = await Application.findOne({ candidate: user._id }).lean();
    expect(app).toMatchObject({ stage: 'submitted', outcome: null, statement: '我热爱乡村教育。' });
    expect((app?.eligibility as { outcome: string }).outcome).toBe('eligible');
    expect(JSON.stringify(app?.snapshot)).not.toMatch(/1307221999/);
    await t.deliver();
    expect(t.smtp.to(user.email).some((m) => m.subject.startsWith('报名成功'))).toBe(true);
    const mine = await agent.get('/me/applications');
    expect(mine.text).toContain(vacancy.title);
    expect(mine.text).toContain('已报名');
  });

  it('when the same candidate applies twice, or without consent, or ineligible, then it is refused with the reason and nothing is created twice', async () => {
    const { vacancy } = await postingSetting({ maxAge: 20 });
    const { user, agent } = await candidateWithProfile();
    const ineligible = await apply(agent, String(vacancy._id));
    expect(ineligible.status).toBe(422);
    expect(ineligible.text).toContain('超过 20 周岁的上限');
    expect(await Application.countDocuments({ candidate: user._id })).toBe(0);

    const { vacancy: open } = await postingSetting();
    const noConsent = await apply(agent, String(open._id), { consent: '' });
    expect(noConsent.status).toBe(422);
    expect(noConsent.text).toContain('请勾选同意后再报名');
    expect(noConsent.text).toContain('我热爱乡村教育。');
    expect((await apply(agent, String(open._id))).status).toBe(303);
    const twice = await apply(agent, String(open._id));
    expect(twice.status).toBe(422);
    expect(twice.text).toContain('您已经报名了这个岗位');
    // Two submits racing: still one application.
    await Promise.all([apply(agent, String(open._id)), apply(agent, String(open._id))]);
    expect(await Application.countDocuments({ candidate: user._id, vacancy: open._id })).toBe(1);
  });

  it('when the deadline has passed, then applying is refused', async () => {
    const { vacancy } = await postingSetting({ deadline: new Date(t.clock.now().getTime() + DAY) });
    const { agent } = await candidateWithProfile();
    t.clock.advance(2 * DAY);
    const res = await apply(agent, String(vacancy._id));
    expect(res.status).toBe(422);
    expect(res.text).toContain('报名已截止');
    t.clock.advance(-2 * DAY);
  });

  it('when a candidate withdraws, then the school sees it withdrawn and the candidate gets a confirmation', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const res = await submitForm(
      agent,
      `/me/applications/${app._id}`,
      { note: '已找到工作' },
      `/me/applications/${app._id}/withdraw`,
    );
    expect(res.status).toBe(303);
    expect((await Application.findById(app._id).lean())?.outcome).toBe('withdrawn');
    expect((await staffAgent.get(`/manage/vacancies/${vacancy._id}/applications?stage=withdrawn`)).text).toContain(
      '王小红',
    );
    await t.deliver();
    expect(t.smtp.to(user.email).some((m) => m.subject.startsWith('已撤回报名'))).toBe(true);
  });
});

describe('the pipeline, staff side', () => {
  it('when staff advance and then reject an application, then it moves stage by stage, the history grows, and the candidate is emailed the reason but not internal notes', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const detail = await staffAgent.get(`/manage/applications/${app._id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toMatch(/1307\*{10}\d{3}[\dX]/); // the ID number masked
    const advance = await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'advance' },
      `/manage/applications/${app._id}/move`,
    );
    expect(advance.status).toBe(303);
    expect((await Application.findById(app._id).lean())?.stage).toBe('qualification_review');
    await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'advance' },
      `/manage/applications/${app._id}/move`,
    );
    const missing = await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'reject', reason: '' },
      `/manage/applications/${app._id}/move`,
    );
    expect(missing.status).toBe(422);
    await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'reject', reason: 'score', message: '笔试成绩未进入面试范围。' },
      `/manage/applications/${app._id}/move`,
    );
    const after = (await Application.findById(app._id).lean())!;
    expect(after).toMatchObject({ stage: 'written_exam', outcome: 'rejected', rejectReason: 'score', version: 3 });
    expect(after.history.map((h) => h.to)).toEqual(['submitted', 'qualification_review', 'written_exam', 'rejected']);
    await t.deliver();
    const mails = t.smtp.to(user.email);
    expect(mails.filter((m) => m.subject.startsWith('报名进展'))).toHaveLength(2);
    const rejection = mails.find((m) => m.subject.startsWith('报名结果'))!;
    expect(rejection.text).toContain('成绩未进入下一环节');
    expect(rejection.text).toContain('笔试成绩未进入面试范围。');
    const mine = await agent.get(`/me/applications/${app._id}`);
    expect(mine.text).toContain('未通过');
    // A closed application cannot move again.
    const again = await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'advance' },
      `/manage/applications/${app._id}/move`,
    );
    expect(again.status).toBe(303);
    expect((await Application.findById(app._id).lean())?.version).toBe(3);
  });

  it('when two staff act on the same application at once, then exactly one change happens and the other gets a conflict', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const staffUser = await makeUser({ role: 'staff', org: vacancy.postedBy });
    const { User } = await import('../../models/User');
    const actors = [
      toActor((await User.findById(staffUser._id).lean())!),
      toActor((await User.findById(staffUser._id).lean())!),
    ];
    const results = await Promise.allSettled(
      actors.map((actor) => t.services.applications.move({ actor }, String(app._id), { action: 'advance' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason.messageKey).toBe('applications.errors.conflict');
    const after = (await Application.findById(app._id).lean())!;
    expect(after).toMatchObject({ stage: 'qualification_review', version: 1 });
    expect(after.history).toHaveLength(2);
    void staffAgent;
  });

  it('follows each template to its end and no further', async () => {
    const { plan } = await import('../../server/services/applications');
    let state: { pipeline: string; stage: string; outcome: null | 'rejected' | 'withdrawn' | 'absent' } = {
      pipeline: 'contract',
      stage: 'submitted',
      outcome: null,
    };
    const seen = [state.stage];
    for (;;) {
      try {
        state = { ...state, ...plan(state, { action: 'advance' }, 'staff') };
        seen.push(state.stage);
      } catch (err) {
        expect((err as { messageKey: string }).messageKey).toBe('applications.errors.signed');
        break;
      }
    }
    expect(seen).toEqual(['submitted', 'qualification_review', 'interview', 'offer', 'signed']);
    expect(() =>
      plan({ pipeline: 'contract', stage: 'signed', outcome: null }, { action: 'withdraw', note: '' }, 'candidate'),
    ).toThrow();
    expect(() =>
      plan({ pipeline: 'contract', stage: 'interview', outcome: null }, { action: 'advance' }, 'candidate'),
    ).toThrow();
    expect(() =>
      plan({ pipeline: 'contract', stage: 'interview', outcome: 'rejected' }, { action: 'advance' }, 'staff'),
    ).toThrow();
    expect(
      plan({ pipeline: 'special_post', stage: 'public_notice', outcome: null }, { action: 'advance' }, 'staff').stage,
    ).toBe('pre_service_training');
  });
});

describe('who sees applications', () => {
  it("when another organisation's staff or another candidate asks for an application, then it does not exist for them", async () => {
    const { vacancy } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await outsider.get(`/manage/applications/${app._id}`)).status).toBe(404);
    expect((await outsider.get(`/manage/vacancies/${vacancy._id}/applications`)).status).toBe(404);
    const move = await submitForm(
      outsider,
      '/manage/vacancies',
      { action: 'advance' },
      `/manage/applications/${app._id}/move`,
    );
    expect(move.status).toBe(404);
    const other = await candidateWithProfile();
    expect((await other.agent.get(`/me/applications/${app._id}`)).status).toBe(404);
    expect((await other.agent.get('/me/applications')).text).not.toContain(vacancy.title);
    expect((await Application.findById(app._id).lean())?.version).toBe(0);
  });
});

describe('notes, bulk review and export', () => {
  it('when staff write an internal note, then the candidate never sees it, on the page or by email', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { text: '内部：电话沟通过，意向强烈' },
      `/manage/applications/${app._id}/notes`,
    );
    expect((await staffAgent.get(`/manage/applications/${app._id}`)).text).toContain('内部：电话沟通过');
    await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'reject', reason: 'documents', message: '请补充学位证。' },
      `/manage/applications/${app._id}/move`,
    );
    await t.deliver();
    expect((await agent.get(`/me/applications/${app._id}`)).text).not.toContain('内部');
    expect(
      t.smtp
        .to(user.email)
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain('内部');
  });

  it('when staff pass a selection at qualification review, then each selected application moves and the others stay', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { user, agent } = await candidateWithProfile();
      await apply(agent, String(vacancy._id));
      ids.push(String((await Application.findOne({ candidate: user._id }).lean())!._id));
    }
    const res = await submitForm(
      staffAgent,
      `/manage/vacancies/${vacancy._id}/applications`,
      { action: 'advance', ids: [ids[0]!, ids[2]!] },
      `/manage/vacancies/${vacancy._id}/bulk`,
    );
    expect(res.status).toBe(303);
    const stages = await Promise.all(ids.map(async (id) => (await Application.findById(id).lean())!.stage));
    expect(stages).toEqual(['qualification_review', 'submitted', 'qualification_review']);
  });

  it('when applicants are exported, then the CSV opens in Excel (BOM), masks ID numbers, neutralises formulas, is recorded, and is refused to other organisations', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const { Application: A } = await import('../../models/Application');
    await A.updateOne({ candidate: user._id }, { $set: { 'snapshot.legalName': '=HYPERLINK("http://evil")' } });
    const res = await staffAgent
      .get(`/manage/vacancies/${vacancy._id}/applications.csv`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).toContain('报名编号,姓名');
    expect(text).toMatch(/1307\*{10}\d{3}[\dX]/);
    expect(text).not.toMatch(/130722\d{11}[\dX]/);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const { Event } = await import('../../models/Event');
    expect(await Event.countDocuments({ action: 'application.exported', subjectId: String(vacancy._id) })).toBe(1);
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await outsider.get(`/manage/vacancies/${vacancy._id}/applications.csv`)).status).toBe(404);
    const langfang = t.agent();
    await loginAs(langfang, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
    expect((await langfang.get(`/manage/vacancies/${vacancy._id}/applications.csv`)).status).toBe(404);
    const zhangjiakou = t.agent();
    await loginAs(zhangjiakou, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
    expect((await zhangjiakou.get(`/manage/vacancies/${vacancy._id}/applications.csv`)).status).toBe(200);
  });
});

describe('registration window', () => {
  it("when the announcement's registration has not opened yet, then applying is refused with that reason", async () => {
    const { Announcement } = await import('../../models/Announcement');
    const school = await makeOrg({ county: '130722' });
    const drive = await Announcement.create({
      issuer: school._id,
      unitCode: '1307',
      programme: 'open_recruitment',
      title: '公开招聘公告',
      status: 'open',
      openedAt: t.clock.now(),
      phases: [
        {
          kind: 'registration',
          start: new Date(t.clock.now().getTime() + 3 * DAY),
          end: new Date(t.clock.now().getTime() + 10 * DAY),
        },
      ],
    });
    const vacancy = await makeOpenVacancy(school, { certificateType: 'junior', announcementId: String(drive._id) });
    const { agent } = await candidateWithProfile();
    const res = await apply(agent, String(vacancy._id));
    expect(res.status).toBe(422);
    expect(res.text).toContain('报名尚未开始');
  });
});

describe('returned for changes', () => {
  it('when staff return an application at qualification review, then the candidate is told what to fix, updates the profile, and resubmits with fresh details', async () => {
    const { vacancy, staffAgent } = await postingSetting();
    const { user, agent } = await candidateWithProfile();
    await apply(agent, String(vacancy._id));
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const returned = await submitForm(
      staffAgent,
      `/manage/applications/${app._id}`,
      { action: 'return', message: '请补充普通话等级证书编号。' },
      `/manage/applications/${app._id}/move`,
    );
    expect(returned.status).toBe(303);
    expect((await Application.findById(app._id).lean())?.returned?.message).toBe('请补充普通话等级证书编号。');
    await t.deliver();
    expect(t.smtp.to(user.email).find((m) => m.subject.startsWith('请修改报名材料'))?.text).toContain(
      '请补充普通话等级证书编号。',
    );
    const page = await agent.get(`/me/applications/${app._id}`);
    expect(page.text).toContain('报名材料需要修改');
    const { CandidateProfile } = await import('../../models/CandidateProfile');
    await CandidateProfile.updateOne({ user: user._id }, { $set: { mandarinLevel: '1B' } });
    const resubmitted = await submitForm(
      agent,
      `/me/applications/${app._id}`,
      {},
      `/me/applications/${app._id}/resubmit`,
    );
    expect(resubmitted.status).toBe(303);
    const after = (await Application.findById(app._id).lean())!;
    expect(after.returned?.at).toBeNull();
    expect((after.snapshot as { mandarinLevel: string }).mandarinLevel).toBe('1B');
    expect(after.history.map((h) => h.note).slice(-2)).toEqual(['returned', 'resubmitted']);
    // Nothing to resubmit twice.
    expect(
      (await submitForm(agent, `/me/applications/${app._id}`, {}, `/me/applications/${app._id}/resubmit`)).status,
    ).toBe(409);
  });
});
