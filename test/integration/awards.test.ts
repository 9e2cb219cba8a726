// Awards tied to retention: a place reserved when a contract is signed on a funded vacancy (never more than the
// budget, also when placements start at once), accepted by the teacher, released if the placement never starts;
// payments due only after a check-in confirms the teacher in post; names shown to the sponsor only with consent.
import { Award, AwardPlace } from '../../models/Award';
import { CheckIn } from '../../models/CheckIn';
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { Types } from 'mongoose';
import { Placement } from '../../models/Placement';
import { User } from '../../models/User';
import { toActor } from '../../server/services/actor';
import { addMonths } from '../../server/services/placements';
import { useTestApp } from '../helpers/app';
import { makeApprovedProgramme, makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, linkIn, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp({ start: new Date('2026-09-10T02:00:00Z') });
const START = new Date('2026-09-01T00:00:00+08:00');

async function fundedSetup(fields: { places?: number; budget?: number } = {}) {
  const sponsor = await makeOrg({ kind: 'sponsor', county: '110105', name: '春晖乡村教育基金会' });
  // budget: two teachers' whole awards (500 × 3)
  const programme = await makeApprovedProgramme(sponsor, { places: fields.places ?? 5, budget: fields.budget ?? 3000 });
  const school = await makeOrg({ county: '130722' }); // 张北县, rural
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, {
    headcount: 5,
    certificateType: 'junior',
    postType: 'special_post',
    pipeline: 'contract',
    deadline: new Date(t.clock.now().getTime() + 20 * 86_400_000),
  });
  return { sponsor, programme, school, staff, vacancy };
}

/** A placement created directly on the funded vacancy (as the pipeline would on signing), for a new candidate. */
async function placementFor(
  setup: Awaited<ReturnType<typeof fundedSetup>>,
  name: string,
  sourcePartner: Types.ObjectId | null = null,
) {
  const { user } = await makeCandidate(t, name);
  return Placement.create({
    application: new Types.ObjectId(),
    teacher: user._id,
    school: setup.school._id,
    postedBy: setup.school._id,
    vacancy: setup.vacancy._id,
    unitCode: '1307',
    countyCode: '130722',
    postType: 'special_post',
    sourcePartner,
    startDate: START,
  });
}

/** A candidate hired into the vacancy through the pipeline (the placement is created on signing). */
async function hire(setup: Awaited<ReturnType<typeof fundedSetup>>, name: string, locale = 'zh-CN') {
  const { user, actor } = await makeCandidate(t, name);
  await User.updateOne({ _id: user._id }, { $set: { locale } });
  const id = await t.services.applications.apply({ actor }, String(setup.vacancy._id), {
    statement: '',
    consent: true,
  });
  const staffActor = toActor(setup.staff);
  for (let i = 0; i < 2; i += 1) await t.services.applications.move({ actor: staffActor }, id, { action: 'advance' });
  await t.services.applications.recordScores({ actor: staffActor }, id, { written: null, interview: 85 });
  await t.services.applications.move({ actor: staffActor }, id, { action: 'advance' });
  await t.services.applications.answerOffer({ actor }, id, true);
  await t.services.applications.move({ actor: staffActor }, id, { action: 'advance', contractDate: START });
  const placement = (await Placement.findOne({ application: id }).lean())!;
  return { user, actor, placement, staffActor };
}

it('places go to contracts in signing order up to the budget; a placement that never starts gives its place back', async () => {
  const setup = await fundedSetup();
  const first = await hire(setup, '甲老师');
  const second = await hire(setup, '乙老师');
  const third = await hire(setup, '丙老师');
  const awards = await Award.find({ programme: setup.programme._id }).sort({ placeNo: 1 }).lean();
  expect(awards.map((a) => [String(a.placement), a.placeNo, a.status])).toEqual([
    [String(first.placement._id), 0, 'reserved'],
    [String(second.placement._id), 1, 'reserved'],
  ]);
  expect((await IncentiveProgramme.findById(setup.programme._id).lean())!.placesUsed).toBe(2);
  // Full: the board no longer offers it.
  expect((await t.agent().get(`/jobs/${String(setup.vacancy._id)}`)).text).not.toContain('乡村英语教师津贴');

  // The second teacher leaves before starting: the place is released, and a later contract may take it.
  await t.services.placements.move({ actor: second.staffActor }, String(second.placement._id), 'leave', {
    reason: 'family',
  });
  expect((await Award.findOne({ placement: second.placement._id }).lean())!.status).toBe('released');
  expect(await AwardPlace.countDocuments({ programme: setup.programme._id })).toBe(1);
  await t.services.awards.reserveFor(third.placement);
  expect(await Award.findOne({ placement: third.placement._id }).lean()).toMatchObject({ placeNo: 1 });
});

it('placements starting at the same moment never take more places than the budget covers', async () => {
  const setup = await fundedSetup({ places: 10, budget: 4500 }); // three whole awards
  const placements = await Promise.all(Array.from({ length: 8 }, (_, i) => placementFor(setup, `并发${i}`)));
  await Promise.all(placements.map((p) => t.services.awards.reserveFor(p)));
  const awards = await Award.find({ programme: setup.programme._id }).lean();
  expect(awards).toHaveLength(3);
  expect(awards.map((a) => a.placeNo).sort()).toEqual([0, 1, 2]);
  expect(awards.reduce((s, a) => s + a.amount * a.periods, 0)).toBeLessThanOrEqual(4500);
});

it('the teacher accepts; a period falls due only when its check-in confirms them in post; the sponsor records it paid once', async () => {
  const setup = await fundedSetup();
  const shared = await hire(setup, '宁静');
  const quiet = await hire(setup, '沈默');
  const teacher = t.agent();
  await loginAs(teacher, shared.user.email);
  const mine = await teacher.get('/me/placement');
  expect(mine.text).toContain('乡村英语教师津贴');
  expect(mine.text).toContain('待教师确认条款');
  const award = (await Award.findOne({ placement: shared.placement._id }).lean())!;
  // Nobody else accepts it for them.
  const other = t.agent();
  await loginAs(other, quiet.user.email);
  const otherPage = await other.get('/me/placement');
  expect(
    (
      await other
        .post(`/me/awards/${String(award._id)}/accept`)
        .type('form')
        .send({ _csrf: csrfFrom(otherPage.text), shareName: '1' })
    ).status,
  ).toBe(404);
  const accepted = await teacher
    .post(`/me/awards/${String(award._id)}/accept`)
    .type('form')
    .send({ _csrf: csrfFrom(mine.text), shareName: '1' });
  expect(accepted.status).toBe(303);
  // The other teacher accepts without sharing their name.
  const quietAward = (await Award.findOne({ placement: quiet.placement._id }).lean())!;
  await other
    .post(`/me/awards/${String(quietAward._id)}/accept`)
    .type('form')
    .send({ _csrf: csrfFrom(otherPage.text) });

  // Check-ins: the one-month one confirms her in post, the three-month one was missed.
  const checkIn = (months: number, status: 'answered' | 'missed', inPost: boolean | null) =>
    CheckIn.create({
      _id: `${String(shared.placement._id)}:${months}`,
      placement: shared.placement._id,
      postedBy: setup.school._id,
      dueAt: addMonths(START, months),
      status,
      sentAt: addMonths(START, months),
      answer: { inPost },
    });
  await checkIn(1, 'answered', true);
  await checkIn(3, 'missed', null);
  const schedule = (await teacher.get('/me/placement')).text;
  expect(schedule).toMatch(/<td>1<\/td><td>[\d-]+<\/td><td>500<\/td><td>应付<\/td>/);
  expect(schedule).toMatch(/<td>2<\/td><td>[\d-]+<\/td><td>500<\/td><td>暂停（回访未答或不在岗）<\/td>/);

  // The sponsor: her name (she agreed), a number for the other; one due period, recorded paid once.
  const sponsorStaff = await makeUser({ role: 'staff', org: setup.sponsor._id });
  const sponsor = t.agent();
  await loginAs(sponsor, sponsorStaff.email);
  const page = await sponsor.get(`/sponsor/programmes/${String(setup.programme._id)}`);
  expect(page.text).toContain('宁静');
  expect(page.text).not.toContain('沈默');
  expect(page.text).toContain('第 2 位受资助教师');
  expect(page.text).toContain('已承诺 3,000 元 · 应付未付 500 元 · 已付 0 元');
  const pay = (period: number, agent = sponsor, token = csrfFrom(page.text)) =>
    agent
      .post(`/sponsor/awards/${String(award._id)}/paid`)
      .type('form')
      .send({ _csrf: token, period: String(period) });
  expect((await pay(2)).status).toBe(409); // paused: not due
  expect((await pay(1)).status).toBe(303);
  expect((await pay(1)).status).toBe(409); // once
  expect((await sponsor.get(`/sponsor/programmes/${String(setup.programme._id)}`)).text).toContain(
    '已承诺 3,000 元 · 应付未付 0 元 · 已付 500 元',
  );
  // The export holds the same rows: her name, a number for the other, and what was paid.
  const csv = await sponsor.get(`/sponsor/programmes/${String(setup.programme._id)}/awards.csv`);
  expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
  const lines = csv.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('教师,学校,入职日期,状态,应付未付（元）,已付（元）');
  expect(lines.slice(1).map((l) => [l.split(',')[0], l.split(',').at(-1)])).toEqual([
    ['宁静', '500'],
    ['第 2 位受资助教师', '0'],
  ]);
  // Another sponsor cannot record anything on it.
  const rival = t.agent();
  await loginAs(rival, (await makeUser({ role: 'staff', org: (await makeOrg({ kind: 'sponsor' }))._id })).email);
  const rivalPage = await rival.get('/sponsor/programmes/new');
  expect((await pay(2, rival, csrfFrom(rivalPage.text))).status).toBe(404);

  // Leaving early ends the award: periods after the departure are cancelled, the place stays taken.
  await t.services.placements.move({ actor: shared.staffActor }, String(shared.placement._id), 'activate');
  await t.services.placements.move({ actor: shared.staffActor }, String(shared.placement._id), 'leave', {
    reason: 'distance',
    at: addMonths(START, 2),
  });
  expect((await Award.findById(award._id).lean())!.status).toBe('ended');
  const after = (await teacher.get('/me/placement')).text;
  expect(after).toMatch(/<td>3<\/td><td>[\d-]+<\/td><td>500<\/td><td>已取消（已离岗）<\/td>/);
  expect(after).toMatch(/<td>1<\/td><td>[\d-]+<\/td><td>500<\/td><td>已付<\/td>/);
});

it("a programme for one university's graduates funds only teachers hired through it; coordinators read the with/without line in the reports", async () => {
  const bnu = await makeOrg({ kind: 'university', county: '110102', name: '北京师范大学' });
  const setup = await fundedSetup();
  await IncentiveProgramme.updateOne(
    { _id: setup.programme._id },
    { $set: { 'criteria.graduatesOf': bnu._id, graduatesOfName: bnu.name } },
  );
  const direct = await hire(setup, '直招老师');
  expect(await Award.countDocuments({ placement: direct.placement._id })).toBe(0);
  const referred = await placementFor(setup, '北师大毕业生', bnu._id);
  expect(await t.services.awards.reserveFor(referred)).toBe(1);
  // The vacancy page says who qualifies.
  expect((await t.agent().get(`/jobs/${String(setup.vacancy._id)}`)).text).toContain(
    '仅限北京师范大学毕业生（经其推荐或校园招聘录用）',
  );
  // The coordinator's reports carry the line: one hire with an incentive, one without (in this unit).
  const coordinator = t.agent();
  await loginAs(coordinator, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
  const reports = (await coordinator.get('/coordinator/reports')).text;
  const inUnit = await Placement.find({ unitCode: '1307' }).lean();
  const awarded = new Set(
    (await Award.find({}).lean()).filter((a) => a.status !== 'released').map((a) => String(a.placement)),
  );
  const withAward = inUnit.filter((p) => awarded.has(String(p._id))).length;
  expect(withAward).toBeGreaterThan(0);
  expect(reports).toContain(`有资助：录用 ${withAward} 人`);
  expect(reports).toContain(`无资助：录用 ${inUnit.length - withAward} 人`);
});

it('emails: the teacher hears of the reserved place and of each recorded payment; the sponsor hears when a check-in makes periods due, naming only teachers who agreed', async () => {
  const setup = await fundedSetup();
  const sponsorStaff = await makeUser({ role: 'staff', org: setup.sponsor._id });
  const named = await hire(setup, '宁静');
  const unnamed = await hire(setup, '沈默', 'en');
  await t.deliver();
  const offered = t.smtp.to(named.user.email).filter((m) => m.subject === '您获得了一项资助：乡村英语教师津贴');
  expect(offered).toHaveLength(1);
  expect(offered[0]!.text).toContain('春晖乡村教育基金会为您在');
  expect(offered[0]!.text).toContain('“乡村英语教师津贴”：月度津贴补助，每月 500 元，最多 3 个月。');
  expect(linkIn(offered[0]!.text, '/me/placement')).toMatch(/\/me\/placement$/);
  const offeredEn = t.smtp.to(unnamed.user.email);
  expect(offeredEn.map((m) => m.subject)).toContain('A sponsored incentive for your post: 乡村英语教师津贴');
  expect(offeredEn.find((m) => m.subject.startsWith('A sponsored'))!.text).toContain(
    'Monthly stipend top-up, 500 yuan a month, for at most 3 months.',
  );

  const awardOf = async (p: { _id: Types.ObjectId }) => (await Award.findOne({ placement: p._id }).lean())!;
  await t.services.awards.accept({ actor: named.actor }, String((await awardOf(named.placement))._id), true);
  await t.services.awards.accept({ actor: unnamed.actor }, String((await awardOf(unnamed.placement))._id), false);

  // Each teacher confirms they are in post at the one-month check-in, through the emailed link.
  const answerCheckIn = async (placementId: Types.ObjectId, months: number, inPost: 'yes' | 'no') => {
    const id = `${String(placementId)}:${months}`;
    await CheckIn.create({
      _id: id,
      placement: placementId,
      postedBy: setup.school._id,
      dueAt: addMonths(START, months),
      sentAt: addMonths(START, months),
    });
    const link = new URL(t.services.placements.checkInLink(id)).pathname;
    const res = await submitForm(t.agent(), link, {
      inPost,
      workload: '3',
      support: '4',
      housing: '3',
      intention: '4',
      text: '',
    });
    expect(res.status).toBe(200);
  };
  await answerCheckIn(named.placement._id, 1, 'yes');
  await answerCheckIn(unnamed.placement._id, 1, 'yes');
  await t.deliver();
  const due = () => t.smtp.to(sponsorStaff.email).filter((m) => m.subject === '资助到期应付：乡村英语教师津贴');
  expect(due()).toHaveLength(2);
  expect(due().map((m) => m.text.includes('受资助教师宁静'))).toContain(true);
  expect(due().find((m) => m.text.includes('第 2 位受资助教师'))!.text).toContain(
    '“乡村英语教师津贴”第 1 期资助已到期应付，共 500 元。该教师未同意向资助方显示姓名。',
  );
  expect(due().some((m) => m.text.includes('沈默') || m.html.includes('沈默'))).toBe(false);
  expect(linkIn(due()[0]!.text, '/sponsor/programmes/')).toContain(String(setup.programme._id));

  // "Not in post" at three months makes nothing due: no email.
  await answerCheckIn(named.placement._id, 3, 'no');
  await t.deliver();
  expect(due()).toHaveLength(2);

  // The sponsor records period 1 as paid: the teacher hears it once.
  const sponsor = t.agent();
  await loginAs(sponsor, sponsorStaff.email);
  const page = await sponsor.get(`/sponsor/programmes/${String(setup.programme._id)}`);
  const namedAward = String((await awardOf(named.placement))._id);
  const pay = () =>
    sponsor
      .post(`/sponsor/awards/${namedAward}/paid`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), period: '1' });
  expect((await pay()).status).toBe(303);
  expect((await pay()).status).toBe(409);
  await t.deliver();
  const paid = t.smtp.to(named.user.email).filter((m) => m.subject === '春晖乡村教育基金会已记录发放第 1 期资助');
  expect(paid).toHaveLength(1);
  expect(paid[0]!.text).toContain('已记录“乡村英语教师津贴”第 1 期资助（500 元）已经发放');
});

it('a crash between creating a placement and reserving its place is repaired by the sweeper, with the programmes offered when the contract was signed', async () => {
  const setup = await fundedSetup();
  // The programme's last day is today.
  await IncentiveProgramme.updateOne(
    { _id: setup.programme._id },
    { $set: { endsOn: new Date('2026-09-10T00:00:00+08:00') } },
  );
  // As a crash would leave it: the placement written, its reservation never made.
  const cut = await placementFor(setup, '断电老师');
  await Placement.updateOne({ _id: cut._id }, { $set: { awardsPendingSince: t.clock.now() } });
  await t.services.placements.sweep();
  // Within the first minute the request that created it may still be reserving: left alone.
  expect(await Award.countDocuments({ placement: cut._id })).toBe(0);
  // Three days later the programme has ended, but it was offered when the contract was signed.
  t.clock.advance(3 * 86_400_000);
  await t.services.placements.sweep();
  await t.services.placements.sweep();
  const awards = await Award.find({ placement: cut._id }).lean();
  expect(awards.map((a) => [a.status, a.placeNo])).toEqual([['reserved', 0]]);
  expect((await Placement.findById(cut._id).lean())!.awardsPendingSince).toBeNull();
  // A placement created now, after the programme ended, gets nothing.
  const late = await hire(setup, '晚到老师');
  expect(await Award.countDocuments({ placement: late.placement._id })).toBe(0);
  expect((await Placement.findById(late.placement._id).lean())!.awardsPendingSince).toBeNull();
});
