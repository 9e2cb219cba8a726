// Signed links that open something without signing in (a mentor's log, a check-in, a campus drive's sign-up) can be
// withdrawn by whoever issued them, and stop working when what they point to ends.
import { Types } from 'mongoose';
import { Announcement } from '../../models/Announcement';
import { CheckIn } from '../../models/CheckIn';
import { Mentor } from '../../models/Mentor';
import { Placement } from '../../models/Placement';
import { useTestApp } from '../helpers/app';
import { makeCampusDrive, makeOrg, makeUser, unique } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';

const t = useTestApp();

/** A Beijing school with a mentor, matched to a running placement at a Zhangbei school, and its staff signed in. */
async function mentoring() {
  const beijing = await makeOrg({ county: '110105' });
  const zhangbei = await makeOrg({ county: '130722' });
  const staff = t.agent();
  await loginAs(staff, (await makeUser({ role: 'staff', org: beijing._id })).email);
  const teacher = await makeUser({ name: '郭晨阳' });
  const mentor = await Mentor.create({
    organisation: beijing._id,
    organisationName: beijing.name,
    name: '陈英语',
    email: `${unique('mentor')}@test.cn`,
    subject: 'english',
    stage: 'junior',
    capacity: 2,
  });
  const placement = await Placement.create({
    application: new Types.ObjectId(),
    teacher: teacher._id,
    teacherName: '郭晨阳',
    school: zhangbei._id,
    schoolName: zhangbei.name,
    postedBy: zhangbei._id,
    vacancy: new Types.ObjectId(),
    unitCode: '1307',
    countyCode: '130722',
    postType: 'special_post',
    startDate: new Date('2026-09-01T00:00:00Z'),
    status: 'active',
    mentor: mentor._id,
    mentorName: '陈英语',
  });
  const link = new URL(t.services.mentors.mentorLink(String(mentor._id))).pathname;
  return { staff, mentor, placement, link };
}

async function logActivity(link: string, placementId: string) {
  const agent = t.agent();
  // The session's CSRF token from a page with a form (the link's own page, while it still opens).
  const page = await agent.get(link);
  const token = csrfFrom(page.status === 200 ? page.text : (await agent.get('/login')).text);
  return agent
    .post(`${link}/${placementId}`)
    .type('form')
    .send({ _csrf: token, kind: 'online_prep', date: '2026-09-10', minutes: '60', note: '' });
}

describe('mentor links', () => {
  it('when the school withdraws a mentor’s link, then the old link says it was withdrawn and only a new one works', async () => {
    const { staff, mentor, placement, link } = await mentoring();
    expect((await t.agent().get(link)).text).toContain('郭晨阳');
    const list = await staff.get('/manage/mentors');
    expect(list.text).toContain(`/manage/mentors/${String(mentor._id)}/revoke-link`);
    const revoked = await submitForm(staff, '/manage/mentors', {}, `/manage/mentors/${String(mentor._id)}/revoke-link`);
    expect(revoked.status).toBe(303);

    const old = await t.agent().get(link);
    expect(old.status).toBe(400);
    expect(old.text).toContain('已被发出它的单位收回');
    expect(old.text).not.toContain('郭晨阳');
    expect((await logActivity(link, String(placement._id))).status).toBe(400);

    const fresh = new URL(t.services.mentors.mentorLink(String(mentor._id), 1)).pathname;
    expect((await t.agent().get(fresh)).text).toContain('郭晨阳');
  });

  it('when another school’s staff try to withdraw or deactivate a mentor, then nothing changes', async () => {
    const { mentor, link } = await mentoring();
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: (await makeOrg({ county: '110105' }))._id })).email);
    for (const action of ['revoke-link', 'deactivate']) {
      const res = await submitForm(outsider, '/manage/mentors', {}, `/manage/mentors/${String(mentor._id)}/${action}`);
      expect(res.status).toBe(404);
    }
    expect(await Mentor.findById(mentor._id).lean()).toMatchObject({ active: true, linkVersion: 0 });
    expect((await t.agent().get(link)).status).toBe(200);
  });

  it('when the school deactivates a mentor, then their link stops working', async () => {
    const { staff, mentor, placement, link } = await mentoring();
    await submitForm(staff, '/manage/mentors', {}, `/manage/mentors/${String(mentor._id)}/deactivate`);
    const page = await t.agent().get(link);
    expect(page.status).toBe(400);
    expect(page.text).toContain('导师已停用');
    expect((await logActivity(link, String(placement._id))).status).toBe(400);
    expect((await staff.get('/manage/mentors')).text).toContain('已停用');
  });

  it('when the placement has ended, then the mentor’s link no longer logs activity for it', async () => {
    const { placement, link } = await mentoring();
    expect((await logActivity(link, String(placement._id))).status).toBe(303);
    await Placement.updateOne({ _id: placement._id }, { $set: { status: 'left_early', leftAt: t.clock.now() } });
    expect((await logActivity(link, String(placement._id))).status).toBe(400);
  });
});

describe('check-in links', () => {
  it('when the placement has ended, then its check-in link stops working', async () => {
    const { placement } = await mentoring();
    const id = `${String(placement._id)}:2026-10-01`;
    await CheckIn.create({
      _id: id,
      placement: placement._id,
      postedBy: placement.postedBy,
      dueAt: new Date('2026-10-01T00:00:00Z'),
      sentAt: t.clock.now(),
    });
    const link = new URL(t.services.placements.checkInLink(id)).pathname;
    expect((await t.agent().get(link)).status).toBe(200);
    await Placement.updateOne({ _id: placement._id }, { $set: { status: 'transferred', leftAt: t.clock.now() } });
    const ended = await t.agent().get(link);
    expect(ended.status).toBe(400);
    expect(ended.text).toContain('岗位任职已结束');
  });
});

describe('campus drive links', () => {
  it('when the drive is closed, then its sign-up link stops working', async () => {
    const { drive } = await makeCampusDrive(t.clock.now());
    const link = new URL(
      t.services.referrals.driveLink(String(drive._id), 'http://teachbridge.test', t.config.sessionSecret),
    ).pathname;
    expect((await t.agent().get(link)).status).toBe(200);
    await Announcement.updateOne({ _id: drive._id }, { $set: { status: 'closed' } });
    expect((await t.agent().get(link)).status).toBe(404);
  });
});
