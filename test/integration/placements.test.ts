import { Application } from '../../models/Application';
import { trusted } from 'mongoose';
import { Organisation } from '../../models/Organisation';

const trustedIn = (values: string[]) => trusted({ $in: values });
import { Placement } from '../../models/Placement';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, linkIn, loginAs, submitForm } from '../helpers/http';
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

  it('filters by school, county and source partner, and lets a coordinator in scope open a placement and match a mentor', async () => {
    const { id, school } = await signedApplication();
    const other = await signedApplication();
    const partner = await makeOrg({ kind: 'university', county: '110108', name: '测试师范大学' });
    await Placement.updateOne({ application: id }, { $set: { sourcePartner: partner._id } });
    const p = (await Placement.findOne({ application: id }).lean())!;
    const coordinator = t.agent();
    await loginAs(coordinator, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
    const bySchool = (await coordinator.get(`/coordinator/placements?school=${String(school._id)}`)).text;
    expect(bySchool).toContain(`/coordinator/placements/${String(p._id)}`);
    const otherId = String((await Placement.findOne({ application: other.id }).lean())!._id);
    expect(bySchool).not.toContain(`/coordinator/placements/${otherId}`);
    const byPartner = (await coordinator.get(`/coordinator/placements?partner=${String(partner._id)}`)).text;
    expect(byPartner).toContain('测试师范大学'); // offered as a choice
    expect(byPartner).toContain(`/coordinator/placements/${String(p._id)}`);
    expect(byPartner).not.toContain(`/coordinator/placements/${otherId}`);
    expect((await coordinator.get('/coordinator/placements?county=130102')).text).not.toContain(
      `/coordinator/placements/${String(p._id)}`,
    );

    const bj = await makeOrg({ county: '110105', name: '朝阳区学校' });
    const bjStaff = await makeUser({ role: 'staff', org: bj._id });
    const m = await t.services.mentors.register(
      { actor: toActor(bjStaff) },
      { name: '杜老师', email: 'du@bj.test', subject: 'english', stage: 'junior', capacity: '2' },
    );
    const page = `/coordinator/placements/${String(p._id)}`;
    expect((await coordinator.get(page)).text).toContain('杜老师');
    const res = await submitForm(coordinator, page, { mentor: String(m._id) }, `/placements/${String(p._id)}/mentor`);
    expect(res.headers.location).toBe(page);
    expect((await Placement.findById(p._id).lean())?.mentorName).toContain('杜老师');

    const langfang = t.agent();
    await loginAs(langfang, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
    expect((await langfang.get(page)).status).toBe(404);
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

describe('check-ins across a restart', () => {
  it('sends every date that fell due while the app was down, and a fresh instance sends none of them again', async () => {
    const { id, user } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    await Placement.updateOne({ _id: p._id }, { $set: { startDate: t.clock.now() } });
    const { CheckIn } = await import('../../models/CheckIn');
    const { Placements } = await import('../../server/services/placements');
    t.clock.advance(95 * 86_400_000); // down across the one- and three-month dates
    await t.services.placements.runCheckIns(t.clock.now());
    const dues = (await CheckIn.find({ placement: p._id }).lean()).map((c) => c.dueAt.getTime());
    expect(dues).toHaveLength(2);
    // A restarted process (a new service instance over the same database) finds nothing more to send.
    const restarted = new Placements({
      clock: t.clock,
      events: t.services.events,
      notify: t.services.notify,
      outbox: t.services.outbox,
      baseUrl: t.config.baseUrl,
      secret: t.config.sessionSecret,
    });
    await restarted.runCheckIns(t.clock.now());
    expect(await CheckIn.countDocuments({ placement: p._id })).toBe(2);
    await t.deliver();
    expect(t.smtp.to(user.email).filter((m) => m.subject.startsWith('入职回访'))).toHaveLength(2);
  });
});

describe("the partner's view of placements", () => {
  it('shows a partner how many of its graduates were placed and are still in post after a year, small groups hidden', async () => {
    const partner = await makeOrg({ kind: 'university', county: '110108', name: '测试师大' });
    const careers = await makeUser({ role: 'staff', org: partner._id });
    const agent = t.agent();
    await loginAs(agent, careers.email);
    const section = async () => {
      const html = (await agent.get('/partner')).text;
      return html.slice(html.indexOf('placements-summary'), html.indexOf('</ul>', html.indexOf('placements-summary')));
    };
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { id } = await signedApplication();
      ids.push(id);
      await Placement.updateOne(
        { application: id },
        { $set: { sourcePartner: partner._id, startDate: new Date('2025-03-01T00:00:00Z') } },
      );
    }
    await Placement.updateOne(
      { application: ids[0] },
      { $set: { status: 'left_early', leftAt: new Date('2025-09-01T00:00:00Z'), leaveReason: 'family' } },
    );
    const shown = await section();
    expect(shown).toContain('已入职（建立入职跟踪）: 4');
    expect(shown).toContain('入职满一年仍在岗: 3 / 4 (75%)');
    // With only two placed, the counts are suppressed and no rate is given.
    await Placement.updateMany({ application: trustedIn(ids.slice(2)) }, { $set: { sourcePartner: null } });
    const small = await section();
    expect(small).toContain('已入职（建立入职跟踪）: &lt;3');
    expect(small).not.toContain('%');
  });
});

describe('checklist template', () => {
  it("a school's own template (defaults dropped or moved, own items added) is used for its next placements; bad rows keep what was typed", async () => {
    const school = await makeOrg({ county: '130722' });
    const staff = await makeUser({ role: 'staff', org: school._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const form = {
      rows: '8',
      key0: 'report_for_duty',
      days0: '0',
      key1: 'contract_filed',
      days1: '10',
      key2: 'pre_service_training',
      days2: '14',
      drop2: '1',
      key3: 'housing_arranged',
      days3: '3',
      key4: 'mentor_assigned',
      days4: '30',
      key5: 'first_month_checkin',
      days5: '30',
      drop5: '1',
      key6: '',
      label6: '领取教材和教案本',
      days6: '400',
      key7: '',
      label7: '',
      days7: '',
    };
    const bad = await submitForm(agent, '/manage/placements/template', form);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="领取教材和教案本"');
    expect(bad.text).toContain('请填写 0 到 365 之间的整数天数');
    const ok = await submitForm(agent, '/manage/placements/template', { ...form, days6: '2' });
    expect(ok.status).toBe(303);

    const { Organisation: Org } = await import('../../models/Organisation');
    const tpl = (await Org.findById(school._id).lean())!.checklistTemplate;
    expect(tpl.map((c) => c.key).slice(0, 4)).toEqual([
      'report_for_duty',
      'contract_filed',
      'housing_arranged',
      'mentor_assigned',
    ]);
    expect(tpl[4]).toMatchObject({ label: '领取教材和教案本', days: 2 });

    // A placement of this school starts with that list; the teacher sees the school's own item by its name.
    const vacancy = await makeOpenVacancy(school, {
      certificateType: 'junior',
      postType: 'special_post',
      pipeline: 'contract',
      deadline: new Date(t.clock.now().getTime() + 20 * 86_400_000),
    });
    const { user } = await makeCandidate(t, '宋可馨');
    const app = await Application.create({
      vacancy: vacancy._id,
      candidate: user._id,
      postedBy: school._id,
      school: school._id,
      unitCode: vacancy.unitCode,
      pipeline: 'contract',
      stage: 'signed',
      consentAt: t.clock.now(),
      submittedAt: t.clock.now(),
      snapshot: { legalName: '宋可馨' },
      contractDate: new Date('2026-09-01T00:00:00Z'),
    });
    await t.services.placements.ensureFor(app);
    const p = (await Placement.findOne({ application: app._id }).lean())!;
    expect(p.checklist.map((c) => c.key).slice(0, 4)).toEqual(tpl.map((c) => c.key).slice(0, 4));
    expect(p.checklist[1]!.dueAt?.toISOString()).toBe('2026-09-11T00:00:00.000Z');
    const teacher = t.agent();
    await loginAs(teacher, user.email);
    expect((await teacher.get('/me/placement')).text).toContain('领取教材和教案本');
  });
});

describe('overdue onboarding reminder', () => {
  it('emails each staff member of the school once a week with the overdue items, and nothing when all are done', async () => {
    const { id, staff } = await signedApplication();
    const p = (await Placement.findOne({ application: id }).lean())!;
    const DAY = 86_400_000;
    await Placement.updateOne({ _id: p._id }, { $set: { startDate: t.clock.now() } });
    const checklist = p.checklist.map((c, n) => ({ ...c, dueAt: new Date(t.clock.now().getTime() + n * DAY) }));
    await Placement.updateOne({ _id: p._id }, { $set: { checklist } });
    t.clock.advance(2.5 * DAY); // items 0, 1 and 2 are now past due
    expect(await t.services.placements.remindOverdue(t.clock.now())).toBeGreaterThanOrEqual(1); // other schools' too
    expect(await t.services.placements.remindOverdue(t.clock.now())).toBe(0); // the same week: nothing again
    await t.deliver();
    const mails = t.smtp.to(staff.email).filter((m) => m.subject.startsWith('本周逾期的入职事项'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('3');
    expect(mails[0]!.text).toContain('郭晨阳');
    expect(mails[0]!.text).toContain('报到');
    // Next week, once everything is done, no reminder.
    await Placement.updateOne(
      { _id: p._id },
      { $set: { checklist: checklist.map((c) => ({ ...c, doneAt: t.clock.now(), doneBy: 'x' })) } },
    );
    t.clock.advance(7 * DAY);
    await t.services.placements.remindOverdue(t.clock.now());
    await t.deliver();
    expect(t.smtp.to(staff.email).filter((m) => m.subject.startsWith('本周逾期的入职事项'))).toHaveLength(1);
  });
});

describe('mentoring', () => {
  async function mentorSchool(county: string, name: string) {
    const org = await makeOrg({ county, name });
    const staff = await makeUser({ role: 'staff', org: org._id });
    return { org, staff, actor: toActor(staff) };
  }
  const mentor = (name: string, subject: string, stage: string, capacity: number) => ({
    name,
    email: `${name}-${Math.random().toString(36).slice(2, 8)}@bj.test`,
    subject,
    stage,
    capacity: String(capacity),
  });

  it('suggests mentors by subject, stage, paired school and free places, refuses a full mentor, and introduces both sides', async () => {
    const { school, staff, user, id } = await signedApplication();
    const placement = (await Placement.findOne({ application: id }).lean())!;
    const paired = await mentorSchool('110112', '通州区结对学校');
    const other = await mentorSchool('120114', '武清区学校');
    await Organisation.updateOne({ _id: school._id }, { $set: { pairedWith: [paired.org._id] } });
    const m = t.services.mentors;
    const mathsPaired = await m.register({ actor: paired.actor }, mentor('王数学', 'math', 'junior', 3));
    const englishOther = await m.register({ actor: other.actor }, mentor('李英语', 'english', 'junior', 1));
    await m.register({ actor: paired.actor }, mentor('赵英语', 'english', 'primary', 2));
    const englishPaired = await m.register({ actor: paired.actor }, mentor('陈英语', 'english', 'junior', 1));

    const staffActor = toActor(staff);
    const mine = ['陈英语', '李英语', '赵英语', '王数学']; // mentors of other tests in this file are left out
    const ranked = (await m.suggestions(staffActor, String(placement._id)))
      .map((s) => s.mentor.name)
      .filter((name) => mine.includes(name));
    // The vacancy is junior English: same subject and stage first, the paired school before the other, then the rest.
    expect(ranked).toEqual(['陈英语', '李英语', '赵英语', '王数学']);

    // A Hebei school's staff cannot register mentors; a school outside the placement cannot match one.
    await expect(m.register({ actor: staffActor }, mentor('某', 'english', 'junior', 1))).rejects.toThrow();
    await expect(m.assign({ actor: other.actor }, String(placement._id), String(englishOther._id))).rejects.toThrow();

    // Over capacity is refused: 李英语 takes one mentee and already has one.
    const second = await signedApplication();
    const secondPlacement = (await Placement.findOne({ application: second.id }).lean())!;
    await m.assign({ actor: second.staffActor }, String(secondPlacement._id), String(englishOther._id));
    await expect(
      m.assign({ actor: staffActor }, String(placement._id), String(englishOther._id)),
    ).rejects.toMatchObject({
      messageKey: 'mentors.errors.full',
    });
    expect((await m.suggestions(staffActor, String(placement._id))).map((s) => s.mentor.name)).not.toContain('李英语');

    // Through the placement page: assign the top suggestion; both are introduced by email.
    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    const page = `/manage/placements/${String(placement._id)}`;
    expect((await staffAgent.get(page)).text).toContain('陈英语');
    const res = await submitForm(
      staffAgent,
      page,
      { mentor: String(englishPaired._id) },
      `/placements/${String(placement._id)}/mentor`,
    );
    expect(res.status).toBe(303);
    expect((await Placement.findById(placement._id).lean())?.mentorName).toContain('陈英语');
    await t.deliver();
    const intro = t.smtp.to(englishPaired.email).find((mail) => mail.subject.includes('郭晨阳'))!;
    expect(intro).toBeDefined();
    expect(t.smtp.to(user.email).some((mail) => mail.subject.includes('陈英语'))).toBe(true);

    // The mentor logs an activity through the email link; the teacher logs one from /me/placement; staff see both.
    const link = linkIn(intro.text, '/mentoring/');
    const mentorAgent = t.agent();
    expect((await mentorAgent.get(link)).text).toContain('郭晨阳');
    const logged = await submitForm(
      mentorAgent,
      link,
      { kind: 'online_prep', date: '2026-09-10', minutes: '60', note: '第一单元集体备课' },
      `${link}/${String(placement._id)}`,
    );
    expect(logged.status).toBe(303);
    const teacher = t.agent();
    await loginAs(teacher, user.email);
    await submitForm(
      teacher,
      '/me/placement',
      { kind: 'observed_lesson', date: '2026-09-12', minutes: '45', note: '' },
      `/me/placement/${String(placement._id)}/activities`,
    );
    const staffView = (await staffAgent.get(page)).text;
    expect(staffView).toContain('第一单元集体备课');
    expect(staffView).toContain('听评课');
    // The mentor's link of another mentor does not reach this placement's log.
    const otherLink = new URL(t.services.mentors.mentorLink(String(mathsPaired._id))).pathname;
    const refused = await mentorAgent
      .post(`${otherLink}/${String(placement._id)}`)
      .type('form')
      .send({
        _csrf: csrfFrom((await mentorAgent.get(link)).text),
        kind: 'online_prep',
        date: '2026-09-10',
        minutes: '60',
      });
    expect(refused.status).toBe(404);
    // Check-in feedback from both sides: the teacher on the mentoring, the mentor on the check-in; staff see both.
    const { CheckIn } = await import('../../models/CheckIn');
    const checkInId = `${String(placement._id)}:2026-10-01`;
    await CheckIn.create({
      _id: checkInId,
      placement: placement._id,
      postedBy: placement.postedBy,
      dueAt: new Date('2026-10-01T00:00:00Z'),
      sentAt: t.clock.now(),
    });
    const checkInLink = new URL(t.services.placements.checkInLink(checkInId)).pathname;
    const answerForm = await t.agent().get(checkInLink);
    expect(answerForm.text).toContain('陈英语');
    await submitForm(t.agent(), checkInLink, {
      inPost: 'yes',
      workload: '3',
      support: '4',
      housing: '3',
      intention: '4',
      text: '适应得不错',
      mentoring: '陈老师每周和我一起备课',
    });
    const mentorPage = (await mentorAgent.get(link)).text;
    expect(mentorPage).toContain('陈老师每周和我一起备课');
    const given = await submitForm(
      mentorAgent,
      link,
      { feedback: '课堂常规进步明显，下一步关注分层作业' },
      `${link}/checkins/${checkInId}`,
    );
    expect(given.status).toBe(303);
    const strangerFeedback = await mentorAgent
      .post(`${otherLink}/checkins/${checkInId}`)
      .type('form')
      .send({ _csrf: csrfFrom((await mentorAgent.get(link)).text), feedback: '不是我的学员' });
    expect(strangerFeedback.status).toBe(404);
    const withFeedback = (await staffAgent.get(page)).text;
    expect(withFeedback).toContain('课堂常规进步明显');
    expect(withFeedback).toContain('陈老师每周和我一起备课');
    expect(withFeedback).not.toContain('不是我的学员');

    const { MentorActivity } = await import('../../models/Mentor');
    expect(await MentorActivity.countDocuments({ placement: placement._id })).toBe(2);

    // A mentor registration with a bad capacity keeps what was typed and says what is wrong.
    const bjAgent = t.agent();
    await loginAs(bjAgent, paired.staff.email);
    const bad = await submitForm(bjAgent, '/manage/mentors', {
      name: '刘老师',
      email: 'liu@bj.test',
      subject: 'english',
      stage: 'junior',
      capacity: '0',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="刘老师"');
    expect(bad.text).toContain('请填写 1 到 10 之间的整数');
  });

  it('frees the mentor place when the placement ends', async () => {
    const { id, staffActor } = await signedApplication();
    const placement = (await Placement.findOne({ application: id }).lean())!;
    const bj = await mentorSchool('110112', '通州区学校');
    const only = await t.services.mentors.register({ actor: bj.actor }, mentor('周老师', 'english', 'junior', 1));
    await t.services.mentors.assign({ actor: staffActor }, String(placement._id), String(only._id));
    const next = await signedApplication();
    const nextPlacement = (await Placement.findOne({ application: next.id }).lean())!;
    await expect(
      t.services.mentors.assign({ actor: next.staffActor }, String(nextPlacement._id), String(only._id)),
    ).rejects.toMatchObject({ messageKey: 'mentors.errors.full' });
    await t.services.placements.move({ actor: staffActor }, String(placement._id), 'transfer', {});
    await t.services.mentors.assign({ actor: next.staffActor }, String(nextPlacement._id), String(only._id));
    expect((await Placement.findById(nextPlacement._id).lean())?.mentorName).toContain('周老师');
  });
});
