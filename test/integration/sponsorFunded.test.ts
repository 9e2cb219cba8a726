// What a sponsor reads about the teachers it funds: why a teacher has nothing due (awaiting acceptance, not yet due
// with the date, paused by a check-in, ended), and a retention comparison that says when there is nothing to compare.
import { Types } from 'mongoose';
import { Award } from '../../models/Award';
import { CheckIn } from '../../models/CheckIn';
import { Placement } from '../../models/Placement';
import { addMonths } from '../../server/services/placements';
import { useTestApp } from '../helpers/app';
import { makeApprovedProgramme, makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp({ start: new Date('2026-09-10T02:00:00Z') });
const START = new Date('2026-09-01T00:00:00+08:00');

async function setup() {
  const sponsor = await makeOrg({ kind: 'sponsor', county: '110105' });
  const programme = await makeApprovedProgramme(sponsor);
  const school = await makeOrg({ county: '130722' });
  const vacancy = await makeOpenVacancy(school, { headcount: 5, certificateType: 'junior', postType: 'special_post' });
  const sponsorStaff = t.agent();
  await loginAs(sponsorStaff, (await makeUser({ role: 'staff', org: sponsor._id })).email);
  /** A funded teacher: placed on the vacancy, with an award reserved (and accepted unless said otherwise). */
  const funded = async (name: string, accept = true) => {
    const { user, actor } = await makeCandidate(t, name);
    const placement = await Placement.create({
      application: new Types.ObjectId(),
      teacher: user._id,
      school: school._id,
      postedBy: school._id,
      vacancy: vacancy._id,
      unitCode: '1307',
      countyCode: '130722',
      postType: 'special_post',
      startDate: START,
    });
    await t.services.awards.reserveFor(placement);
    // Earlier tests' programmes fund the same posts: take this programme's award.
    const award = (await Award.findOne({ placement: placement._id, programme: programme._id }).lean())!;
    if (accept) await t.services.awards.accept({ actor }, String(award._id), true);
    return { placement, award };
  };
  const checkIn = (placement: { _id: Types.ObjectId }, months: number, status: 'answered' | 'missed', inPost = true) =>
    CheckIn.create({
      _id: `${String(placement._id)}:${months}`,
      placement: placement._id,
      postedBy: school._id,
      dueAt: addMonths(START, months),
      status,
      sentAt: addMonths(START, months),
      answer: { inPost: status === 'answered' ? inPost : null },
    });
  const page = async (lang = 'zh-CN') =>
    (await sponsorStaff.get(`/sponsor/programmes/${String(programme._id)}?lang=${lang === 'en' ? 'en' : 'zh-CN'}`))
      .text;
  return { funded, checkIn, page };
}

/** The table row of a funded teacher, by name, as text. */
function rowOf(html: string, name: string): string {
  const row = html.split('<tr>').find((r) => r.includes(name)) ?? '';
  return row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

it('when a funded teacher has nothing due, then the sponsor reads why, with the date the next period can fall due', async () => {
  const s = await setup();
  await s.funded('待接受老师', false);
  await s.funded('未到期老师');
  const paused = await s.funded('暂停老师');
  await s.checkIn(paused.placement, 1, 'missed');
  const due = await s.funded('应付老师');
  await s.checkIn(due.placement, 1, 'answered', true);

  const html = await s.page();
  // Not yet accepted: the teacher has not agreed to show a name, so the row is by place number.
  expect(rowOf(html, '第 1 位受资助教师')).toContain('无应付：等待教师接受资助');
  expect(rowOf(html, '未到期老师')).toContain('未到期：第 1 期于 2026-10-01 期满，经回访确认在岗后应付');
  expect(rowOf(html, '暂停老师')).toContain('第 1 期暂停：对应的回访未完成或未确认在岗');
  expect(rowOf(html, '暂停老师')).toContain('未到期：第 2 期于 2026-11-01 期满');
  // Something is due: no excuse, a button to record the payment.
  expect(rowOf(html, '应付老师')).not.toContain('未到期');
  expect(rowOf(html, '应付老师')).toContain('500');

  const en = await s.page('en');
  expect(rowOf(en, '未到期老师')).toContain('Not yet due: period 1 ends on 2026-10-01');
  expect(rowOf(en, '暂停老师')).toContain('Period 1 paused');
});

it('when a funded teacher has left, then the sponsor reads that the award ended and when', async () => {
  const s = await setup();
  const left = await s.funded('离岗老师');
  await Placement.updateOne(
    { _id: left.placement._id },
    { $set: { status: 'left_early', leftAt: new Date('2026-09-05T00:00:00+08:00') } },
  );
  await t.services.awards.placementEnded(left.placement._id, true);
  const html = await s.page();
  // The date is the day the teacher left.
  expect(rowOf(html, '离岗老师')).toContain('无应付：资助已于 2026-09-05 结束');
});

it('when nobody funded or comparable has been in post a year, then the comparison says so instead of "0 of 0"', async () => {
  const s = await setup();
  await s.funded('新教师');
  const html = await s.page();
  expect(html).toContain('受资助教师：还没有入职满一年的');
  expect(html).toContain('可比的未受资助教师：暂无可比较的');
  expect(html).not.toMatch(/0 \/ 0|0 人中 0 人/);
  const en = await s.page('en');
  expect(en).toContain('Comparable unfunded teachers: none to compare with yet');
  expect(en).not.toContain('0 of 0');
});

it('when a period has ended and its check-in is not answered yet, then the sponsor reads that it awaits the check-in, not that it is not yet due', async () => {
  const before = t.clock.now();
  t.clock.set(new Date('2026-10-15T02:00:00Z'));
  try {
    const s = await setup();
    await s.funded('待回访老师');
    const html = await s.page();
    const row = rowOf(html, '待回访老师');
    expect(row).toContain('待回访：第 1 期已于 2026-10-01 期满，经回访确认在岗后应付');
    expect(row).not.toContain('未到期');
  } finally {
    t.clock.set(before);
  }
});
