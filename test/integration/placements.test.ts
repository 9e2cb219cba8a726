import { Application } from '../../models/Application';
import { Placement } from '../../models/Placement';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();

async function signedApplication() {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, {
    certificateType: 'junior',
    postType: 'special_post',
    pipeline: 'contract',
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
