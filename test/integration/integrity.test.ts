// Data integrity: forms that record a fact about a person start with nothing chosen and refuse an unanswered
// question; an action that changes nothing records nothing; scores a ranking or notice relied on change only by a
// recorded correction, and never after signing.
import { Application } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { Event } from '../../models/Event';
import { Placement } from '../../models/Placement';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, linkIn, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;

async function school(fields: Parameters<typeof makeOpenVacancy>[1] = {}) {
  const org = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: org._id });
  const vacancy = await makeOpenVacancy(org, { certificateType: 'junior', subject: 'math', ...fields });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { org, staff, vacancy, agent, actor: toActor(staff) };
}

async function applicant(vacancyId: string, name: string) {
  const { user, actor, agent } = await makeCandidate(t, name, {}, 'math');
  const id = await t.services.applications.apply({ actor }, vacancyId, { statement: '', consent: true });
  return { user, actor, agent, id };
}

/** A placement (contract template: no written exam, no notice) with one check-in sent; its form's path. */
async function checkInSent() {
  const s = await school({ pipeline: 'contract', postType: 'special_post' });
  const a = await applicant(String(s.vacancy._id), '郭晨阳');
  await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
  await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
  await t.services.applications.recordScores({ actor: s.actor }, a.id, { written: null, interview: 85 });
  await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
  await t.services.applications.answerOffer({ actor: a.actor }, a.id, true);
  await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance', contractDate: t.clock.now() });
  const placement = (await Placement.findOne({ application: a.id }).lean())!;
  const id = `${placement._id}:${new Date(t.clock.now().getTime() + 31 * DAY).toISOString().slice(0, 10)}`;
  await CheckIn.create({
    _id: id,
    placement: placement._id,
    postedBy: placement.postedBy,
    dueAt: t.clock.now(),
    sentAt: t.clock.now(),
  });
  return { ...s, placement, checkInId: id, link: new URL(t.services.placements.checkInLink(id)).pathname };
}

describe('forms that record a fact about a person start with nothing chosen', () => {
  it('when a teacher sends the check-in form untouched, then nothing is recorded and the page names each unanswered question, keeping what was typed', async () => {
    const { link, checkInId, placement } = await checkInSent();
    const teacher = t.agent();
    const form = await teacher.get(link);
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="inPost"');
    expect(form.text).not.toMatch(/type="radio"[^>]*checked/);

    const untouched = await submitForm(teacher, link, { text: '宿舍漏水，希望学校帮忙' });
    expect(untouched.status).toBe(422);
    expect(untouched.text).toContain('请回答“您目前仍在这所学校任教吗？”');
    expect(untouched.text).toContain('请为“继续留任的意愿”选择 1–5 中的一项。');
    expect(untouched.text).toContain('宿舍漏水，希望学校帮忙');
    expect(untouched.text).not.toMatch(/type="radio"[^>]*checked/);

    const partly = await submitForm(teacher, link, { inPost: 'no', workload: '4', text: '宿舍漏水' });
    expect(partly.status).toBe(422);
    expect(partly.text).toMatch(/value="no"[^>]*checked/);
    expect(partly.text).toMatch(/name="workload" value="4"[^>]*checked/);
    expect(partly.text).not.toContain('请为“工作量”选择');
    expect(partly.text).toContain('请为“住房情况”选择 1–5 中的一项。');

    const stored = (await CheckIn.findById(checkInId).lean())!;
    expect(stored.status).toBe('sent');
    expect(stored.answer?.inPost).toBeNull();
    expect(await Event.countDocuments({ action: 'placement.checkin_answered', 'summary.checkIn': checkInId })).toBe(0);
    expect((await Placement.findById(placement._id).lean())?.flagged).toBeFalsy();

    const answered = await submitForm(teacher, link, {
      inPost: 'no',
      workload: '4',
      support: '2',
      housing: '1',
      intention: '1',
      text: '已调走',
    });
    expect(answered.status).toBe(200);
    expect((await CheckIn.findById(checkInId).lean())?.answer).toMatchObject({
      inPost: false,
      workload: 4,
      support: 2,
      housing: 1,
      intention: 1,
      text: '已调走',
    });
  });

  it('when staff send a bulk action with nothing selected, or reject without choosing a reason, then it is refused with what is missing and nothing moves', async () => {
    const s = await school();
    const a = await applicant(String(s.vacancy._id), '甲一');
    const b = await applicant(String(s.vacancy._id), '乙二');
    const board = `/manage/vacancies/${s.vacancy._id}/applications`;
    const bulk = `/manage/vacancies/${s.vacancy._id}/bulk`;
    const page = await s.agent.get(board);
    expect(page.text).toMatch(/<select id="f-reason" name="reason"[^>]*><option value="">请选择<\/option>/);

    const nothing = await submitForm(s.agent, board, { action: 'advance' }, bulk);
    expect(nothing.status).toBe(422);
    expect(nothing.text).toContain('请先在列表中勾选至少一份报名');

    const noReason = await submitForm(
      s.agent,
      board,
      { action: 'reject', ids: [`${a.id}@0`], message: '材料不全' },
      bulk,
    );
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('不通过原因：请从列表中选择。');
    expect(noReason.text).toContain('value="材料不全"');
    expect(noReason.text).toMatch(new RegExp(`value="${a.id}@0" checked`));
    expect(noReason.text).not.toMatch(new RegExp(`value="${b.id}@0" checked`));

    const noMessage = await submitForm(s.agent, board, { action: 'return', ids: [`${a.id}@0`, `${b.id}@0`] }, bulk);
    expect(noMessage.status).toBe(422);
    expect(noMessage.text).toContain('退回修改时请写明需要修改什么');

    const stages = async () =>
      Promise.all(
        [a.id, b.id].map(async (id) =>
          Application.findById(id)
            .lean()
            .then((x) => [x!.stage, x!.outcome]),
        ),
      );
    expect(await stages()).toEqual([
      ['submitted', null],
      ['submitted', null],
    ]);

    // A return with its message sends both back for changes: it never advances them.
    const returned = await submitForm(
      s.agent,
      board,
      { action: 'return', ids: [`${a.id}@0`, `${b.id}@0`], message: '请补充学历证明' },
      bulk,
    );
    expect(returned.status).toBe(303);
    expect(await stages()).toEqual([
      ['submitted', null],
      ['submitted', null],
    ]);
    expect((await Application.findById(a.id).lean())?.returned?.message).toBe('请补充学历证明');

    const rejected = await submitForm(
      s.agent,
      board,
      { action: 'reject', ids: [`${b.id}@1`], reason: 'documents' },
      bulk,
    );
    expect(rejected.status).toBe(303);
    expect(await Application.findById(b.id).lean()).toMatchObject({ outcome: 'rejected', rejectReason: 'documents' });
  });
});

describe("a graduate's facts and choices", () => {
  it('when a partner refers a graduate and the graduate signs up, then neither degree nor consent is chosen for them, and a sign-up without a consent choice is refused naming it', async () => {
    const uni = await makeOrg({ kind: 'university', county: '110108' });
    const staff = await makeUser({ role: 'staff', org: uni._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const form = (await agent.get('/partner/referrals/new')).text;
    expect(form).not.toMatch(/<option value="[^"]+" selected/);
    const email = `grad-${String(uni._id)}@test.cn`;
    const referred = await submitForm(agent, '/partner/referrals/new', {
      name: '陈佳怡',
      email,
      graduationYear: '2027',
      degree: 'bachelor',
    });
    expect(referred.status).toBe(303);
    await t.deliver();
    const link = linkIn(t.smtp.to(email)[0]!.text, '/referrals/');
    const graduate = t.agent();
    const page = (await graduate.get(link)).text;
    expect(page).toMatch(/<select id="f-consent" name="consent" required[^>]*>\s*<option value="">请选择<\/option>/);
    expect(page).not.toMatch(/<option value="(none|status|details)" selected/);
    const fields = {
      name: '陈佳怡',
      password: 'a-good-password-1',
      passwordConfirm: 'a-good-password-1',
      privacy: '1',
    };
    const refused = await submitForm(graduate, link, fields);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('允许推荐单位看到：请从列表中选择一项。');
    expect(refused.text).toContain('value="陈佳怡"');
    const { Referral } = await import('../../models/Referral');
    expect((await Referral.findOne({ email }).lean())?.claimedAt).toBeNull();
    expect((await submitForm(graduate, link, { ...fields, consent: 'none' })).status).toBe(303);
    expect((await Referral.findOne({ email }).lean())?.consent).toBe('none');
  });
});

describe('leaving a post', () => {
  it('when staff record a teacher as left without choosing the reason, then it is refused naming the field, the date kept, and the placement stays as it was', async () => {
    const { placement, agent } = await checkInSent();
    const page = `/manage/placements/${placement._id}`;
    const form = (await agent.get(page)).text;
    expect(form).toMatch(/<select id="f-reason" name="reason" required[^>]*>\s*<option value="">请选择<\/option>/);
    const refused = await submitForm(agent, page, { move: 'leave', at: '2026-12-01' }, `${page}/move`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('离岗原因：请从列表中选择。');
    expect(refused.text).toContain('value="2026-12-01"');
    expect((await Placement.findById(placement._id).lean())?.status).toBe('onboarding');
    expect(await events('placement.leave', String(placement._id))).toBe(0);
  });
});

/** Sends the same form several times at once, as a double click or a flaky connection does, with one page's token. */
async function sameFormAtOnce(
  agent: ReturnType<typeof t.agent>,
  pageUrl: string,
  fields: Record<string, string | string[]>,
  action: string,
  times = 3,
) {
  const token = csrfFrom((await agent.get(pageUrl)).text);
  return Promise.all(
    Array.from({ length: times }, () =>
      agent
        .post(action)
        .type('form')
        .send({ ...fields, _csrf: token }),
    ),
  );
}

const events = (action: string, subjectId: string) => Event.countDocuments({ action, subjectId });

describe('an action that changes nothing records nothing', () => {
  it('when staff send the same stage move several times at once and again later, then the application moves one stage, with one event and one email', async () => {
    const s = await school();
    const a = await applicant(String(s.vacancy._id), '张晓明');
    await t.deliver();
    const before = t.smtp.to(a.user.email).length;
    const page = `/manage/applications/${a.id}`;
    expect((await s.agent.get(page)).text).toContain('name="version" value="0"');
    const answers = await sameFormAtOnce(s.agent, page, { action: 'advance', version: '0' }, `${page}/move`);
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303]);
    const again = await submitForm(s.agent, page, { action: 'advance', version: '0' }, `${page}/move`);
    expect(again.status).toBe(303);
    expect(await Application.findById(a.id).lean()).toMatchObject({ stage: 'qualification_review', version: 1 });
    expect(await events('application.advance', a.id)).toBe(1);
    await t.deliver();
    expect(t.smtp.to(a.user.email).length - before).toBe(1);
  });

  it('when a candidate accepts an offer several times at once and again later, then it is accepted once with one event', async () => {
    const s = await school({ pipeline: 'contract' });
    const a = await applicant(String(s.vacancy._id), '李娜');
    for (let i = 0; i < 2; i += 1) await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
    await t.services.applications.recordScores({ actor: s.actor }, a.id, { written: null, interview: 80 });
    await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
    const page = `/me/applications/${a.id}`;
    const answers = await sameFormAtOnce(a.agent, page, { answer: 'accept' }, `${page}/offer`);
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303]);
    expect((await submitForm(a.agent, page, { answer: 'accept' }, `${page}/offer`)).status).toBe(303);
    expect((await Application.findById(a.id).lean())?.offer?.acceptedAt).toBeInstanceOf(Date);
    expect(await events('application.offer_accepted', a.id)).toBe(1);
  });

  it('when a teacher sends the same check-in answer several times at once, then it is recorded once with one event', async () => {
    const { link, checkInId, placement } = await checkInSent();
    const teacher = t.agent();
    const answer = { inPost: 'yes', workload: '4', support: '4', housing: '3', intention: '5', text: '一切都好' };
    const answers = await sameFormAtOnce(teacher, link, answer, link);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await CheckIn.findById(checkInId).lean())?.status).toBe('answered');
    expect(await Event.countDocuments({ action: 'placement.checkin_answered', subjectId: String(placement._id) })).toBe(
      1,
    );
  });

  it('when staff repeat what is already recorded (the same scores, appointment, notice, tick, objection), then nothing is recorded twice and no second email goes out', async () => {
    const s = await school({ pipeline: 'special_post' });
    const a = await applicant(String(s.vacancy._id), '王芳');
    const { actor } = s;
    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // qualification review
    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // written exam
    const page = `/manage/applications/${a.id}`;
    await sameFormAtOnce(s.agent, page, { written: '88.5', interview: '' }, `${page}/scores`);
    expect((await submitForm(s.agent, page, { written: '88.5' }, `${page}/scores`)).status).toBe(303);
    expect(await events('application.scored', a.id)).toBe(1);

    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // interview (the cut-off)
    await t.deliver();
    const mails = t.smtp.to(a.user.email).length;
    const appointment = { at: '2026-12-20T09:30', minutes: '30', place: '张北二中 302 会议室', panel: '' };
    await sameFormAtOnce(s.agent, page, appointment, `${page}/interview`);
    await submitForm(s.agent, page, appointment, `${page}/interview`);
    expect((await events('interview.scheduled', a.id)) + (await events('interview.rescheduled', a.id))).toBe(1);
    await t.deliver();
    expect(t.smtp.to(a.user.email).length - mails).toBe(1);

    await t.services.applications.recordScores({ actor }, a.id, { written: null, interview: 90 });
    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // medical
    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // background check
    await t.services.applications.move({ actor }, a.id, { action: 'advance' }); // public notice
    const board = `/manage/vacancies/${s.vacancy._id}/applications`;
    await sameFormAtOnce(s.agent, board, {}, `/manage/vacancies/${s.vacancy._id}/notice`);
    await submitForm(s.agent, board, {}, `/manage/vacancies/${s.vacancy._id}/notice`);
    const { Notice } = await import('../../models/Application');
    const notices = await Notice.find({ vacancy: s.vacancy._id }).lean();
    expect(notices).toHaveLength(1);
    const manage = `/manage/notices/${notices[0]!._id}`;
    // An empty objection is refused naming the field, not silently dropped.
    const empty = await submitForm(s.agent, manage, { text: '  ' }, `${manage}/objections`);
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('收到的异议：请写明异议内容。');
    await sameFormAtOnce(s.agent, manage, { text: '来电反映：该考生学历存疑' }, `${manage}/objections`);
    expect((await Notice.findById(notices[0]!._id).lean())?.objections).toHaveLength(1);
    await sameFormAtOnce(s.agent, manage, { resolution: '已核实学历证书，属实' }, `${manage}/objections/0`);
    await submitForm(s.agent, manage, { resolution: '改一下' }, `${manage}/objections/0`);
    expect((await Notice.findById(notices[0]!._id).lean())?.objections[0]?.resolution).toBe('已核实学历证书，属实');
    expect(
      await Event.countDocuments({ action: 'notice.objection_resolved', subjectId: String(notices[0]!._id) }),
    ).toBe(1);
  });

  it('when staff tick the same checklist item several times at once, or a graduate saves the same consent, then one event or none', async () => {
    const { placement, agent } = await checkInSent();
    const page = `/manage/placements/${placement._id}`;
    await sameFormAtOnce(agent, page, { key: 'report_for_duty', done: '1' }, `${page}/checklist`);
    await submitForm(agent, page, { key: 'report_for_duty', done: '1' }, `${page}/checklist`);
    expect(await events('placement.checklist', String(placement._id))).toBe(1);

    const { Referral } = await import('../../models/Referral');
    const graduate = await makeCandidate(t, '赵敏');
    const partner = await makeOrg({ kind: 'university', county: '110108' });
    const referral = await Referral.create({
      partner: partner._id,
      referredBy: graduate.user._id,
      name: '赵敏',
      email: graduate.user.email,
      graduationYear: 2026,
      invitedAt: t.clock.now(),
      expiresAt: t.clock.now(),
      candidate: graduate.user._id,
      claimedAt: t.clock.now(),
      consent: 'status',
      consentAt: t.clock.now(),
    });
    const action = `/me/referrals/${referral._id}/consent`;
    await submitForm(graduate.agent, '/me/referrals', { consent: 'status' }, action);
    expect(await events('referral.consent', String(referral._id))).toBe(0);
    await sameFormAtOnce(graduate.agent, '/me/referrals', { consent: 'details' }, action);
    expect((await Referral.findById(referral._id).lean())?.consent).toBe('details');
    expect(await events('referral.consent', String(referral._id))).toBe(1);
  });
  it("when staff match the same mentor twice at once, then the teacher takes one of the mentor's places, with one event", async () => {
    const { placement, agent } = await checkInSent();
    const { Mentor, MentorSlot } = await import('../../models/Mentor');
    const beijing = await makeOrg({ county: '110105' });
    const mentor = await Mentor.create({
      organisation: beijing._id,
      organisationName: '八十中',
      name: '刘老师',
      email: `${String(beijing._id)}@mentor.test`,
      subject: 'math',
      stage: 'junior',
      capacity: 3,
    });
    const page = `/manage/placements/${placement._id}`;
    await sameFormAtOnce(agent, page, { mentor: String(mentor._id) }, `/placements/${placement._id}/mentor`);
    expect(await MentorSlot.countDocuments({ mentor: mentor._id })).toBe(1);
    expect(await events('placement.mentor', String(placement._id))).toBe(1);
  });
});

describe('scores a ranking or notice relied on', () => {
  it('when the interview cut-off has been applied, then a written score changes only with a reason, recorded with before and after, shown to staff and to the coordinator', async () => {
    const s = await school({ headcount: 1 });
    const apps = [];
    for (const n of ['甲一', '乙二', '丙三']) apps.push(await applicant(String(s.vacancy._id), n));
    for (const a of apps) {
      await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
      await t.services.applications.move({ actor: s.actor }, a.id, { action: 'advance' });
    }
    const written = [91, 85, 70];
    for (const [i, a] of apps.entries())
      await t.services.applications.recordScores({ actor: s.actor }, a.id, { written: written[i]!, interview: null });
    // Before the cut-off, a score is simply changed.
    await t.services.applications.recordScores({ actor: s.actor }, apps[2]!.id, { written: 72, interview: null });
    expect((await Application.findById(apps[2]!.id).lean())?.scoreCorrections).toEqual([]);
    const board = `/manage/vacancies/${s.vacancy._id}/applications`;
    await submitForm(s.agent, board, { from: 'written_exam' }, `/manage/vacancies/${s.vacancy._id}/advance`);
    expect((await Application.findById(apps[1]!.id).lean())?.stage).toBe('interview');

    const page = `/manage/applications/${apps[2]!.id}`;
    expect((await s.agent.get(page)).text).toContain('更正原因');
    const refused = await submitForm(s.agent, page, { written: '86', interview: '' }, `${page}/scores`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('更正原因：这些成绩已用于排名或公示，修改前请写明原因。');
    expect(refused.text).toContain('value="86"');
    expect((await Application.findById(apps[2]!.id).lean())?.scores?.written).toBe(72);

    const corrected = await submitForm(
      s.agent,
      page,
      { written: '86', interview: '', reason: '阅卷复核：第三大题漏计 14 分' },
      `${page}/scores`,
    );
    expect(corrected.status).toBe(303);
    const after = (await Application.findById(apps[2]!.id).lean())!;
    expect(after.scores?.written).toBe(86);
    expect(after.scoreCorrections).toHaveLength(1);
    expect(after.scoreCorrections[0]).toMatchObject({
      reason: '阅卷复核：第三大题漏计 14 分',
      before: { written: 72 },
      after: { written: 86 },
      by: s.staff._id,
    });
    const shown = (await s.agent.get(page)).text;
    expect(shown).toContain('成绩更正记录');
    expect(shown).toContain('笔试 72 → 86');
    expect(shown).toContain('阅卷复核：第三大题漏计 14 分');

    const coordinator = t.agent();
    await loginAs(coordinator, (await makeUser({ role: 'coordinator' })).email);
    const audit = (await coordinator.get('/coordinator/audit?action=application.score_corrected')).text;
    expect(audit).toContain(apps[2]!.id);
    expect(audit).toContain('阅卷复核：第三大题漏计 14 分');
    expect(audit).toMatch(/&quot;written&quot;:72.*&quot;written&quot;:86/);

    // The score sheet follows the same rule: without a reason the correcting row is refused, nothing is written.
    const { applicationRef } = await import('../../server/services/applications');
    const sheet = `报名编号,笔试成绩,面试成绩\n${applicationRef(apps[0]!.id)},91,\n${applicationRef(apps[1]!.id)},80,`;
    const token = csrfFrom((await s.agent.get(board)).text);
    const upload = (reason?: string) => {
      const req = s.agent.post(`/manage/vacancies/${s.vacancy._id}/scores`).field('_csrf', token);
      if (reason) void req.field('reason', reason);
      return req.attach('sheet', Buffer.from(sheet), 'scores.csv');
    };
    const noReason = await upload();
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('第 3 行：该成绩已用于排名或公示');
    expect((await Application.findById(apps[1]!.id).lean())?.scores?.written).toBe(85);
    expect((await upload('登分错误，按原始答卷更正')).status).toBe(303);
    const fixed = (await Application.findById(apps[1]!.id).lean())!;
    expect(fixed.scores?.written).toBe(80);
    expect(fixed.scoreCorrections[0]).toMatchObject({ reason: '登分错误，按原始答卷更正', before: { written: 85 } });
    // The unchanged row (甲一, 91) is neither a correction nor an event.
    expect((await Application.findById(apps[0]!.id).lean())?.scoreCorrections).toEqual([]);
    expect(await events('application.score_corrected', apps[0]!.id)).toBe(0);
  });

  it('when an application is signed, then its scores can never change, by form or by sheet, with or without a reason', async () => {
    const { agent, vacancy, placement } = await checkInSent();
    const id = String(placement.application);
    const page = `/manage/applications/${id}`;
    expect((await agent.get(page)).text).toContain('已签约：成绩不能再修改。');
    const refused = await submitForm(agent, page, { written: '', interview: '60', reason: '复核' }, `${page}/scores`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('已签约的报名成绩不能再修改。');
    const { applicationRef } = await import('../../server/services/applications');
    const token = csrfFrom((await agent.get(`/manage/vacancies/${vacancy._id}/applications`)).text);
    const sheet = await agent
      .post(`/manage/vacancies/${vacancy._id}/scores`)
      .field('_csrf', token)
      .field('reason', '复核')
      .attach('sheet', Buffer.from(`${applicationRef(id)},,60`), 'scores.csv');
    expect(sheet.status).toBe(422);
    expect(sheet.text).toContain('已签约，成绩不能再修改');
    expect((await Application.findById(id).lean())?.scores?.interview).toBe(85);
  });
});
