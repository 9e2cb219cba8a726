import { Application } from '../../models/Application';
import { Placement } from '../../models/Placement';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { linkIn, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();

async function signedApplication() {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, {
    certificateType: 'junior',
    postType: 'special_post',
    pipeline: 'contract',
    deadline: new Date(t.clock.now().getTime() + 20 * 86_400_000),
  });
  const { user, actor } = await makeCandidate(t, '郭晨阳');
  const id = await t.services.applications.apply({ actor }, String(vacancy._id), { statement: '', consent: true });
  const staffActor = toActor(staff);
  for (const step of ['qualification_review', 'interview']) {
    await t.services.applications.move({ actor: staffActor }, id, { action: 'advance' });
    expect((await Application.findById(id).lean())?.stage).toBe(step);
  }
  await t.services.applications.recordScores({ actor: staffActor }, id, { written: null, interview: 85 });
  await t.services.applications.move({ actor: staffActor }, id, { action: 'advance' }); // offer
  await t.services.applications.answerOffer({ actor }, id, true);
  await t.services.applications.move({ actor: staffActor }, id, {
    action: 'advance',
    contractDate: new Date('2026-09-01T00:00:00Z'),
  });
  return { school, staff, vacancy, user, id, staffActor };
}

describe('placements', () => {
  it("when an application is signed, then exactly one placement starts, with the post type's commitment and the onboarding checklist", async () => {
    const { id, staff, user } = await signedApplication();
    const placements = await Placement.find({ application: id }).lean();
    expect(placements).toHaveLength(1);
    expect(placements[0]).toMatchObject({
      status: 'onboarding',
      commitmentYears: 3,
      teacherName: '郭晨阳',
      postType: 'special_post',
    });
    expect(placements[0]!.startDate.toISOString()).toBe('2026-09-01T00:00:00.000Z');
    expect(placements[0]!.checklist.map((c) => c.key)).toEqual([
      'report_for_duty',
      'contract_filed',
      'pre_service_training',
      'housing_arranged',
      'mentor_assigned',
      'first_month_checkin',
    ]);
    // A retry of the creation, or the sweeper, adds nothing.
    const app = (await Application.findById(id).lean())!;
    expect(await t.services.placements.ensureFor(app)).toBeNull();
    expect(await t.services.placements.sweep()).toBe(0);
    expect(await Placement.countDocuments({ application: id })).toBe(1);

    // Staff tick the checklist; the teacher sees it.
    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    const placementId = String(placements[0]!._id);
    const ticked = await submitForm(
      staffAgent,
      `/manage/placements/${placementId}`,
      { key: 'report_for_duty', done: '1' },
      `/manage/placements/${placementId}/checklist`,
    );
    expect(ticked.status).toBe(303);
    const teacher = t.agent();
    await loginAs(teacher, user.email);
    const mine = await teacher.get('/me/placement');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('报到');
    expect(mine.text).toMatch(/已完成/);
  });

  it('when a crash left a signed application without its placement, then the sweeper creates it, once', async () => {
    const { id } = await signedApplication();
    await Placement.deleteMany({ application: id });
    expect(await t.services.placements.sweep()).toBe(1);
    expect(await t.services.placements.sweep()).toBe(0);
    expect(await Placement.countDocuments({ application: id })).toBe(1);
  });

  it('when a teacher is suspended and resumes, then the commitment end moves by the suspended days; leaving needs a reason', async () => {
    const { id, staffActor, staff } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    const pid = String(p._id);
    await t.services.placements.move({ actor: staffActor }, pid, 'activate');
    await t.services.placements.move({ actor: staffActor }, pid, 'suspend', {
      at: new Date('2027-03-01T00:00:00Z'),
      note: '病假',
    });
    await t.services.placements.move({ actor: staffActor }, pid, 'resume', { at: new Date('2027-05-30T00:00:00Z') });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const page = await agent.get(`/manage/placements/${pid}`);
    expect(page.text).toContain('2029-11-30'); // 2029-09-01 + 90 days
    await expect(t.services.placements.move({ actor: staffActor }, pid, 'leave')).rejects.toMatchObject({
      fields: { reason: 'placements.errors.leaveReason' },
    });
    await t.services.placements.move({ actor: staffActor }, pid, 'leave', {
      reason: 'distance',
      at: new Date('2027-09-01T00:00:00Z'),
    });
    expect(await Placement.findById(pid).lean()).toMatchObject({ status: 'left_early', leaveReason: 'distance' });
  });

  it("when another organisation's staff or another teacher look, then the placement does not exist for them", async () => {
    const { id } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await outsider.get(`/manage/placements/${p._id}`)).status).toBe(404);
    expect((await outsider.get('/manage/placements')).text).not.toContain('郭晨阳');
    const other = await makeCandidate(t, '别人');
    expect((await other.agent.get('/me/placement')).text).not.toContain('郭晨阳');
  });
});

describe('retention check-ins', () => {
  it('when a check-in falls due, then it is sent once, reminded once, answered without signing in, and a low intention flags the placement', async () => {
    const { id, staff, user } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    // The contract date is in the past relative to the record: move the record's start to the clock's today.
    await Placement.updateOne({ _id: p._id }, { $set: { startDate: t.clock.now() } });
    const DAY = 86_400_000;
    const { CheckIn } = await import('../../models/CheckIn');
    const mine = () => CheckIn.countDocuments({ placement: p._id });
    await t.services.placements.runCheckIns(t.clock.now());
    expect(await mine()).toBe(0);
    t.clock.advance(31 * DAY); // one month in
    await t.services.placements.runCheckIns(t.clock.now());
    expect(await mine()).toBe(1);
    expect((await t.services.placements.runCheckIns(t.clock.now())).sent).toBe(0); // a second run (or instance) sends nothing
    expect(await mine()).toBe(1);
    await t.deliver();
    const mail = t.smtp.to(user.email).find((m) => m.subject.startsWith('入职回访'))!;
    const link = linkIn(mail.text, '/checkins/');
    t.clock.advance(15 * DAY);
    await t.services.placements.runCheckIns(t.clock.now());
    expect((await CheckIn.findOne({ placement: p._id }).lean())?.remindedAt).toBeInstanceOf(Date);
    await t.services.placements.runCheckIns(t.clock.now());
    await t.deliver();
    expect(t.smtp.to(user.email).filter((m) => m.subject.startsWith('提醒：入职回访'))).toHaveLength(1);

    const anonymous = t.agent();
    const form = await anonymous.get(link);
    expect(form.status).toBe(200);
    expect((await t.agent().get(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(404);
    const res = await submitForm(anonymous, link, {
      inPost: 'yes',
      workload: '2',
      support: '3',
      housing: '2',
      intention: '2',
      text: '住房离学校太远',
    });
    expect(res.status).toBe(200);
    expect((await Placement.findById(p._id).lean())?.flagged).toBe(true);

    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    const page = await staffAgent.get(`/manage/placements/${p._id}`);
    expect(page.text).toContain('住房离学校太远');
    expect(page.text).toContain('需关注');
  });

  it('when a check-in stays unanswered for four weeks, then it is marked missed', async () => {
    const { id } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    await Placement.updateOne({ _id: p._id }, { $set: { startDate: t.clock.now() } });
    t.clock.advance(31 * 86_400_000);
    await t.services.placements.runCheckIns(t.clock.now());
    t.clock.advance(29 * 86_400_000);
    expect((await t.services.placements.runCheckIns(t.clock.now())).missed).toBeGreaterThanOrEqual(1);
    const { CheckIn } = await import('../../models/CheckIn');
    expect((await CheckIn.findOne({ placement: p._id }).sort({ dueAt: 1 }).lean())?.status).toBe('missed');
  });
});

describe("the coordinator's registry", () => {
  it('lists placements in scope with retention figures, filters and a CSV export; another unit sees none of them', async () => {
    const { id } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    await Placement.updateOne({ _id: p._id }, { $set: { flagged: true } });
    const zhangjiakou = t.agent();
    await loginAs(zhangjiakou, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
    const page = await zhangjiakou.get('/coordinator/placements?flagged=1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('郭晨阳');
    expect(page.text).toContain('需关注');
    const csv = await zhangjiakou.get('/coordinator/placements.csv?flagged=1');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('郭晨阳');
    const langfang = t.agent();
    await loginAs(langfang, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
    expect((await langfang.get('/coordinator/placements')).text).not.toContain('郭晨阳');
    expect((await langfang.get('/coordinator/placements.csv')).text).not.toContain('郭晨阳');
    const staff = t.agent();
    await loginAs(staff, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await staff.get('/coordinator/placements')).status).toBe(403);
  });

  it('computes one-year and commitment retention by its definitions', async () => {
    const { retention } = await import('../../server/services/placements');
    const d = (s: string) => new Date(`${s}T00:00:00Z`);
    const now = d('2027-12-01');
    const r = retention(
      [
        { startDate: d('2026-09-01'), status: 'active', leftAt: null, commitmentYears: 3, suspensions: [] },
        {
          startDate: d('2026-09-01'),
          status: 'left_early',
          leftAt: d('2027-03-01'),
          commitmentYears: 3,
          suspensions: [],
        },
        {
          startDate: d('2026-09-01'),
          status: 'left_early',
          leftAt: d('2027-10-01'),
          commitmentYears: 3,
          suspensions: [],
        },
        { startDate: d('2025-09-01'), status: 'completed', leftAt: null, commitmentYears: 1, suspensions: [] },
        { startDate: d('2027-09-01'), status: 'active', leftAt: null, commitmentYears: 3, suspensions: [] },
      ],
      now,
    );
    expect(r.oneYear).toEqual({ base: 4, stayed: 3, percent: 75 });
    expect(r.commitment).toEqual({ base: 1, stayed: 1, percent: 100 });
  });
});
