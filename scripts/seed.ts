// Demo data for local mode: a coordinator, partner universities, Beijing/Tianjin schools with Hebei branches and
// pairs, Hebei schools across units (rural counties included), staff and candidates. `npm run seed` or the first
// local start. Production never seeds. School names are illustrative.
import mongoose, { Types, trusted } from 'mongoose';
import { Passwords, type PasswordCost } from '../server/auth/passwords';
import { findPlace } from '../server/services/regions';
import { vacancyRecord, type VacancyInput } from '../server/services/vacancies';
import { postTypeYears, stageName, subjectName } from '../server/services/taxonomy';
import { Announcement } from '../models/Announcement';
import { Organisation, type OrganisationDoc, type OrgKind, type SponsorType } from '../models/Organisation';
import { IncentiveProgramme, type ProgrammeDoc } from '../models/IncentiveProgramme';
import { Award, AwardPayment, AwardPlace } from '../models/Award';
import { capOf, scheduleOf } from '../server/services/awards';
import { criteriaOf, matches } from '../server/services/incentives';
import { JobAlert } from '../models/JobAlert';
import { Vacancy, type VacancyDoc } from '../models/Vacancy';
import { Referral } from '../models/Referral';
import { Application, Notice } from '../models/Application';
import { CandidateProfile, type ProfileDoc } from '../models/CandidateProfile';
import { FieldCipher } from '../server/crypto';
import { checkDigit } from '../server/services/idcard';
import { evaluateEligibility } from '../server/services/eligibility';
import { fromProfile, stagesOf } from '../server/services/applications';
import { maskName, total } from '../server/services/selection';
import { User } from '../models/User';
import { Placement, type PlacementDoc, type PLACEMENT_STATES } from '../models/Placement';
import { CheckIn } from '../models/CheckIn';
import { Mentor, MentorActivity, MentorSlot } from '../models/Mentor';
import { addMonths, CHECKLIST, checkInSchedule, commitmentEnd } from '../server/services/placements';
import { seedHistory } from './seedHistory';
import { recoveryHash } from '../server/services/twoFactor';
import { consentRecord } from '../server/services/privacy';

export const DEMO_PASSWORD = 'teachbridge-demo';
/**
 * The demo coordinators' authenticator key (two-step verification is required for coordinators): add it to an
 * authenticator app, or print the current code with `npm run demo-code`. Demo only; production never seeds.
 */
export const DEMO_TOTP_SECRET = 'KRSWC3DIIJZGSZDHMUWWIZLNN4WTEZTB';
/** The demo coordinators' recovery codes (each works once per database). */
export const DEMO_RECOVERY_CODES = ['demo-2026', 'demo-2027', 'demo-2028'];

interface OrgSeed {
  key: string;
  name: string;
  kind: OrgKind;
  sponsorType?: SponsorType;
  county: string;
  alliances?: string[];
  parent?: string;
  pairedWith?: string[];
}

const ORGS: OrgSeed[] = [
  { key: 'bnu', name: '北京师范大学', kind: 'university', county: '110108' },
  { key: 'cnu', name: '首都师范大学', kind: 'university', county: '110108' },
  { key: 'tjnu', name: '天津师范大学', kind: 'university', county: '120111' },
  { key: 'bj80', name: '北京市第八十中学', kind: 'school', county: '110105' },
  { key: 'luhe', name: '北京市通州区潞河中学', kind: 'school', county: '110112', alliances: ['twl'] },
  { key: 'yangcun', name: '天津市武清区杨村第一中学', kind: 'school', county: '120114', alliances: ['twl'] },
  { key: 'xiong80', name: '北京市第八十中学雄安分校', kind: 'school', county: '130638', parent: 'bj80' },
  { key: 'lf1', name: '廊坊市第一中学', kind: 'school', county: '131002', alliances: ['twl'], pairedWith: ['luhe'] },
  {
    key: 'dachang',
    name: '大厂回族自治县第一中学',
    kind: 'school',
    county: '131028',
    alliances: ['twl'],
    pairedWith: ['yangcun'],
  },
  { key: 'zhangbei', name: '张北县第二中学', kind: 'school', county: '130722', pairedWith: ['bj80'] },
  { key: 'fuping', name: '阜平县城南庄小学', kind: 'school', county: '130624', pairedWith: ['luhe'] },
  { key: 'weichang', name: '围场满族蒙古族自治县第一小学', kind: 'school', county: '130828' },
  { key: 'weixian', name: '威县第三中学', kind: 'school', county: '130533' },
  { key: 'sjz24', name: '石家庄市第二十四中学', kind: 'school', county: '130102' },
  { key: 'laiyuan', name: '涞源县第一小学', kind: 'school', county: '130630' },
  { key: 'lfbureau', name: '廊坊市教育局', kind: 'bureau', county: '131002' },
  { key: 'zbbureau', name: '张北县教育和体育局', kind: 'bureau', county: '130722' },
  { key: 'chunhui', name: '春晖乡村教育基金会', kind: 'sponsor', sponsorType: 'foundation', county: '110105' },
  { key: 'bnuAlumni', name: '北京师范大学校友会', kind: 'sponsor', sponsorType: 'alumni', county: '110108' },
];

interface UserSeed {
  email: string;
  name: string;
  role: 'candidate' | 'staff' | 'coordinator';
  org?: string;
  scopeUnit?: string | null;
  locale?: 'zh-CN' | 'en';
}

export const DEMO_USERS: UserSeed[] = [
  { email: 'coordinator@demo.teachbridge.cn', name: '京津冀教育协同办 王协调', role: 'coordinator', scopeUnit: null },
  {
    email: 'langfang.coordinator@demo.teachbridge.cn',
    name: '廊坊市教育局 李协调',
    role: 'coordinator',
    scopeUnit: '1310',
  },
  { email: 'hr.zhangbei@demo.teachbridge.cn', name: '张北二中 人事 赵老师', role: 'staff', org: 'zhangbei' },
  { email: 'hr.fuping@demo.teachbridge.cn', name: '城南庄小学 人事 孙老师', role: 'staff', org: 'fuping' },
  { email: 'hr.langfang@demo.teachbridge.cn', name: '廊坊一中 人事 周老师', role: 'staff', org: 'lf1' },
  { email: 'hr.xiongan@demo.teachbridge.cn', name: '八十中雄安分校 人事 吴老师', role: 'staff', org: 'xiong80' },
  { email: 'hr.bj80@demo.teachbridge.cn', name: '北京八十中 教师发展中心 郑老师', role: 'staff', org: 'bj80' },
  { email: 'careers@demo.bnu.edu.cn', name: '北师大就业指导中心 陈老师', role: 'staff', org: 'bnu', locale: 'zh-CN' },
  { email: 'careers@demo.cnu.edu.cn', name: 'CNU Careers Office', role: 'staff', org: 'cnu', locale: 'en' },
  { email: 'careers@demo.tjnu.edu.cn', name: '天津师大就业处 刘老师', role: 'staff', org: 'tjnu' },
  { email: 'hr.zbbureau@demo.teachbridge.cn', name: '张北县教体局 人事股 冯老师', role: 'staff', org: 'zbbureau' },
  { email: 'grants@demo.chunhui.org.cn', name: '春晖基金会 项目官员 韩老师', role: 'staff', org: 'chunhui' },
  { email: 'alumni@demo.bnu.edu.cn', name: '北师大校友会 秘书处 董老师', role: 'staff', org: 'bnuAlumni' },
  { email: 'candidate@demo.teachbridge.cn', name: '张晓明', role: 'candidate' },
  { email: 'candidate.en@demo.teachbridge.cn', name: 'Li Na', role: 'candidate', locale: 'en' },
];

// [school, poster, stage, subject, postType, headcount, pay, rural subsidy]: posts a Hebei county would publish.
const VACANCY_ROWS: [string, string | undefined, string, string, string, number, [number, number], number?][] = [
  ['zhangbei', undefined, 'junior', 'english', 'special_post', 2, [4200, 5200], 600],
  ['zhangbei', undefined, 'junior', 'math', 'established', 1, [4500, 5800], 600],
  ['zhangbei', 'bj80', 'junior', 'it', 'exchange', 1, [5000, 6500], 600],
  ['zhangbei', undefined, 'senior', 'physics', 'established', 1, [4800, 6000], 600],
  ['zhangbei', undefined, 'junior', 'music', 'special_post', 1, [4200, 5000], 600],
  ['zhangbei', undefined, 'senior', 'politics', 'established', 1, [4800, 6000], 600],
  ['fuping', undefined, 'primary', 'english', 'special_post', 2, [3900, 4800], 800],
  ['fuping', undefined, 'primary', 'science', 'special_post', 1, [3900, 4800], 800],
  ['fuping', 'luhe', 'primary', 'art', 'exchange', 1, [4500, 5500], 800],
  ['fuping', undefined, 'primary', 'pe', 'special_post', 1, [3900, 4800], 800],
  ['fuping', undefined, 'primary', 'chinese', 'established', 2, [4000, 5000], 800],
  ['weichang', undefined, 'primary', 'music', 'special_post', 1, [3800, 4600], 700],
  ['weichang', undefined, 'primary', 'english', 'special_post', 2, [3800, 4600], 700],
  ['weichang', undefined, 'primary', 'math', 'established', 2, [4000, 5000], 700],
  ['weichang', undefined, 'primary', 'morality', 'special_post', 1, [3800, 4600], 700],
  ['weichang', undefined, 'preschool', 'preschool_ed', 'contract', 3, [3200, 4000], 700],
  ['laiyuan', undefined, 'primary', 'it', 'special_post', 1, [3900, 4700], 800],
  ['laiyuan', undefined, 'primary', 'art', 'special_post', 1, [3900, 4700], 800],
  ['laiyuan', undefined, 'primary', 'chinese', 'targeted', 2, [4100, 5000], 800],
  ['laiyuan', undefined, 'primary', 'psychology', 'contract', 1, [3600, 4400], 800],
  ['weixian', undefined, 'junior', 'english', 'established', 2, [4300, 5400], 500],
  ['weixian', undefined, 'junior', 'chemistry', 'established', 1, [4300, 5400], 500],
  ['weixian', undefined, 'junior', 'biology', 'established', 1, [4300, 5400], 500],
  ['weixian', undefined, 'junior', 'history', 'contract', 1, [3800, 4600], 500],
  ['weixian', undefined, 'junior', 'pe', 'special_post', 1, [4000, 5000], 500],
  ['sjz24', undefined, 'junior', 'math', 'established', 2, [5500, 7000]],
  ['sjz24', undefined, 'junior', 'geography', 'established', 1, [5500, 7000]],
  ['sjz24', undefined, 'junior', 'psychology', 'contract', 1, [5000, 6200]],
  ['sjz24', undefined, 'junior', 'chinese', 'silver_age', 1, [3000, 3000]],
  ['lf1', undefined, 'senior', 'english', 'established', 2, [5600, 7200]],
  ['lf1', 'luhe', 'senior', 'it', 'exchange', 1, [6000, 7500]],
  ['lf1', undefined, 'senior', 'chemistry', 'established', 1, [5600, 7200]],
  ['lf1', 'lfbureau', 'senior', 'general_tech', 'contract', 1, [5000, 6300]],
  ['dachang', undefined, 'junior', 'english', 'established', 1, [5200, 6600], 300],
  ['dachang', 'yangcun', 'junior', 'physics', 'exchange', 1, [5500, 7000], 300],
  ['dachang', undefined, 'junior', 'music', 'contract', 1, [4600, 5600], 300],
  ['dachang', undefined, 'junior', 'art', 'contract', 1, [4600, 5600], 300],
  ['xiong80', 'bj80', 'junior', 'english', 'established', 2, [6500, 8500]],
  ['xiong80', 'bj80', 'junior', 'math', 'established', 2, [6500, 8500]],
  ['xiong80', 'bj80', 'senior', 'physics', 'established', 1, [7000, 9000]],
  ['xiong80', 'bj80', 'senior', 'biology', 'contract', 1, [6000, 7800]],
  ['xiong80', 'bj80', 'junior', 'pe', 'contract', 1, [6000, 7500]],
  ['xiong80', 'bj80', 'senior', 'politics', 'established', 1, [7000, 9000]],
  ['zhangbei', undefined, 'junior', 'art', 'special_post', 1, [4200, 5000], 600],
  ['weichang', undefined, 'primary', 'pe', 'special_post', 1, [3800, 4600], 700],
  ['laiyuan', undefined, 'primary', 'music', 'special_post', 1, [3900, 4700], 800],
];

const STATE_DEMOS: { row: number; status: 'draft' | 'in_review' | 'closed' | 'filled' | 'cancelled' }[] = [
  { row: 4, status: 'draft' },
  { row: 9, status: 'in_review' },
  { row: 10, status: 'closed' },
  { row: 3, status: 'filled' },
  { row: 43, status: 'cancelled' },
];

/** Seeds the demo. With ifEmpty, does nothing when any user exists; returns whether it seeded. */
export async function seedDemo(options: {
  argon2: PasswordCost;
  dataKey: string;
  ifEmpty?: boolean;
  now?: Date;
}): Promise<boolean> {
  if (options.ifEmpty && (await User.estimatedDocumentCount()) > 0) return false;
  const now = options.now ?? new Date();
  const ids = new Map(ORGS.map((o) => [o.key, new Types.ObjectId()]));
  const pairs = new Map<string, Set<string>>();
  for (const o of ORGS) {
    for (const p of o.pairedWith ?? []) {
      pairs.set(o.key, (pairs.get(o.key) ?? new Set()).add(p));
      pairs.set(p, (pairs.get(p) ?? new Set()).add(o.key));
    }
  }
  await Organisation.insertMany(
    ORGS.map((o) => {
      const place = findPlace(o.county);
      if (!place) throw new Error(`Unknown county ${o.county} in demo data`);
      return {
        _id: ids.get(o.key),
        name: o.name,
        kind: o.kind,
        sponsorType: o.sponsorType ?? null,
        province: place.province,
        unitCode: place.unitCode,
        countyCode: place.countyCode,
        alliances: o.alliances ?? [],
        parent: o.parent ? ids.get(o.parent) : null,
        pairedWith: [...(pairs.get(o.key) ?? [])].map((k) => ids.get(k)),
        verification: { state: 'verified', reason: '', decidedAt: now },
      };
    }),
  );
  const passwordHash = await new Passwords(options.argon2).hash(DEMO_PASSWORD);
  await User.insertMany(
    DEMO_USERS.map((u) => ({
      email: u.email,
      name: u.name,
      role: u.role,
      passwordHash,
      locale: u.locale ?? 'zh-CN',
      emailVerifiedAt: now,
      organisation: u.org ? ids.get(u.org) : null,
      membership: u.org ? 'active' : null,
      scopeUnit: u.scopeUnit ?? null,
      totp:
        u.role === 'coordinator'
          ? {
              secret: new FieldCipher(options.dataKey).encrypt(DEMO_TOTP_SECRET),
              enabledAt: now,
              recovery: DEMO_RECOVERY_CODES.map(recoveryHash),
            }
          : undefined,
    })),
  );
  // One organisation waiting in the coordinators' queue.
  const pendingId = new Types.ObjectId();
  const place = findPlace('130683')!;
  await Organisation.create({
    _id: pendingId,
    name: '安国市实验小学',
    kind: 'school',
    province: place.province,
    unitCode: place.unitCode,
    countyCode: place.countyCode,
    contactName: '钱老师',
    contactPhone: '0312-3521234',
    contactEmail: 'hr.anguo@demo.teachbridge.cn',
  });
  await User.create({
    email: 'hr.anguo@demo.teachbridge.cn',
    name: '安国实验小学 人事 钱老师',
    role: 'staff',
    passwordHash,
    emailVerifiedAt: now,
    organisation: pendingId,
    membership: 'active',
  });
  await seedPostings(ids, now);
  // The demo candidate follows shortage-subject jobs in Zhangjiakou; the first digest goes out on the first
  // scheduler run (or from /dev/mailbox).
  const candidate = await User.findOne({ email: 'candidate@demo.teachbridge.cn' }).lean();
  await seedApplications(now, new FieldCipher(options.dataKey), passwordHash);
  await seedReferrals(now, passwordHash);
  await seedPlacements(ids, now, passwordHash);
  await seedHistory(ids, now, passwordHash);
  await seedProgrammes(ids, now);
  await JobAlert.create({
    user: candidate!._id,
    query: 'unit=1307&shortage=1',
    frequency: 'daily',
    lastDigestAt: new Date(now.getTime() - 2 * DAY),
  });
  // Everyone in the demo has accepted the current privacy notice, and candidates the ID-number consent.
  await User.updateMany({}, { $set: { consents: [consentRecord('privacy', now)] } });
  await User.updateMany(
    { role: 'candidate' },
    { $set: { consents: [consentRecord('privacy', now), consentRecord('sensitive', now)] } },
  );
  return true;
}

export const DAY = 86_400_000;

/**
 * Two sponsors: a foundation whose stipend for rural English and music teachers is approved and shows on matching
 * vacancies, and a university alumni association whose housing subsidy awaits the regional office's approval.
 */
async function seedProgrammes(ids: Map<string, Types.ObjectId>, now: Date) {
  const cstDay = (offsetDays: number) => {
    const d = new Date(now.getTime() + 8 * 3600 * 1000 + offsetDays * DAY);
    return new Date(`${d.toISOString().slice(0, 10)}T00:00:00+08:00`);
  };
  await IncentiveProgramme.create([
    {
      sponsor: ids.get('chunhui'),
      sponsorName: '春晖乡村教育基金会',
      name: '乡村英语、音乐教师留任津贴',
      kind: 'stipend_topup',
      amount: 500,
      period: 'month',
      periods: 36,
      criteria: { ruralOnly: true, subjects: ['english', 'music'] },
      places: 20,
      budget: 360_000,
      // Running since the 2024 recruitment, so each cohort of the demo has funded teachers.
      startsOn: new Date('2024-08-01T00:00:00+08:00'),
      endsOn: cstDay(275),
      termsZh:
        '在河北农村学校任教英语或音乐的新教师，入职后每月可获 500 元津贴，最长 36 个月。每月须经回访确认仍在岗；回访未答或不在岗时暂停，提前离岗即终止。',
      termsEn:
        'New English or music teachers in rural Hebei schools receive 500 yuan a month for up to 36 months. Each month is confirmed by a retention check-in; a missed or negative check-in pauses it, and leaving early ends it.',
      status: 'approved',
      approvedAt: new Date('2024-07-20T10:00:00+08:00'),
    },
    {
      sponsor: ids.get('bnuAlumni'),
      sponsorName: '北京师范大学校友会',
      name: '北师大校友赴冀任教住房补贴',
      kind: 'housing_subsidy',
      amount: 800,
      period: 'month',
      periods: 24,
      criteria: { units: ['1307', '1306', '1308'], shortageOnly: true, graduatesOf: ids.get('bnu') },
      graduatesOfName: '北京师范大学',
      places: 10,
      budget: 192_000,
      startsOn: cstDay(0),
      endsOn: cstDay(365),
      termsZh: '北京师范大学毕业生到张家口、保定、承德的紧缺学科岗位任教，每月住房补贴 800 元，最长 24 个月。',
      termsEn:
        'Beijing Normal University graduates teaching shortage subjects in Zhangjiakou, Baoding or Chengde receive 800 yuan a month towards housing for up to 24 months.',
      status: 'submitted',
    },
  ]);
  await seedAwards(now);
}

/**
 * The foundation's awards, in several states: the placements on vacancies it funds, in contract order, each holding a
 * place; the demo teacher's still awaits acceptance, teachers who left early have ended ones, and every other one
 * accepted (half of them sharing their name with the sponsor). Payments of the first periods are recorded as paid.
 */
async function seedAwards(now: Date) {
  const programme = (await IncentiveProgramme.findOne({ name: '乡村英语、音乐教师留任津贴' }).lean<ProgrammeDoc>())!;
  const placements = await Placement.find({}).sort({ startDate: 1 }).lean<PlacementDoc[]>();
  const vacancies = new Map(
    (await Vacancy.find({ _id: trusted({ $in: placements.map((p) => p.vacancy) }) }).lean()).map((v) => [
      String(v._id),
      v,
    ]),
  );
  const funded = placements.filter((p) => {
    const v = vacancies.get(String(p.vacancy));
    return v && matches(criteriaOf(programme), v) && p.startDate >= programme.startsOn;
  });
  const teacher = await User.findOne({ email: 'teacher@demo.teachbridge.cn' }).lean();
  const payer = await User.findOne({ email: 'grants@demo.chunhui.org.cn' }).lean();
  for (const [n, p] of funded.slice(0, capOf(programme)).entries()) {
    const demoTeacher = String(p.teacher) === String(teacher?._id);
    const left = ['left_early', 'transferred'].includes(p.status);
    const status = demoTeacher ? 'reserved' : left ? 'ended' : p.status === 'onboarding' ? 'reserved' : 'active';
    await AwardPlace.create({ _id: `${String(programme._id)}:${n}`, programme: programme._id, at: p.startDate });
    const award = await Award.create({
      programme: programme._id,
      sponsor: programme.sponsor,
      placement: p._id,
      teacher: p.teacher,
      placeNo: n,
      status,
      name: programme.name,
      kind: programme.kind,
      amount: programme.amount,
      period: programme.period,
      periods: programme.periods,
      reservedAt: new Date(p.startDate.getTime() - 30 * DAY),
      acceptedAt: status === 'reserved' ? null : p.startDate,
      shareName: status !== 'reserved' && n % 2 === 0,
      endedAt: left ? p.leftAt : null,
    });
    if (status !== 'active') continue;
    // The sponsor has paid what fell due up to three months ago.
    const checkIns = await CheckIn.find({ placement: p._id }).lean();
    const schedule = scheduleOf(award, p, checkIns, new Set());
    for (const row of schedule.filter((r) => r.status === 'due' && r.endsAt < addMonths(now, -3))) {
      await AwardPayment.create({
        _id: `${String(award._id)}:${row.period}`,
        award: award._id,
        period: row.period,
        amount: row.amount,
        at: addMonths(row.endsAt, 1),
        by: payer!._id,
      });
    }
  }
  await IncentiveProgramme.updateOne(
    { _id: programme._id },
    { $set: { placesUsed: Math.min(funded.length, capOf(programme)) } },
  );
}

async function seedPostings(ids: Map<string, Types.ObjectId>, now: Date) {
  const orgs = new Map((await Organisation.find({}).lean<OrganisationDoc[]>()).map((o) => [String(o._id), o] as const));
  const org = (key: string) => orgs.get(String(ids.get(key)))!;
  const at = (days: number) => new Date(now.getTime() + days * DAY);

  const county = await Announcement.create({
    issuer: ids.get('zbbureau'),
    issuerName: org('zbbureau').name,
    unitCode: '1307',
    programme: 'open_recruitment',
    title: '张北县2027年公开招聘中小学教师公告',
    body:
      '根据《事业单位公开招聘人员暂行规定》，经县人力资源和社会保障局批准，张北县面向社会公开招聘中小学教师。\n' +
      '报名采取网上报名方式，报考人员只能选择一个岗位报名。笔试、面试成绩按各占50%合成总成绩，按岗位1:1比例确定体检、考察人选，考察合格者在县政府网站公示7个工作日。',
    phases: [
      { kind: 'registration', start: at(-3), end: at(14) },
      { kind: 'qualification_review', start: at(15), end: at(17) },
      { kind: 'written_exam', start: at(24), end: at(24) },
      { kind: 'interview', start: at(38), end: at(39) },
      { kind: 'medical', start: at(45), end: at(46) },
      { kind: 'public_notice', start: at(52), end: at(58) },
    ],
    status: 'open',
    openedAt: at(-3),
  });
  const campus = await Announcement.create({
    issuer: ids.get('bnu'),
    issuerName: org('bnu').name,
    unitCode: '11',
    programme: 'campus_drive',
    title: '北京师范大学2027届毕业生河北基础教育专场招聘会',
    body: '河北省多所县域中小学携紧缺学科岗位来校招聘，欢迎2027届毕业生携简历参加。部分岗位提供周转宿舍和乡村教师生活补助。',
    venue: '北京师范大学 学生活动中心一层',
    phases: [{ kind: 'registration', start: at(-5), end: at(25) }],
    status: 'open',
    openedAt: at(-5),
  });

  const records = VACANCY_ROWS.map(
    ([schoolKey, byKey, stage, subject, postType, headcount, [payMin, payMax], rural], i) => {
      const school = org(schoolKey);
      const poster = org(byKey ?? schoolKey);
      const place = findPlace(school.countyCode)!;
      const drive =
        schoolKey === 'zhangbei' && !byKey
          ? county
          : ['fuping', 'weichang', 'laiyuan'].includes(schoolKey) && i % 2 === 0
            ? campus
            : null;
      const deadline = drive === county ? at(14) : at(6 + ((i * 7) % 35));
      const input: VacancyInput = {
        title: `${stageName(stage, 'zh-CN')}${subjectName(subject, 'zh-CN')}教师`,
        schoolId: String(school._id),
        stage,
        subject,
        postType,
        headcount,
        announcementId: drive ? String(drive._id) : null,
        education: postType === 'silver_age' ? 'college' : stage === 'senior' ? 'master' : 'bachelor',
        certificateType:
          stage === 'preschool'
            ? 'preschool'
            : stage === 'primary'
              ? 'primary'
              : stage === 'junior'
                ? 'junior'
                : 'senior',
        certificateSubjectMatch: ['english', 'music', 'pe', 'art', 'it'].includes(subject),
        acceptExamPass: postType === 'special_post',
        maxAge: postType === 'silver_age' ? 65 : 30 + (i % 6),
        mandarinLevel: subject === 'chinese' ? '2A' : '2B',
        freshGraduatesOnly: postType === 'targeted',
        hukouLimit: '',
        payMin,
        payMax,
        housing: Boolean(rural) || schoolKey === 'xiong80',
        ruralSubsidy: rural ?? null,
        benefits: postType === 'special_post' ? '服务期满考核合格可按规定办理入编手续。' : '',
        description:
          `${school.name}招聘${stageName(stage, 'zh-CN')}${subjectName(subject, 'zh-CN')}教师${headcount}名。` +
          `学校位于${place.unitName.zh}${place.countyName}，${rural ? '地处乡村，' : ''}欢迎热爱教育、愿意扎根河北的毕业生和在职教师报名。`,
        deadline,
        pipeline:
          postType === 'special_post'
            ? 'special_post'
            : postType === 'contract' || postType === 'exchange'
              ? 'contract'
              : 'open_recruitment',
      };
      const record = vacancyRecord(input, poster, school, place, deadline);
      const demo = STATE_DEMOS.find((d) => d.row === i)?.status;
      const openedAt = at(-((i * 5) % 21) - 1);
      switch (demo) {
        case 'draft':
        case 'in_review':
          return { ...record, status: demo, openedAt: null };
        case 'closed':
        case 'filled':
          return { ...record, status: demo, openedAt: at(-40), deadline: at(-3), closedAt: at(-3) };
        case 'cancelled':
          return { ...record, status: demo, openedAt };
        default:
          return { ...record, status: 'open', openedAt };
      }
    },
  );
  await Vacancy.insertMany(records);
}

if (require.main === module) {
  // `npm run seed`: into the configured database (or the embedded one), refusing in production.
  void (async () => {
    const { loadConfig } = await import('../server/config');
    const { connectDatabase, ensureIndexes } = await import('../server/db/connect');
    const { startEmbeddedDatabase } = await import('../server/db/embedded');
    const path = await import('node:path');
    const config = loadConfig();
    if (config.isProduction) {
      process.stderr.write('Refusing to seed demo data in production.\n');
      process.exit(1);
    }
    const embedded = config.mongodbUri
      ? undefined
      : await startEmbeddedDatabase({
          dataDir: path.join(config.dataDir, 'db'),
          log: (m) => process.stdout.write(`${m}\n`),
        });
    await connectDatabase(config.mongodbUri ?? embedded!.uri, config.mongodbUri ? undefined : 'teachbridge');
    await ensureIndexes();
    const seeded = await seedDemo({ argon2: config.argon2, dataKey: config.dataKey, ifEmpty: true });
    process.stdout.write(seeded ? 'Demo data created.\n' : 'The database already has users; nothing seeded.\n');
    await mongoose.disconnect();
    await embedded?.stop();
  })().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}

// Demo candidates: [name, email or null (then generated), birth year, certificate pending?]
const CANDIDATES: [string, string | null, number, boolean][] = [
  ['张晓明', 'candidate@demo.teachbridge.cn', 2001, false],
  ['Li Na', 'candidate.en@demo.teachbridge.cn', 2002, true],
  ['王雨桐', null, 2000, false],
  ['刘思远', null, 1999, false],
  ['陈佳怡', null, 2001, false],
  ['杨帆', null, 1998, false],
  ['赵欣然', null, 2000, false],
  ['黄子涵', null, 2001, false],
  ['周晨', null, 1997, false],
  ['吴可欣', null, 2000, false],
  ['孙浩然', null, 1988, false],
];

/** Where each demo candidate stands in 张北二中's junior English special-post recruitment. */
const STANDINGS: (string | null)[] = [
  'public_notice', // 张晓明: on the published notice
  'submitted', // Li Na: exam passed, certificate pending
  'public_notice',
  'interview',
  'interview',
  'written_exam',
  'qualification_review',
  'rejected',
  'withdrawn',
  'submitted',
  null, // 孙浩然: too old for the post, has a profile only
];

async function seedApplications(now: Date, cipher: FieldCipher, passwordHash: string) {
  const vacancy = await Vacancy.findOne({ title: '初中英语教师', schoolName: '张北县第二中学', status: 'open' }).lean();
  if (!vacancy) return;
  const stages = stagesOf(vacancy.pipeline);
  const noticeEntries: {
    application: Types.ObjectId;
    maskedName: string;
    written: number;
    interview: number;
    total: number;
  }[] = [];
  for (const [i, [name, email, year, pending]] of CANDIDATES.entries()) {
    const user =
      (email ? await User.findOne({ email }).lean() : null) ??
      (await User.create({
        email: `candidate${i}@demo.teachbridge.cn`,
        name,
        role: 'candidate',
        passwordHash,
        emailVerifiedAt: now,
      }));
    const body = `130722${year}0315${String(100 + i).padStart(3, '0')}`;
    const idNumber = body + checkDigit(body);
    const profile = {
      user: user._id,
      legalName: name,
      idCipher: cipher.encrypt(idNumber),
      idHash: cipher.hash(idNumber),
      gender: (Number(idNumber[16]) % 2 ? 'male' : 'female') as 'male' | 'female',
      birthDate: new Date(Date.UTC(year, 2, 15)),
      phone: `1390313${String(1000 + i)}`,
      education: [
        {
          institution: i % 2 ? '河北师范大学' : '首都师范大学',
          level: 'bachelor',
          major: '英语',
          graduationDate: new Date(Date.UTC(2026, 5, 30)),
          fullTime: true,
          normalUniversity: true,
        },
      ],
      certificates: [
        {
          type: 'junior',
          subject: 'english',
          number: pending ? '' : `2026130${i}`,
          pending,
          expectedDate: pending ? new Date(Date.UTC(2027, 5, 1)) : null,
        },
      ],
      mandarinLevel: '2A' as const,
      stages: ['junior'],
      subjects: ['english'],
      preferredUnits: ['1307'],
    };
    const profileDoc = (await CandidateProfile.create(profile)).toObject() as ProfileDoc;
    const standing = STANDINGS[i];
    if (!standing) continue;
    const eligibility = evaluateEligibility(
      { ...vacancy.requirements, stage: vacancy.stage, subject: vacancy.subject },
      profile,
      vacancy.openedAt ?? now,
    );
    const outcome = standing === 'rejected' || standing === 'withdrawn' ? standing : null;
    const stage = outcome ? 'qualification_review' : standing;
    const reached = stages.slice(0, stages.indexOf(stage) + 1);
    const written =
      stages.indexOf(stage) >= stages.indexOf('interview')
        ? 78 + ((i * 7) % 15) + 0.5
        : stages.indexOf(stage) >= stages.indexOf('written_exam') && i % 2
          ? 72
          : null;
    const interview = stages.indexOf(stage) >= stages.indexOf('medical') ? 80 + ((i * 5) % 12) : null;
    const history = [
      ...reached.map((st, k) => ({
        at: new Date(now.getTime() - (reached.length - k) * 2 * DAY),
        by: null,
        from: k ? reached[k - 1] : null,
        to: st,
        note: '',
      })),
      ...(outcome ? [{ at: new Date(now.getTime() - DAY), by: null, from: stage, to: outcome, note: '' }] : []),
    ];
    const app = await Application.create({
      vacancy: vacancy._id,
      candidate: user._id,
      postedBy: vacancy.postedBy,
      school: vacancy.school,
      announcement: vacancy.announcement ?? null,
      unitCode: vacancy.unitCode,
      pipeline: vacancy.pipeline,
      stage,
      outcome,
      rejectReason: outcome === 'rejected' ? 'documents' : null,
      rejectMessage: outcome === 'rejected' ? '请补充学位证书扫描件后，关注下一次招聘。' : '',
      version: history.length - 1,
      statement: '愿意扎根坝上，长期从事乡村英语教学。',
      consentAt: history[0]!.at,
      eligibility,
      ...fromProfile(profileDoc),
      scores: { written, interview, total: total(vacancy.pipeline, written, interview) },
      interview:
        stage === 'interview'
          ? {
              at: new Date(now.getTime() + 5 * DAY),
              minutes: 30,
              place: '张北县第二中学 行政楼三楼会议室',
              panel: '',
              sequence: 1,
              confirmedAt: null,
            }
          : undefined,
      history,
      submittedAt: history[0]!.at,
    });
    if (stage === 'public_notice') {
      noticeEntries.push({
        application: app._id,
        maskedName: maskName(name),
        written: written!,
        interview: interview!,
        total: total(vacancy.pipeline, written, interview)!,
      });
    }
  }
  await seedOffer(now, cipher);
  if (noticeEntries.length > 0) {
    await Notice.create({
      vacancy: vacancy._id,
      postedBy: vacancy.postedBy,
      title: vacancy.title,
      schoolName: vacancy.schoolName,
      publishScores: true,
      entries: noticeEntries,
      // Already over, so that the demo can go on to the offer and the signing at once.
      publishedAt: new Date(now.getTime() - 9 * DAY),
      endsAt: new Date(now.getTime() - 2 * DAY),
    });
  }
}

/**
 * 张晓明 also holds an offer from 北京八十中雄安分校 (open recruitment, managed by 北京八十中's staff), its notice
 * period over: in the demo she accepts it under "My applications" and hr.bj80 records the signing.
 */
async function seedOffer(now: Date, cipher: FieldCipher) {
  const vacancy = await Vacancy.findOne({
    title: '初中英语教师',
    schoolName: '北京市第八十中学雄安分校',
    status: 'open',
  }).lean();
  const user = await User.findOne({ email: 'candidate@demo.teachbridge.cn' }).lean();
  const profile = user ? await CandidateProfile.findOne({ user: user._id }).lean<ProfileDoc>() : null;
  if (!vacancy || !user || !profile) return;
  void cipher;
  const stages = stagesOf(vacancy.pipeline);
  const reached = stages.slice(0, stages.indexOf('offer') + 1);
  const history = reached.map((st, k) => ({
    at: new Date(now.getTime() - (reached.length - k) * 3 * DAY),
    by: null,
    from: k ? reached[k - 1] : null,
    to: st,
    note: '',
  }));
  const app = await Application.create({
    vacancy: vacancy._id,
    candidate: user._id,
    postedBy: vacancy.postedBy,
    school: vacancy.school,
    unitCode: vacancy.unitCode,
    pipeline: vacancy.pipeline,
    stage: 'offer',
    version: history.length - 1,
    consentAt: history[0]!.at,
    eligibility: evaluateEligibility(
      { ...vacancy.requirements, stage: vacancy.stage, subject: vacancy.subject },
      profile,
      vacancy.openedAt ?? now,
    ),
    ...fromProfile(profile),
    scores: { written: 88, interview: 91.5, total: total(vacancy.pipeline, 88, 91.5) },
    history,
    submittedAt: history[0]!.at,
  });
  await Notice.create({
    vacancy: vacancy._id,
    postedBy: vacancy.postedBy,
    title: vacancy.title,
    schoolName: vacancy.schoolName,
    entries: [
      {
        application: app._id,
        maskedName: maskName(profile.legalName),
        written: 88,
        interview: 91.5,
        total: total(vacancy.pipeline, 88, 91.5)!,
      },
    ],
    publishedAt: new Date(now.getTime() - 12 * DAY),
    endsAt: new Date(now.getTime() - 5 * DAY),
  });
}

export const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗';
export const GIVEN = [
  '子涵',
  '欣怡',
  '浩然',
  '梓萱',
  '宇轩',
  '雨桐',
  '思远',
  '佳琪',
  '一诺',
  '晨阳',
  '若曦',
  '明哲',
  '诗涵',
  '俊杰',
  '可馨',
];
const MAJORS = ['英语', '数学与应用数学', '汉语言文学', '音乐学', '美术学', '物理学', '教育技术学', '体育教育'];
/** Each partner's graduates spread across the funnel: [status, how many] for cohorts 2026 and 2027. */
const REFERRAL_MIX: Record<string, [string, number][]> = {
  bnu: [
    ['hired', 4],
    ['in_process', 4],
    ['applied', 5],
    ['not_hired', 3],
    ['registered', 4],
    ['invited', 5],
    ['expired', 2],
    ['declined', 1],
  ],
  cnu: [
    ['hired', 3],
    ['in_process', 3],
    ['applied', 3],
    ['not_hired', 2],
    ['registered', 3],
    ['invited', 4],
    ['expired', 1],
  ],
  tjnu: [
    ['hired', 2],
    ['in_process', 3],
    ['applied', 3],
    ['registered', 3],
    ['invited', 3],
    ['expired', 1],
  ],
};

/** Referred graduates for the three partner universities, so that their dashboards show a real funnel. */
async function seedReferrals(now: Date, passwordHash: string) {
  const vacancies = await Vacancy.find({ status: 'open' }).sort({ openedAt: -1 }).limit(30).lean();
  let n = 0;
  for (const [key, mix] of Object.entries(REFERRAL_MIX)) {
    const partner = await Organisation.findOne({ name: ORGS.find((o) => o.key === key)!.name }).lean();
    const staff = await User.findOne({ organisation: partner!._id }).lean();
    for (const [status, count] of mix) {
      for (let i = 0; i < count; i += 1) {
        n += 1;
        const name = `${SURNAMES[n % SURNAMES.length]}${GIVEN[n % GIVEN.length]}`;
        const email = `${key}.grad${n}@demo.teachbridge.cn`;
        const cohort = n % 2 ? 2026 : 2027;
        // A hire went through a whole round: applied months ago (invited before that), signed in the last weeks.
        const times = status === 'hired' ? pastTimeline(new Date(now.getTime() + 12 * DAY), n) : null;
        const invitedAt = new Date(
          Math.min(now.getTime() - (10 + (n % 40)) * DAY, (times?.submitted.getTime() ?? Infinity) - 10 * DAY),
        );
        const claimed = !['invited', 'expired', 'declined'].includes(status);
        const user = claimed
          ? await User.create({ email, name, role: 'candidate', passwordHash, emailVerifiedAt: invitedAt })
          : null;
        const referral = await Referral.create({
          partner: partner!._id,
          partnerName: partner!.name,
          referredBy: staff!._id,
          name,
          email,
          major: MAJORS[n % MAJORS.length],
          graduationYear: cohort,
          degree: n % 5 ? 'bachelor' : 'master',
          subjects: [['english', 'math', 'chinese', 'music', 'art', 'physics', 'it', 'pe'][n % 8]!],
          invitedAt,
          expiresAt: status === 'expired' ? new Date(now.getTime() - DAY) : new Date(invitedAt.getTime() + 30 * DAY),
          declinedAt: status === 'declined' ? new Date(invitedAt.getTime() + 2 * DAY) : null,
          candidate: user?._id ?? null,
          claimedAt: user ? new Date(invitedAt.getTime() + DAY) : null,
          consent: n % 3 ? 'status' : 'details',
          consentAt: user ? new Date(invitedAt.getTime() + DAY) : null,
        });
        if (!user || status === 'registered') continue;
        const vacancy = times
          ? await pastPost(vacancies[n % vacancies.length]!, times)
          : vacancies[n % vacancies.length]!;
        const stage =
          status === 'hired'
            ? 'signed'
            : status === 'in_process'
              ? n % 2
                ? 'interview'
                : 'qualification_review'
              : status === 'not_hired'
                ? 'written_exam'
                : 'submitted';
        const stages = stagesOf(vacancy.pipeline).filter(
          (s) => stagesOf(vacancy.pipeline).indexOf(s) <= Math.max(0, stagesOf(vacancy.pipeline).indexOf(stage)),
        );
        // Never before the vacancy opened, and every step of the history before today.
        const submittedAt =
          times?.submitted ??
          new Date(Math.max(invitedAt.getTime() + 3 * DAY, vacancy.openedAt!.getTime() + 3600 * 1000));
        const step = Math.min(DAY, (now.getTime() - submittedAt.getTime()) / (stages.length + 1));
        await Application.create({
          vacancy: vacancy._id,
          candidate: user._id,
          postedBy: vacancy.postedBy,
          school: vacancy.school,
          unitCode: vacancy.unitCode,
          pipeline: vacancy.pipeline,
          source: 'referral',
          sourcePartner: partner!._id,
          sourcePartnerName: partner!.name,
          referral: referral._id,
          stage: stages.includes(stage) ? stage : stages[stages.length - 1],
          outcome: status === 'not_hired' ? 'rejected' : null,
          rejectReason: status === 'not_hired' ? 'score' : null,
          version: stages.length - 1,
          consentAt: submittedAt,
          eligibility: { outcome: 'eligible', checks: [] },
          snapshot: { legalName: name },
          history: times
            ? pastHistory(vacancy.pipeline, times)
            : stages.map((s, k) => ({
                at: new Date(submittedAt.getTime() + k * step),
                by: null,
                from: k ? stages[k - 1] : null,
                to: s,
                note: '',
              })),
          submittedAt,
          contractDate: times?.signed ?? null,
        });
      }
    }
  }
}

/** Mentors of the Beijing/Tianjin schools: [school key, name, subject, stage, capacity]. */
const MENTORS: [string, string, string, string, number][] = [
  ['bj80', '刘雅琴', 'english', 'junior', 3],
  ['bj80', '孙建国', 'math', 'junior', 3],
  ['bj80', '高文静', 'chinese', 'senior', 2],
  ['luhe', '何志远', 'english', 'senior', 2],
  ['luhe', '林晓梅', 'chinese', 'primary', 3],
  ['luhe', '罗振华', 'physics', 'junior', 2],
  ['yangcun', '马丽娟', 'math', 'primary', 3],
  ['yangcun', '朱海涛', 'music', 'junior', 2],
];

/**
 * Placements of three cohorts (September 2024, 2025, 2026) across every status, with check-in answers and mentor
 * activity, so that the registry's retention figures and the staff, teacher and mentor pages have something real.
 */
async function seedPlacements(ids: Map<string, Types.ObjectId>, now: Date, passwordHash: string) {
  const mentors = [];
  for (const [school, name, subject, stage, capacity] of MENTORS) {
    const org = ORGS.find((o) => o.key === school)!;
    mentors.push(
      await Mentor.create({
        organisation: ids.get(school),
        organisationName: org.name,
        name,
        email: `mentor.${mentors.length + 1}@demo.teachbridge.cn`,
        subject,
        stage,
        capacity,
      }),
    );
  }
  const vacancies = await Vacancy.find({ status: trusted({ $in: ['open', 'closed'] }) })
    .sort({ openedAt: 1 })
    .lean();
  const hebei = vacancies.filter((v) => v.unitCode.startsWith('13'));
  // [cohort year, status, months after start when they left / were suspended, intention at the latest check-in]
  const PLAN: [number, (typeof PLACEMENT_STATES)[number], number, number][] = [
    [2024, 'active', 0, 5],
    [2024, 'active', 0, 4],
    [2024, 'active', 0, 4],
    [2024, 'active', 0, 3],
    [2024, 'left_early', 10, 2],
    [2024, 'transferred', 15, 3],
    [2024, 'active', 6, 4], // suspended for three months, then resumed
    [2024, 'completed', 0, 5],
    [2025, 'active', 0, 5],
    [2025, 'active', 0, 4],
    [2025, 'active', 0, 4],
    [2025, 'active', 0, 2], // low intention: flagged
    [2025, 'active', 0, 3],
    [2025, 'left_early', 6, 1],
    [2025, 'suspended', 12, 3],
    [2025, 'active', 0, 5],
    [2026, 'onboarding', 0, 0],
    [2026, 'onboarding', 0, 0],
    [2026, 'active', 0, 4],
    [2026, 'active', 0, 5],
    [2026, 'active', 0, 2], // low intention: flagged
    [2026, 'onboarding', 0, 0],
  ];
  // The demo teacher: a month into a post at 张北二中, no mentor yet, the one-month check-in due at the first start.
  const start = addMonths(now, -1);
  const demoTimes = pastTimeline(start, 0);
  const zhangbei = await pastPost(
    hebei.find((v) => String(v.school) === String(ids.get('zhangbei')) && v.subject === 'english')!,
    demoTimes,
  );
  const demo = await hireInto(zhangbei, 'teacher@demo.teachbridge.cn', '韩雨桐', start, demoTimes, passwordHash);
  await Placement.create({
    ...placementOf(zhangbei, demo, start),
    commitmentYears: postTypeYears(zhangbei.postType),
    status: 'active',
    checklist: CHECKLIST.map((c, k) => {
      const dueAt = new Date(start.getTime() + c.days * DAY);
      return { key: c.key, dueAt, doneAt: k < 2 ? dueAt : null, doneBy: k < 2 ? '张北二中 人事 赵老师' : '' };
    }),
  });
  const reasons = ['family', 'distance', 'pay', 'housing'] as const;
  const load = new Map<string, number>();
  let n = 0;
  for (const [cohort, status, months, intention] of PLAN) {
    n += 1;
    const start = new Date(Date.UTC(cohort, 8, 1) - 8 * 3600 * 1000); // 1 September, Beijing time
    // Hired through that year's recruitment, each on its own dates.
    const times = pastTimeline(start, n);
    const vacancy = await pastPost(hebei[(n * 7) % hebei.length]!, times);
    const name = `${SURNAMES[(n + 5) % SURNAMES.length]}${GIVEN[(n + 3) % GIVEN.length]}`;
    const hire = await hireInto(vacancy, `teacher${n}@demo.teachbridge.cn`, name, start, times, passwordHash);
    const commitmentYears = postTypeYears(vacancy.postType);
    const leftAt = ['left_early', 'transferred'].includes(status) ? addMonths(start, months) : null;
    const suspensions =
      months && ['active', 'suspended'].includes(status)
        ? [
            {
              from: addMonths(start, months),
              to: status === 'suspended' ? null : addMonths(start, months + 3),
              reason: status === 'suspended' ? '产假' : '病假',
            },
          ]
        : [];
    const ended = ['completed', 'left_early', 'transferred'].includes(status);
    // 八十中's mentors stay free for 张北二中 (its pair), where the demo teacher still waits for one.
    const fit = mentors.find(
      (m, i) =>
        MENTORS[i]![0] !== 'bj80' &&
        m.subject === vacancy.subject &&
        (load.get(String(m._id)) ?? 0) < m.capacity &&
        status !== 'onboarding',
    );
    const placement = await Placement.create({
      ...placementOf(vacancy, hire, start),
      // Two in three came through a partner university, whose dashboard then shows what became of them.
      sourcePartner: n % 3 === 0 ? ids.get('bnu') : n % 3 === 1 ? ids.get('cnu') : null,
      commitmentYears: status === 'completed' ? 1 : commitmentYears,
      commitmentReason: status === 'completed' ? '银龄讲学一学年' : '',
      status,
      suspensions,
      leftAt,
      leaveReason: status === 'left_early' ? reasons[n % reasons.length] : null,
      flagged: intention > 0 && intention <= 2 && !ended,
      flaggedAt: intention > 0 && intention <= 2 && !ended ? new Date(now.getTime() - 10 * DAY) : null,
      mentor: fit?._id ?? null,
      mentorName: fit ? `${fit.name}（${fit.organisationName}）` : '',
      checklist: CHECKLIST.map((c, k) => {
        const dueAt = new Date(start.getTime() + c.days * DAY);
        const done = status !== 'onboarding' || k < 2;
        return { key: c.key, dueAt, doneAt: done ? dueAt : null, doneBy: done ? '人事处' : '' };
      }),
    });
    if (fit && !ended) {
      const used = load.get(String(fit._id)) ?? 0;
      load.set(String(fit._id), used + 1);
      await MentorSlot.create({ _id: `${fit._id}:${used}`, mentor: fit._id, placement: placement._id });
    }
    if (fit) {
      const kinds = ['online_prep', 'observed_lesson', 'visit_bjtj', 'visit_hebei'] as const;
      for (let k = 0; k < 4; k += 1) {
        const date = addMonths(start, k * 2 + 1);
        if (date > now || (leftAt && date > leftAt)) break;
        await MentorActivity.create({
          placement: placement._id,
          mentor: fit._id,
          side: k % 2 ? 'teacher' : 'mentor',
          kind: kinds[k]!,
          date,
          minutes: [60, 45, 480, 240][k]!,
          note: ['单元整体教学设计', '公开课听评', '跟岗一天', '到校指导课堂常规'][k]!,
        });
      }
    }
    // Check-ins up to today (or until they left): answered, the latest with the planned intention; one missed.
    const end = commitmentEnd(start, placement.commitmentYears, suspensions, now);
    const due = checkInSchedule(start, end).filter((d) => d <= now && (!leftAt || d <= leftAt));
    for (const [k, dueAt] of due.entries()) {
      const latest = k === due.length - 1;
      const missed = !latest && (n + k) % 5 === 0;
      await CheckIn.create({
        _id: `${placement._id}:${dueAt.toISOString().slice(0, 10)}`,
        placement: placement._id,
        postedBy: vacancy.postedBy,
        dueAt,
        status: missed ? 'missed' : 'answered',
        sentAt: dueAt,
        remindedAt: missed ? new Date(dueAt.getTime() + 14 * DAY) : null,
        answeredAt: missed ? null : new Date(dueAt.getTime() + 2 * DAY),
        answer: missed
          ? {}
          : {
              inPost: true,
              workload: 2 + ((n + k) % 3),
              support: 3 + ((n + k) % 3),
              housing: 2 + (n % 4),
              intention: latest && intention ? intention : 3 + ((n + k) % 3),
              text: latest && intention && intention <= 2 ? '离家太远，周末往返困难。' : '',
            },
      });
    }
  }
}

/** When a hire made before the demo starts was published, applied for, offered and signed. */
interface PastTimes {
  opened: Date;
  submitted: Date;
  offered: Date;
  signed: Date;
}

/**
 * The dates of a hire that starts on `start`, spread as real rounds spread (k varies them): signed two to six weeks
 * before the start, offered days before that, applied for one and a half to three and a half months earlier, soon
 * after the post was published. Fixed offsets would give every hire the same time to fill, and every place the same
 * 90th percentile in the reports.
 */
function pastTimeline(start: Date, k: number): PastTimes {
  const signed = new Date(start.getTime() - (14 + ((k * 11) % 30)) * DAY - ((k * 5) % 9) * 3600 * 1000);
  const offered = new Date(signed.getTime() - (3 + ((k * 5) % 9)) * DAY);
  const submitted = new Date(offered.getTime() - (45 + ((k * 17) % 60)) * DAY);
  const opened = new Date(submitted.getTime() - (1 + ((k * 3) % 14)) * DAY);
  return { opened, submitted, offered, signed };
}

/**
 * The post a teacher signed for at `times.signed`: the open post itself if it was published before they applied,
 * otherwise a filled copy published when `times` says (a hire never predates its post's publication).
 */
async function pastPost<V extends SeedVacancy & { _id: Types.ObjectId; openedAt?: Date | null }>(
  vacancy: V,
  times: PastTimes,
) {
  if (vacancy.openedAt && vacancy.openedAt.getTime() <= times.submitted.getTime()) return vacancy;
  const openedAt = times.opened;
  const { _id, ...fields } = vacancy as V & { createdAt?: Date; updatedAt?: Date; __v?: number };
  delete fields.createdAt;
  delete fields.updatedAt;
  delete fields.__v;
  const past = await Vacancy.create({
    ...fields,
    announcement: null,
    headcount: 1,
    status: 'filled',
    openedAt,
    deadline: new Date(openedAt.getTime() + 30 * DAY),
    closedAt: new Date(openedAt.getTime() + 30 * DAY),
  });
  return { ...vacancy, _id: past._id } as V;
}

type SeedVacancy = Pick<
  VacancyDoc,
  '_id' | 'school' | 'schoolName' | 'postedBy' | 'unitCode' | 'countyCode' | 'pipeline' | 'postType' | 'title'
>;

/** A teacher hired into a vacancy before the demo starts: the account and the signed application. */
async function hireInto(
  vacancy: SeedVacancy,
  email: string,
  name: string,
  start: Date,
  times: PastTimes,
  passwordHash: string,
) {
  const teacher = await User.create({ email, name, role: 'candidate', passwordHash, emailVerifiedAt: start });
  const history = pastHistory(vacancy.pipeline, times);
  const application = await Application.create({
    vacancy: vacancy._id,
    candidate: teacher._id,
    postedBy: vacancy.postedBy,
    school: vacancy.school,
    unitCode: vacancy.unitCode,
    pipeline: vacancy.pipeline,
    stage: 'signed',
    version: history.length - 1,
    consentAt: times.submitted,
    eligibility: { outcome: 'eligible', checks: [] },
    snapshot: { legalName: name },
    history,
    submittedAt: times.submitted,
    contractDate: start,
  });
  return { teacher, application, name };
}

/**
 * A signed application's history through every stage of its pipeline: submitted when `times` says, the steps in
 * between evenly spaced, the offer (or training) when offered, and signed when signed.
 */
function pastHistory(pipeline: string, times: PastTimes) {
  const stages = stagesOf(pipeline);
  const last = stages.indexOf('signed');
  const offerAt = stages.findIndex((s) => s === 'offer' || s === 'pre_service_training');
  const steps = offerAt > 0 ? offerAt : last;
  const span = (offerAt > 0 ? times.offered : times.signed).getTime() - times.submitted.getTime();
  return stages.slice(0, last + 1).map((to, k) => ({
    at:
      to === 'signed'
        ? times.signed
        : k > steps
          ? new Date(
              times.offered.getTime() +
                ((k - steps) * (times.signed.getTime() - times.offered.getTime())) / (last - steps + 1),
            )
          : new Date(times.submitted.getTime() + (k * span) / steps),
    by: null,
    from: k ? stages[k - 1]! : null,
    to,
    note: '',
  }));
}

/** The fields of a placement that come from its vacancy and hire. */
export function placementOf(
  vacancy: SeedVacancy,
  hire: { teacher: { _id: Types.ObjectId }; application: { _id: Types.ObjectId }; name: string },
  start: Date,
) {
  return {
    application: hire.application._id,
    teacher: hire.teacher._id,
    teacherName: hire.name,
    school: vacancy.school,
    schoolName: vacancy.schoolName,
    postedBy: vacancy.postedBy,
    vacancy: vacancy._id,
    title: vacancy.title,
    unitCode: vacancy.unitCode,
    countyCode: vacancy.countyCode,
    postType: vacancy.postType,
    startDate: start,
  };
}
