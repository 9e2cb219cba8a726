// The demo region as an attack surface: seeded, with private markers planted in one school's, one candidate's and
// one partner's records, signed-in agents for every role, and a fingerprint of the victims' records.
import type { Types } from 'mongoose';
import { Application, ApplicationNote, Notice } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { JobAlert } from '../../models/JobAlert';
import { Organisation } from '../../models/Organisation';
import { Placement } from '../../models/Placement';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { DEMO_PASSWORD, seedDemo } from '../../scripts/seed';
import type { TestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { loginAs } from '../helpers/http';

export const MARK = {
  statement: 'MK-STATEMENT-7f1c',
  note: 'MK-NOTE-2b9d',
  draft: 'MK-DRAFT-5e0a',
  teacher: 'MK-TEACHER-c4d2',
  grad: 'MK-GRAD-91ab',
};
export type Mark = keyof typeof MARK;

export type Agent = ReturnType<TestApp['agent']>;

export interface World {
  /** Ids of the victims' records (and two that exist nowhere), to put in every route parameter. */
  ids: string[];
  planted: { application: string; placement: string; draft: string; open: string };
  agents: {
    anonymous: Agent;
    otherCandidate: Agent;
    otherSchool: Agent;
    otherPartner: Agent;
    otherCoordinator: Agent;
    unitCoordinator: Agent;
    school: Agent;
    candidate: Agent;
    partner: Agent;
  };
  fingerprint(): Promise<Map<string, string>>;
}

/** The records that changed or vanished (new records of an attacker's own are not the victims'). */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([key, json]) => after.get(key) !== json).map(([key]) => key);
}

export async function demoWorld(t: TestApp): Promise<World> {
  await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, now: t.clock.now() });
  await t.services.placements.sweep();
  const zhangbei: Types.ObjectId = (await Organisation.findOne({ name: '张北县第二中学' }).lean())!._id;
  const bnu: Types.ObjectId = (await Organisation.findOne({ name: '北京师范大学' }).lean())!._id;
  const staffA = (await User.findOne({ email: 'hr.zhangbei@demo.teachbridge.cn' }).lean())!;
  const candidate = (await User.findOne({ email: 'candidate@demo.teachbridge.cn' }).lean())!;

  // Plant the markers in private places.
  const application = (await Application.findOne({ candidate: candidate._id, postedBy: zhangbei }).lean())!;
  await Application.updateOne({ _id: application._id }, { $set: { statement: `我愿意扎根张北。${MARK.statement}` } });
  const note = await ApplicationNote.create({
    application: application._id,
    author: staffA._id,
    authorName: staffA.name,
    text: `面试表现稳定 ${MARK.note}`,
    at: t.clock.now(),
  });
  const draft = (await Vacancy.findOne({ postedBy: zhangbei, status: 'draft' }).lean())!;
  await Vacancy.updateOne({ _id: draft._id }, { $set: { title: `草稿岗位 ${MARK.draft}` } });
  const teacher = (await User.findOne({ email: 'teacher@demo.teachbridge.cn' }).lean())!;
  await User.updateOne({ _id: teacher._id }, { $set: { name: `韩雨桐${MARK.teacher}` } });
  await Placement.updateMany({ teacher: teacher._id }, { $set: { teacherName: `韩雨桐${MARK.teacher}` } });
  const placement = (await Placement.findOne({ teacher: teacher._id }).lean())!;
  const referral = (await Referral.findOne({ partner: bnu }).lean())!;
  await Referral.updateOne({ _id: referral._id }, { $set: { name: MARK.grad } });

  const open = (await Vacancy.findOne({ postedBy: zhangbei, status: 'open' }).lean())!;
  const notice = await Notice.findOne({ postedBy: zhangbei }).lean();
  const checkIn = await CheckIn.findOne({ placement: placement._id }).lean();
  const alert = await JobAlert.findOne({ user: candidate._id }).lean();
  const pending = (await Organisation.findOne({ 'verification.state': 'pending' }).lean())!;
  const ids = [
    application._id,
    note._id,
    draft._id,
    open._id,
    placement._id,
    referral._id,
    notice?._id,
    checkIn?._id,
    alert?._id,
    zhangbei,
    bnu,
    pending._id,
    staffA._id,
    candidate._id,
    open.announcement,
  ]
    .filter((x) => x)
    .map(String);
  ids.push('000000000000000000000000', 'not-an-id');

  const agent = async (email: string, password = DEMO_PASSWORD) => {
    const a = t.agent();
    await loginAs(a, email, password);
    return a;
  };
  const unitCoordinator = t.agent();
  await loginAs(unitCoordinator, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);

  return {
    ids,
    planted: {
      application: String(application._id),
      placement: String(placement._id),
      draft: String(draft._id),
      open: String(open._id),
    },
    agents: {
      anonymous: t.agent(),
      otherCandidate: await agent('candidate.en@demo.teachbridge.cn'),
      otherSchool: await agent('hr.langfang@demo.teachbridge.cn'),
      otherPartner: await agent('careers@demo.cnu.edu.cn'),
      otherCoordinator: await agent('langfang.coordinator@demo.teachbridge.cn'),
      unitCoordinator,
      school: await agent('hr.zhangbei@demo.teachbridge.cn'),
      candidate: await agent('candidate@demo.teachbridge.cn'),
      partner: await agent('careers@demo.bnu.edu.cn'),
    },
    async fingerprint() {
      const sets = {
        application: await Application.find({ postedBy: zhangbei }).lean(),
        note: await ApplicationNote.find({}).lean(),
        vacancy: await Vacancy.find({ postedBy: zhangbei }).lean(),
        placement: await Placement.find({ postedBy: zhangbei }).lean(),
        notice: await Notice.find({ postedBy: zhangbei }).lean(),
        referral: await Referral.find({ partner: bnu }).lean(),
        organisation: await Organisation.find({}).lean(),
        checkIn: await CheckIn.find({}).lean(),
        alert: await JobAlert.find({}).lean(),
      };
      const out = new Map<string, string>();
      for (const [name, docs] of Object.entries(sets)) {
        for (const doc of docs as { _id: unknown }[]) out.set(`${name} ${String(doc._id)}`, JSON.stringify(doc));
      }
      return out;
    },
  };
}
