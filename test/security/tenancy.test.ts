// Every route × every role, over the demo region: private markers planted in one school's, one candidate's and one
// partner's records never reach anyone else (pages, lists, exports, feeds, error pages), another tenant's ids are
// refused, no request crashes, and no state-changing request by an outsider changes their records.
import { Types } from 'mongoose';
import { Application, ApplicationNote, Notice } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { JobAlert } from '../../models/JobAlert';
import { Organisation } from '../../models/Organisation';
import { Placement } from '../../models/Placement';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { DEMO_PASSWORD, seedDemo } from '../../scripts/seed';
import { useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { csrfFrom, loginAs } from '../helpers/http';
import { fill, routesOf, type RouteInfo } from './inventory';

jest.setTimeout(600_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

const MARK = {
  statement: 'MK-STATEMENT-7f1c',
  note: 'MK-NOTE-2b9d',
  draft: 'MK-DRAFT-5e0a',
  teacher: 'MK-TEACHER-c4d2',
  grad: 'MK-GRAD-91ab',
};
type Mark = keyof typeof MARK;
const ALL = Object.keys(MARK) as Mark[];

type Agent = ReturnType<typeof t.agent>;
interface Role {
  name: string;
  agent: Agent;
  /** Markers this role must never see. */
  forbidden: Mark[];
}

/** Routes an outsider's barrage must not call on itself: they end the attacker's own session. */
const SELF_ENDING = ['/logout'];

let roles: Role[];
let owners: Record<string, Agent>;
let ids: string[];
let routes: RouteInfo[];
let planted: Record<'application' | 'placement' | 'draft', string>;
let zhangbei: Types.ObjectId;
let bnu: Types.ObjectId;

/** Every record of the planted tenants as it is now, by collection and id. */
async function fingerprint(): Promise<Map<string, string>> {
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
}

/** The records that changed or vanished (new records of the attacker's own are not the victims'). */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([key, json]) => after.get(key) !== json).map(([key]) => key);
}

beforeAll(async () => {
  await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, now: t.clock.now() });
  await t.services.placements.sweep();
  zhangbei = (await Organisation.findOne({ name: '张北县第二中学' }).lean())!._id;
  bnu = (await Organisation.findOne({ name: '北京师范大学' }).lean())!._id;
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
  ids = [
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
  const coordinatorX = t.agent();
  await loginAs(coordinatorX, (await makeUser({ role: 'coordinator', scopeUnit: '1307' })).email);
  roles = [
    { name: 'anonymous', agent: t.agent(), forbidden: ALL },
    { name: 'another candidate', agent: await agent('candidate.en@demo.teachbridge.cn'), forbidden: ALL },
    { name: 'staff of another school', agent: await agent('hr.langfang@demo.teachbridge.cn'), forbidden: ALL },
    { name: 'another partner', agent: await agent('careers@demo.cnu.edu.cn'), forbidden: ALL },
    {
      name: 'coordinator of another unit',
      agent: await agent('langfang.coordinator@demo.teachbridge.cn'),
      forbidden: ALL,
    },
    // In scope for the school's placements, but never its internal notes, its drafts or a partner's referrals.
    { name: 'coordinator of the unit', agent: coordinatorX, forbidden: ['note', 'draft', 'grad'] },
  ];
  owners = {
    school: await agent('hr.zhangbei@demo.teachbridge.cn'),
    partner: await agent('careers@demo.bnu.edu.cn'),
    coordinator: coordinatorX,
  };
  planted = { application: String(application._id), placement: String(placement._id), draft: String(draft._id) };
  routes = routesOf(t.app);
});

function paths(route: RouteInfo): string[] {
  return route.params.length === 0 ? [route.path] : ids.map((id) => fill(route.path, () => id));
}

describe('the route inventory', () => {
  it('finds the routers’ routes, parameters included', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'get /jobs/:id',
        'post /manage/applications/:id/move',
        'get /coordinator/reports/:chart.csv',
        'post /login',
      ]),
    );
    expect(routes.length).toBeGreaterThan(100);
  });
});

describe('planted markers', () => {
  it('are visible to their owners (so that not seeing them elsewhere means something)', async () => {
    const app = (await owners.school!.get(`/manage/applications/${planted.application}`)).text;
    expect(app).toContain(MARK.statement);
    expect(app).toContain(MARK.note);
    expect((await owners.school!.get(`/manage/vacancies/${planted.draft}/edit`)).text).toContain(MARK.draft);
    expect((await owners.school!.get('/manage/placements')).text).toContain(MARK.teacher);
    expect((await owners.coordinator!.get('/coordinator/placements')).text).toContain(MARK.teacher);
    expect((await owners.partner!.get('/partner/referrals')).text).toContain(MARK.grad);
  });
});

describe('every GET route, for every outsider', () => {
  it('never shows another tenant’s private data and never fails with a server error', async () => {
    const leaks: string[] = [];
    const crashes: string[] = [];
    for (const role of roles) {
      for (const route of routes.filter((r) => r.method === 'get')) {
        for (const path of paths(route)) {
          const res = await role.agent.get(path);
          if (res.status >= 500) crashes.push(`${role.name}: GET ${path} → ${res.status}`);
          const body = `${res.text ?? ''}${JSON.stringify(res.headers)}`;
          for (const mark of role.forbidden) {
            if (body.includes(MARK[mark])) leaks.push(`${role.name}: GET ${path} shows ${mark}`);
          }
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(leaks).toEqual([]);
  });
});

describe('every state-changing route, for every outsider', () => {
  it('is refused on another tenant’s records: nothing of theirs changes and nothing crashes', async () => {
    const before = await fingerprint();
    const crashes: string[] = [];
    for (const role of roles.filter((r) => r.name !== 'coordinator of the unit')) {
      // A token of the attacker's own session: the requests must fail on authority, not on CSRF.
      const token = csrfFrom((await role.agent.get(role.name === 'anonymous' ? '/login' : '/account')).text);
      for (const route of routes.filter((r) => r.method === 'post' && !SELF_ENDING.includes(r.path))) {
        for (const path of paths(route)) {
          const res = await role.agent.post(path).type('form').send({
            _csrf: token,
            decision: 'approve',
            move: 'activate',
            action: 'approve',
            to: 'signed',
            text: '越权尝试',
            comment: '越权尝试',
            reason: 'other',
            note: '越权尝试',
            consent: 'details',
          });
          if (res.status >= 500) crashes.push(`${role.name}: POST ${path} → ${res.status}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(changed(before, await fingerprint())).toEqual([]);
  });
});
