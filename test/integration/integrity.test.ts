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
import { loginAs, submitForm } from '../helpers/http';
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

    const noReason = await submitForm(s.agent, board, { action: 'reject', ids: [a.id], message: '材料不全' }, bulk);
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('不通过原因：请从列表中选择。');
    expect(noReason.text).toContain('value="材料不全"');
    expect(noReason.text).toMatch(new RegExp(`value="${a.id}" checked`));
    expect(noReason.text).not.toMatch(new RegExp(`value="${b.id}" checked`));

    const noMessage = await submitForm(s.agent, board, { action: 'return', ids: [a.id, b.id] }, bulk);
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
      { action: 'return', ids: [a.id, b.id], message: '请补充学历证明' },
      bulk,
    );
    expect(returned.status).toBe(303);
    expect(await stages()).toEqual([
      ['submitted', null],
      ['submitted', null],
    ]);
    expect((await Application.findById(a.id).lean())?.returned?.message).toBe('请补充学历证明');

    const rejected = await submitForm(s.agent, board, { action: 'reject', ids: [b.id], reason: 'documents' }, bulk);
    expect(rejected.status).toBe(303);
    expect(await Application.findById(b.id).lean()).toMatchObject({ outcome: 'rejected', rejectReason: 'documents' });
  });
});
