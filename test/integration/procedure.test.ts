// The recruitment procedure after applying: scores, cut-offs with ties and back-fill, public notice with
// objections, offer and signing.
import { Application, Notice } from '../../models/Application';
import { toActor } from '../../server/services/actor';
import { applicationRef } from '../../server/services/applications';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';
import { makeCandidate } from '../helpers/candidates';

const t = useTestApp();
const DAY = 86_400_000;
async function applicant(vacancyId: string, name: string) {
  const { user, actor } = await makeCandidate(t, name, {}, 'math');
  const id = await t.services.applications.apply({ actor }, vacancyId, { statement: '', consent: true });
  return { user, actor, id };
}

async function setting(headcount = 1) {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, { subject: 'math', headcount, certificateType: 'junior' });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { school, staff, vacancy, agent, actor: toActor(staff) };
}

/** Moves an application to `stage` through the real state machine (no gates before the written exam). */
async function bringTo(actor: ReturnType<typeof toActor>, id: string, stage: string) {
  for (;;) {
    const app = (await Application.findById(id).lean())!;
    if (app.stage === stage) return;
    await t.services.applications.move({ actor }, id, { action: 'advance' });
  }
}

describe('scores and cut-offs', () => {
  it('when interview places are 1:2 of one post, then the top two by written score and everyone tied with the second go through, and a drop-out is back-filled', async () => {
    const { vacancy, agent, actor } = await setting(1);
    const names = ['甲一', '乙二', '丙三', '丁四', '戊五'];
    const apps: Awaited<ReturnType<typeof applicant>>[] = [];
    for (const n of names) apps.push(await applicant(String(vacancy._id), n));
    for (const a of apps) await bringTo(actor, a.id, 'written_exam');

    // The sheet: one bad row means nothing is imported.
    const page = await agent.get(`/manage/vacancies/${vacancy._id}/applications`);
    const token = csrfFrom(page.text);
    const rows = apps.map((a, i) => `${applicationRef(a.id)},${[92, 88.5, 88.5, 70, 60][i]},`);
    const bad = await agent
      .post(`/manage/vacancies/${vacancy._id}/scores`)
      .field('_csrf', token)
      .attach(
        'sheet',
        Buffer.from(
          ['报名编号,笔试成绩,面试成绩', ...rows, 'ffffffff,80,', `${applicationRef(apps[0]!.id)},101,`].join('\n'),
        ),
        'scores.csv',
      );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('第 7 行：没有这个报名编号');
    expect(bad.text).toContain('第 8 行：成绩须是 0–100 之间');
    expect(
      (await Application.find({ vacancy: vacancy._id }).lean()).filter((x) => typeof x.scores?.written === 'number'),
    ).toEqual([]);
    // Without the CSRF token the upload is refused.
    expect(
      (
        await agent
          .post(`/manage/vacancies/${vacancy._id}/scores`)
          .attach('sheet', Buffer.from(rows.join('\n')), 'scores.csv')
      ).status,
    ).toBe(403);

    const good = await agent
      .post(`/manage/vacancies/${vacancy._id}/scores`)
      .field('_csrf', token)
      .attach('sheet', Buffer.from(`\uFEFF报名编号,笔试成绩,面试成绩\n${rows.join('\n')}`), 'scores.csv');
    expect(good.status).toBe(303);

    const advanced = await submitForm(
      agent,
      `/manage/vacancies/${vacancy._id}/applications`,
      { from: 'written_exam' },
      `/manage/vacancies/${vacancy._id}/advance`,
    );
    expect(advanced.status).toBe(303);
    const stageOf = async (i: number) => (await Application.findById(apps[i]!.id).lean())!.stage;
    expect(await Promise.all([0, 1, 2, 3, 4].map(stageOf))).toEqual([
      'interview',
      'interview',
      'interview',
      'written_exam',
      'written_exam',
    ]);

    // 甲一 withdraws: the tie already fills both places, so nobody moves up. Then 乙二 withdraws too: the next in
    // rank (丁四) may be admitted, recorded as a back-fill; 戊五 still may not.
    await t.services.applications.move({ actor: apps[0]!.actor }, apps[0]!.id, { action: 'withdraw', note: '' });
    await expect(t.services.applications.move({ actor }, apps[3]!.id, { action: 'advance' })).rejects.toMatchObject({
      messageKey: 'applications.errors.belowCutoff',
    });
    await t.services.applications.move({ actor: apps[1]!.actor }, apps[1]!.id, { action: 'withdraw', note: '' });
    await expect(t.services.applications.move({ actor }, apps[4]!.id, { action: 'advance' })).rejects.toMatchObject({
      messageKey: 'applications.errors.belowCutoff',
    });
    await t.services.applications.move({ actor }, apps[3]!.id, { action: 'advance' });
    const backfilled = (await Application.findById(apps[3]!.id).lean())!;
    expect(backfilled.stage).toBe('interview');
    expect(backfilled.history.at(-1)?.note).toBe('backfill');
  });

  it('when interview scores are in, then the total is weighted 50/50 and only the top headcount by total goes to the medical', async () => {
    const { vacancy, actor } = await setting(1);
    const a = await applicant(String(vacancy._id), '张晓明');
    const b = await applicant(String(vacancy._id), '李娜');
    for (const x of [a, b]) await bringTo(actor, x.id, 'written_exam');
    await t.services.applications.recordScores({ actor }, a.id, { written: 81.25, interview: null });
    await t.services.applications.recordScores({ actor }, b.id, { written: 80, interview: null });
    for (const x of [a, b]) await t.services.applications.move({ actor }, x.id, { action: 'advance' });
    await t.services.applications.recordScores({ actor }, a.id, { written: null, interview: 70 });
    await t.services.applications.recordScores({ actor }, b.id, { written: null, interview: 88.5 });
    expect((await Application.findById(a.id).lean())?.scores?.total).toBe(75.63);
    expect((await Application.findById(b.id).lean())?.scores?.total).toBe(84.25);
    await t.services.applications.move({ actor }, b.id, { action: 'advance' });
    await expect(t.services.applications.move({ actor }, a.id, { action: 'advance' })).rejects.toMatchObject({
      messageKey: 'applications.errors.belowCutoff',
    });
  });
});

describe('public notice, offer and signing', () => {
  it('when provisional hires are published, then names are masked and no ID or phone appears; the offer waits for the period and every objection; the candidate accepts; staff record the signing', async () => {
    const { vacancy, agent, actor } = await setting(1);
    const a = await applicant(String(vacancy._id), '张晓明');
    await bringTo(actor, a.id, 'written_exam');
    await t.services.applications.recordScores({ actor }, a.id, { written: 90, interview: null });
    await bringTo(actor, a.id, 'interview');
    await t.services.applications.recordScores({ actor }, a.id, { written: null, interview: 86 });
    await bringTo(actor, a.id, 'public_notice');

    const published = await submitForm(
      agent,
      `/manage/vacancies/${vacancy._id}/applications`,
      {},
      `/manage/vacancies/${vacancy._id}/notice`,
    );
    expect(published.status).toBe(303);
    const notice = (await Notice.findOne({ vacancy: vacancy._id }).lean())!;
    const page = await t.agent().get(`/notices/${notice._id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('张*明');
    expect(page.text).not.toContain('张晓明');
    expect(page.text).not.toContain('13912345678');
    expect(page.text).not.toMatch(/130722\d{11}[\dX]/);
    expect(page.text).toContain('88');

    await expect(t.services.applications.move({ actor }, a.id, { action: 'advance' })).rejects.toMatchObject({
      messageKey: 'applications.errors.noticeRunning',
    });
    await submitForm(
      agent,
      `/manage/notices/${notice._id}`,
      { text: '有人反映该考生学历存疑' },
      `/manage/notices/${notice._id}/objections`,
    );
    t.clock.advance(8 * DAY);
    await expect(t.services.applications.move({ actor }, a.id, { action: 'advance' })).rejects.toMatchObject({
      messageKey: 'applications.errors.objections',
    });
    await submitForm(
      agent,
      `/manage/notices/${notice._id}`,
      { resolution: '经核实学历证书真实有效' },
      `/manage/notices/${notice._id}/objections/0`,
    );
    await t.services.applications.move({ actor }, a.id, { action: 'advance' });
    expect((await Application.findById(a.id).lean())?.stage).toBe('offer');

    // Signing needs the candidate's acceptance first.
    await expect(
      t.services.applications.move({ actor }, a.id, { action: 'advance', contractDate: new Date() }),
    ).rejects.toMatchObject({ messageKey: 'applications.errors.offerNotAccepted' });
    const candidate = t.agent();
    await loginAs(candidate, a.user.email);
    const mine = await candidate.get(`/me/applications/${a.id}`);
    expect(mine.text).toContain('接受聘用');
    expect(
      (await submitForm(candidate, `/me/applications/${a.id}`, { answer: 'accept' }, `/me/applications/${a.id}/offer`))
        .status,
    ).toBe(303);

    const noDate = await submitForm(
      agent,
      `/manage/applications/${a.id}`,
      { action: 'advance', contractDate: '' },
      `/manage/applications/${a.id}/move`,
    );
    expect(noDate.status).toBe(422);
    expect(noDate.text).toContain('请填写签约日期');
    const signed = await submitForm(
      agent,
      `/manage/applications/${a.id}`,
      { action: 'advance', contractDate: '2027-01-15' },
      `/manage/applications/${a.id}/move`,
    );
    expect(signed.status).toBe(303);
    const done = (await Application.findById(a.id).lean())!;
    expect(done.stage).toBe('signed');
    expect(done.contractDate?.toISOString()).toBe('2027-01-15T15:59:59.000Z');
    // A signed application can no longer be withdrawn.
    await expect(
      t.services.applications.move({ actor: a.actor }, a.id, { action: 'withdraw', note: '' }),
    ).rejects.toMatchObject({ messageKey: 'applications.errors.signed' });
    await t.deliver();
    expect(t.smtp.to(a.user.email).filter((m) => m.subject.startsWith('报名进展')).length).toBeGreaterThanOrEqual(6);
  });

  it('when a candidate declines an offer, then the application ends as withdrawn', async () => {
    const contract = await makeOpenVacancy(await makeOrg({ county: '130722' }), {
      subject: 'math',
      certificateType: 'junior',
      pipeline: 'contract',
    });
    const staff = await makeUser({ role: 'staff', org: contract.postedBy });
    const a = await applicant(String(contract._id), '李娜');
    const staffActor = toActor(staff);
    await bringTo(staffActor, a.id, 'interview');
    await t.services.applications.recordScores({ actor: staffActor }, a.id, { written: null, interview: 80 });
    await bringTo(staffActor, a.id, 'offer');
    await t.services.applications.answerOffer({ actor: a.actor }, a.id, false);
    expect(await Application.findById(a.id).lean()).toMatchObject({ outcome: 'withdrawn', stage: 'offer' });
  });
});

describe('interviews', () => {
  it('when staff schedule an interview, then the candidate gets an invitation with a calendar file, confirms, and a reschedule updates the same event', async () => {
    const { vacancy, agent, actor } = await setting(1);
    const a = await applicant(String(vacancy._id), '周敏');
    await bringTo(actor, a.id, 'written_exam');
    await t.services.applications.recordScores({ actor }, a.id, { written: 90, interview: null });
    await bringTo(actor, a.id, 'interview');
    const res = await submitForm(
      agent,
      `/manage/applications/${a.id}`,
      { at: '2027-01-06T09:30', minutes: '30', place: '张北二中 行政楼301', panel: '王、李、赵' },
      `/manage/applications/${a.id}/interview`,
    );
    expect(res.status).toBe(303);
    await t.deliver();
    const invite = t.smtp.to(a.user.email).find((m) => m.subject.startsWith('面试通知'))!;
    expect(invite.text).toContain('张北二中 行政楼301');
    const ics = invite.parsed.attachments.find((x) => x.contentType.startsWith('text/calendar'))!;
    const body = ics.content.toString('utf8');
    expect(body).toContain(`UID:interview-${a.id}@teachbridge.test`);
    expect(body).toContain('SEQUENCE:1');
    expect(body).toContain('DTSTART:20270106T013000Z');
    expect(body).toContain('DTEND:20270106T020000Z');

    const candidate = t.agent();
    await loginAs(candidate, a.user.email);
    await submitForm(candidate, `/me/applications/${a.id}`, {}, `/me/applications/${a.id}/interview`);
    expect((await Application.findById(a.id).lean())?.interview?.confirmedAt).toBeInstanceOf(Date);

    await submitForm(
      agent,
      `/manage/applications/${a.id}`,
      { at: '2027-01-07T14:00', minutes: '30', place: '线上：会议号 123', panel: '' },
      `/manage/applications/${a.id}/interview`,
    );
    await t.deliver();
    const update = t.smtp.to(a.user.email).find((m) => m.subject.startsWith('面试时间变更'))!;
    const updated = update.parsed.attachments[0]!.content.toString('utf8');
    expect(updated).toContain(`UID:interview-${a.id}@teachbridge.test`);
    expect(updated).toContain('SEQUENCE:2');
    expect(updated).toContain('LOCATION:线上：会议号 123');
    const after = (await Application.findById(a.id).lean())!;
    expect(after.interview).toMatchObject({ sequence: 2, confirmedAt: null, place: '线上：会议号 123' });
  });
});
