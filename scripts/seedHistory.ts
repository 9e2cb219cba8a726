// Finished recruitment rounds of the last three years for the demo, so that the coordinators' reports have history.
import { Types } from 'mongoose';
import { Announcement } from '../models/Announcement';
import { Application, Notice, type REJECT_REASONS } from '../models/Application';
import { Mentor, MentorSlot } from '../models/Mentor';
import { Organisation, type OrganisationDoc, type OrgKind } from '../models/Organisation';
import { Placement, type LEAVE_REASONS, type PLACEMENT_STATES } from '../models/Placement';
import { Referral } from '../models/Referral';
import { User } from '../models/User';
import { Vacancy } from '../models/Vacancy';
import { stagesOf } from '../server/services/applications';
import { addMonths, CHECKLIST } from '../server/services/placements';
import { findPlace, type Place } from '../server/services/regions';
import { maskName, rulesFor, total } from '../server/services/selection';
import { isShortage, postTypeYears, stageName, subjectName } from '../server/services/taxonomy';
import { vacancyRecord, type VacancyInput } from '../server/services/vacancies';
import { DAY, GIVEN, placementOf, SURNAMES } from './seed';

// Nothing from './seed' may be read at module level: seed.ts imports this file, so its exports are only there at
// call time.

const HOUR = 3_600_000;
export type Rng = () => number;

/** mulberry32: a tiny seeded generator, so that every seed run writes the same data. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
function pick<T>(rng: Rng, weighted: [T, number][]): T {
  let r = rng() * weighted.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of weighted) {
    r -= w;
    if (r < 0) return item;
  }
  return weighted[weighted.length - 1]![0];
}
/** A weighted random order (Efraimidis–Spirakis): heavier items tend to come first. */
function weightedOrder<T>(rng: Rng, items: T[], weight: (item: T) => number): T[] {
  return items
    .map((item) => ({ item, key: rng() ** (1 / weight(item)) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.item);
}
const plus = (date: Date, days: number, hours = 0) => new Date(date.getTime() + days * DAY + hours * HOUR);

/** Organisations the history needs beyond the demo's: more rural counties, the special-post issuer, a mentor school. */
const HISTORY_ORGS: { key: string; name: string; kind: OrgKind; county: string }[] = [
  { key: 'yuxian', name: '蔚县第一中学', kind: 'school', county: '130726' },
  { key: 'pingshan', name: '平山县实验小学', kind: 'school', county: '130131' },
  { key: 'sanhe', name: '三河市第一中学', kind: 'school', county: '131082' },
  { key: 'hbedu', name: '河北省教育厅', kind: 'bureau', county: '130104' },
  { key: 'bnufz', name: '北京师范大学附属中学', kind: 'school', county: '110102' },
];

/** Staff of the paired schools: a recommendation is a referral, which names the staff member who made it. */
const PAIR_STAFF: [string, string, string][] = [
  ['luhe', 'hr.luhe@demo.teachbridge.cn', '潞河中学 教师发展处 马老师'],
  ['yangcun', 'hr.yangcun@demo.teachbridge.cn', '杨村一中 教科室 田老师'],
];

/** Which paired Beijing/Tianjin school recommends candidates to a Hebei school's vacancies. */
const PAIRED: Record<string, string> = { zhangbei: 'bj80', fuping: 'luhe', lf1: 'luhe', dachang: 'yangcun' };

type Round = 'bureau' | 'special' | 'bnu' | 'cnu' | 'tjnu';
const DRIVES = ['bnu', 'cnu', 'tjnu'] as const;

/** The announcements of a year [years back, round, issuer, month, day, title]. */
const ROUNDS: [number, Round, string, number, number, (year: number) => string][] = [
  [2, 'bureau', 'zbbureau', 3, 18, (y) => `张北县${y}年公开招聘中小学教师公告`],
  [1, 'bureau', 'lfbureau', 4, 8, (y) => `廊坊市${y}年公开招聘中小学教师公告`],
  [0, 'bureau', 'zbbureau', 3, 16, (y) => `张北县${y}年公开招聘中小学教师公告`],
  ...[2, 1, 0].flatMap((back): [number, Round, string, number, number, (year: number) => string][] => [
    [back, 'special', 'hbedu', 4, 20 + back, (y) => `河北省${y}年农村义务教育阶段学校特岗教师招聘公告`],
    [back, 'bnu', 'bnu', 3, 6, (y) => `北京师范大学${y}届毕业生河北基础教育专场招聘会`],
    [back, 'cnu', 'cnu', 3, 12, (y) => `首都师范大学${y}届毕业生京津冀教师专场双选会`],
    [back, 'tjnu', 'tjnu', 3, 19, (y) => `天津师范大学${y}届毕业生河北县域教师专场招聘会`],
  ]),
];
const VENUES: Record<string, string> = {
  bnu: '北京师范大学 学生活动中心一层',
  cnu: '首都师范大学 本部体育馆',
  tjnu: '天津师范大学 八里台校区学生就业指导中心',
};

/**
 * The vacancies: [years back, round (null: the school's own posting), school, poster (null: the school), stage,
 * subject, post type, headcount, applicants, hires, opening [month, day] when it is the school's own].
 * Rural shortage-subject posts draw few applicants and often stay short; city and non-shortage posts fill.
 */
type PlanRow = [number, Round | null, string, string | null, string, string, string, number, number, number, number[]?];
const PLAN: PlanRow[] = [
  [2, 'bureau', 'zhangbei', 'zbbureau', 'junior', 'english', 'established', 3, 32, 3],
  [2, 'bureau', 'zhangbei', 'zbbureau', 'junior', 'math', 'established', 4, 44, 4],
  [2, 'bureau', 'yuxian', 'zbbureau', 'junior', 'chinese', 'established', 3, 36, 3],
  [2, 'bureau', 'yuxian', 'zbbureau', 'senior', 'physics', 'established', 2, 12, 1],
  [2, 'special', 'fuping', null, 'primary', 'english', 'special_post', 3, 20, 2],
  [2, 'special', 'weichang', null, 'primary', 'music', 'special_post', 2, 9, 1],
  [2, 'special', 'laiyuan', null, 'primary', 'pe', 'special_post', 2, 10, 1],
  [2, 'special', 'weixian', null, 'junior', 'english', 'special_post', 3, 24, 3],
  [2, 'bnu', 'weichang', null, 'primary', 'chinese', 'targeted', 2, 14, 2],
  [2, 'cnu', 'dachang', null, 'junior', 'art', 'contract', 2, 16, 2],
  [2, 'tjnu', 'sanhe', null, 'senior', 'math', 'established', 2, 18, 2],
  [2, null, 'lf1', null, 'senior', 'general_tech', 'contract', 2, 14, 2, [3, 25]],
  [2, null, 'sjz24', null, 'junior', 'chinese', 'silver_age', 1, 3, 1, [5, 6]],
  [2, null, 'fuping', 'luhe', 'primary', 'art', 'exchange', 1, 4, 1, [6, 8]],
  [1, 'bureau', 'lf1', 'lfbureau', 'senior', 'chemistry', 'established', 3, 34, 3],
  [1, 'bureau', 'sanhe', 'lfbureau', 'junior', 'math', 'established', 5, 48, 5],
  [1, 'bureau', 'dachang', 'lfbureau', 'junior', 'music', 'established', 2, 10, 1],
  [1, 'special', 'zhangbei', null, 'junior', 'art', 'special_post', 2, 9, 1],
  [1, 'special', 'yuxian', null, 'junior', 'english', 'special_post', 3, 20, 2],
  [1, 'special', 'pingshan', null, 'primary', 'english', 'special_post', 2, 14, 2],
  [1, 'special', 'fuping', null, 'primary', 'science', 'special_post', 2, 7, 0],
  [1, 'special', 'weixian', null, 'junior', 'pe', 'special_post', 2, 10, 1],
  [1, 'bnu', 'laiyuan', null, 'primary', 'it', 'targeted', 2, 12, 2],
  [1, 'cnu', 'weichang', null, 'primary', 'art', 'contract', 2, 12, 1],
  [1, 'tjnu', 'dachang', null, 'junior', 'physics', 'established', 1, 10, 1],
  [1, null, 'zhangbei', 'bj80', 'junior', 'it', 'exchange', 1, 4, 1, [6, 8]],
  [1, null, 'sjz24', null, 'junior', 'math', 'silver_age', 1, 3, 1, [5, 6]],
  [1, null, 'sjz24', null, 'junior', 'psychology', 'contract', 2, 12, 2, [4, 2]],
  [0, 'bureau', 'zhangbei', 'zbbureau', 'junior', 'math', 'established', 3, 32, 3],
  [0, 'bureau', 'yuxian', 'zbbureau', 'junior', 'english', 'established', 2, 14, 1],
  [0, 'special', 'weichang', null, 'primary', 'english', 'special_post', 3, 16, 2],
  [0, 'special', 'pingshan', null, 'primary', 'music', 'special_post', 2, 8, 1],
  [0, 'bnu', 'fuping', null, 'primary', 'pe', 'targeted', 1, 8, 1],
  [0, 'cnu', 'lf1', 'luhe', 'senior', 'it', 'exchange', 1, 8, 1],
  [0, 'tjnu', 'sanhe', null, 'junior', 'english', 'established', 2, 12, 2],
];

const MAJORS: Record<string, string> = {
  english: '英语',
  math: '数学与应用数学',
  chinese: '汉语言文学',
  physics: '物理学',
  chemistry: '化学',
  music: '音乐学',
  art: '美术学',
  pe: '体育教育',
  it: '教育技术学',
  science: '科学教育',
};
const MENTOR_NAMES = [
  '许文博',
  '邓雪琴',
  '曹立新',
  '彭晓燕',
  '蒋志强',
  '沈慧敏',
  '韩光明',
  '杜若兰',
  '叶建华',
  '程静怡',
];
const MENTOR_SCHOOLS = ['bnufz', 'luhe', 'yangcun'];

type Channel = 'direct' | 'bnu' | 'cnu' | 'tjnu' | 'recommendation' | 'campaign';
/** How strongly each channel's applicants get through selection: partners pre-select, cnu sends many, hires fewer. */
const STRENGTH: Record<Channel, number> = {
  direct: 1,
  bnu: 2.5,
  cnu: 0.55,
  tjnu: 2,
  recommendation: 2.2,
  campaign: 1.8,
};
/** How likely a hire gets a mentor: the paired schools that recommend also mentor. */
const MENTORED: Record<Channel, number> = {
  direct: 0.4,
  bnu: 0.6,
  cnu: 0.45,
  tjnu: 0.7,
  recommendation: 0.85,
  campaign: 0.5,
};
/** How likely a teacher leaves, relative to others: contract and exchange posts and remote counties lose more. */
const RISK: Record<string, number> = {
  special_post: 0.75,
  established: 1,
  targeted: 0.8,
  silver_age: 0.5,
  contract: 2,
  exchange: 2,
};
/** Why teachers leave, taken in turn: mostly distance and pay. */
const LEAVE_ORDER: (typeof LEAVE_REASONS)[number][] = [
  'distance',
  'pay',
  'family',
  'distance',
  'pay',
  'housing',
  'distance',
  'workload',
  'pay',
  'family',
];

type RejectReason = (typeof REJECT_REASONS)[number];
interface Exit {
  stage: string;
  outcome: 'rejected' | 'withdrawn' | 'absent' | null;
  reason: RejectReason | null;
}

/** The dates of one vacancy's selection: shared by its applicants (an exam is one day for everyone). */
interface Schedule {
  opened: Date;
  deadline: Date;
  exam: Date;
  results: Date;
  interview: Date;
  notice: Date;
  noticeEnd: Date;
  offer: Date;
  sign: Date;
}

function scheduleOf(opened: Date, contract: boolean, examShift: number, offerShift: number): Schedule {
  const deadline = plus(opened, 14, 14); // 23:00 on the last registration day
  const exam = plus(opened, 30 + examShift);
  const interview = contract ? plus(opened, 28 + examShift) : plus(exam, 18);
  const notice = plus(interview, 20);
  const noticeEnd = plus(notice, 7);
  const offer = contract ? plus(interview, 8 + offerShift) : plus(noticeEnd, 2 + offerShift);
  return {
    opened,
    deadline,
    exam,
    results: plus(exam, 10),
    interview,
    notice,
    noticeEnd,
    offer,
    sign: plus(offer, 10, 1),
  };
}

/**
 * Where each applicant leaves the pipeline, best first: of 100 registered about 75 pass qualification review,
 * 65 sit the written exam, 30 are interviewed, 15 go to the medical, 12 reach the notice; `hires` sign.
 */
function exitsFor(
  rng: Rng,
  owed: Owed,
  pipeline: string,
  applicants: number,
  hires: number,
  headcount: number,
): Exit[] {
  const stages = stagesOf(pipeline);
  const contract = !stages.includes('written_exam');
  // Late withdrawals (another offer taken) about 2 and medical or background failures about 3 per 10 hires.
  const late = owe(owed, 'late', 0.2 * hires);
  const medical = contract ? 0 : owe(owed, 'medical', 0.22 * (hires + late));
  const background = contract ? 0 : owe(owed, 'background', 0.06 * hires);
  const finalists = hires + late + background + medical;
  const early = {
    review: Math.round(applicants * 0.22),
    submitted: Math.round(applicants * 0.03),
    absent: contract ? 0 : Math.round(applicants * 0.08),
    withdrawn: contract ? 0 : Math.round(applicants * 0.02),
  };
  const left = () => applicants - early.review - early.submitted - early.absent - early.withdrawn;
  // Small posts: fewer early exits, so that the finalists exist.
  while (left() < finalists) {
    const key = (['review', 'absent', 'submitted', 'withdrawn'] as const).find((k) => early[k] > 0);
    if (!key) throw new Error(`Demo history: ${applicants} applicants cannot give ${finalists} finalists`);
    early[key] -= 1;
  }
  const sat = left();
  const interviewed = contract
    ? sat
    : Math.min(
        sat,
        Math.max(finalists, Math.ceil(rulesFor(pipeline).interviewRatio * headcount), Math.round(0.28 * sat)),
      );
  const interviewOut = interviewed - finalists;
  const interviewAbsent = interviewOut >= 5 ? 1 : 0;
  const lateStage = () =>
    contract ? 'offer' : rng() < 0.5 ? 'public_notice' : stages.includes('offer') ? 'offer' : 'pre_service_training';
  const of = (n: number, exit: () => Exit) => Array.from({ length: n }, exit);
  return [
    ...of(hires, () => ({ stage: 'signed', outcome: null, reason: null })),
    ...of(late, () => ({ stage: lateStage(), outcome: 'withdrawn', reason: null })),
    ...of(background, () => ({ stage: 'background_check', outcome: 'rejected', reason: 'background' })),
    ...of(medical, () => ({ stage: 'medical', outcome: 'rejected', reason: 'medical' })),
    ...of(interviewOut - interviewAbsent, () => ({ stage: 'interview', outcome: 'rejected', reason: 'score' })),
    ...of(interviewAbsent, () => ({ stage: 'interview', outcome: 'absent', reason: null })),
    ...of(sat - interviewed, () => ({ stage: 'written_exam', outcome: 'rejected', reason: 'score' })),
    ...of(early.absent, () => ({ stage: 'written_exam', outcome: 'absent', reason: null })),
    ...of(early.withdrawn, () => ({ stage: 'written_exam', outcome: 'withdrawn', reason: null })),
    ...of(early.review, () => ({
      stage: 'qualification_review',
      outcome: 'rejected',
      reason: pick<RejectReason>(rng, [
        ['qualification', 15],
        ['documents', 4],
        ['other', 1],
      ]),
    })),
    ...of(early.submitted, () => ({ stage: 'submitted', outcome: 'withdrawn', reason: null })),
  ];
}

/**
 * Rare exits carried over from post to post (error diffusion), so that each year has its share of them however the
 * fractions fall on single posts.
 */
type Owed = Record<'late' | 'medical' | 'background', number>;
function owe(owed: Owed, kind: keyof Owed, expected: number): number {
  owed[kind] += expected;
  const n = Math.floor(owed[kind]);
  owed[kind] -= n;
  return n;
}

/** Scores from `hi` down to `lo`, best first, in half points as score sheets print them. */
function scoresDown(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => Math.round((lo + rng() * (hi - lo)) * 2) / 2).sort((a, b) => b - a);
}

/** 09:00 in Beijing on a calendar day. */
const cst = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day, 1));

interface Hire {
  application: Types.ObjectId;
  teacher: Types.ObjectId;
  name: string;
  channel: Channel;
  sourcePartner: Types.ObjectId | null;
  vacancy: ReturnType<typeof vacancyRecord> & { _id: Types.ObjectId };
  back: number;
  rural: boolean;
}

/**
 * Three recruitment years before `now` (the last one being the year whose September start has passed): announcements,
 * vacancies, candidates with referrals, applications through every stage, notices, and the placements of the hires
 * with mentors and leavers. Check-ins are not written: the check-in job sends only what falls due from now on.
 */
export async function seedHistory(ids: Map<string, Types.ObjectId>, now: Date, passwordHash: string): Promise<void> {
  const rng = mulberry32(20_240_301);
  const cstNow = new Date(now.getTime() + 8 * HOUR);
  const current = cstNow.getUTCFullYear() - (cstNow.getUTCMonth() < 8 ? 1 : 0);
  const key = new Map(ids);
  for (const o of HISTORY_ORGS) key.set(o.key, new Types.ObjectId());
  await Organisation.insertMany(
    HISTORY_ORGS.map((o) => {
      const place = findPlace(o.county);
      if (!place) throw new Error(`Unknown county ${o.county} in demo history`);
      return {
        _id: key.get(o.key),
        name: o.name,
        kind: o.kind,
        province: place.province,
        unitCode: place.unitCode,
        countyCode: place.countyCode,
        verification: { state: 'verified', reason: '', decidedAt: now },
      };
    }),
    { ordered: true },
  );
  await User.insertMany(
    PAIR_STAFF.map(([org, email, name]) => ({
      email,
      name,
      role: 'staff',
      passwordHash,
      emailVerifiedAt: now,
      organisation: key.get(org),
      membership: 'active',
    })),
    { ordered: true },
  );
  const orgs = new Map((await Organisation.find({}).lean<OrganisationDoc[]>()).map((o) => [String(o._id), o] as const));
  const org = (k: string) => orgs.get(String(key.get(k)))!;
  const staffOf = new Map<string, Types.ObjectId>();
  for (const u of await User.find({ role: 'staff' }).select({ organisation: 1 }).lean()) {
    if (u.organisation && !staffOf.has(String(u.organisation))) staffOf.set(String(u.organisation), u._id);
  }

  // Announcements, each with its own exam dates.
  const rounds = new Map<string, { _id: Types.ObjectId; examShift: number; opened: Date }>();
  const announcements = ROUNDS.map(([back, round, issuerKey, month, day, title]) => {
    const year = current - back;
    const issuer = org(issuerKey);
    const opened = cst(year, month, day);
    const examShift = int(rng, 0, 6);
    const s = scheduleOf(opened, false, examShift, 0);
    const _id = new Types.ObjectId();
    rounds.set(`${back}:${round}`, { _id, examShift, opened });
    const drive = (DRIVES as readonly string[]).includes(round);
    return {
      _id,
      issuer: issuer._id,
      issuerName: issuer.name,
      unitCode: issuer.unitCode,
      programme: drive ? 'campus_drive' : round === 'special' ? 'special_post' : 'open_recruitment',
      title: title(year),
      body: drive
        ? `河北省县域中小学携紧缺学科岗位来校招聘，欢迎${year}届毕业生携简历参加。`
        : '报名采取网上报名方式，报考人员只能选择一个岗位报名。笔试、面试成绩按各占50%合成总成绩，按岗位1:1比例确定体检、考察人选。',
      venue: drive ? (VENUES[round] ?? '') : '',
      phases: drive
        ? [{ kind: 'registration', start: opened, end: plus(opened, 20) }]
        : [
            { kind: 'registration', start: opened, end: s.deadline },
            { kind: 'qualification_review', start: plus(opened, 16), end: plus(opened, 20) },
            { kind: 'written_exam', start: s.exam, end: s.exam },
            { kind: 'interview', start: s.interview, end: plus(s.interview, 1) },
            { kind: 'medical', start: plus(s.interview, 8), end: plus(s.interview, 9) },
            { kind: 'public_notice', start: s.notice, end: s.noticeEnd },
          ],
      status: 'closed',
      openedAt: opened,
    };
  });
  await Announcement.insertMany(announcements, { ordered: true });

  const users: Record<string, unknown>[] = [];
  const referrals: Record<string, unknown>[] = [];
  const applications: Record<string, unknown>[] = [];
  const notices: Record<string, unknown>[] = [];
  const vacancies: Hire['vacancy'][] = [];
  const hires: Hire[] = [];
  let people = 0;
  const counters = new Map<number, number>();
  const owed: Owed = { late: 0.5, medical: 0.5, background: 0.5 };

  for (const [back, round, schoolKey, posterKey, stage, subject, postType, headcount, applicants, hired, own] of PLAN) {
    const year = current - back;
    const school = org(schoolKey);
    const place: Place = findPlace(school.countyCode)!;
    const rural = place.countyName.endsWith('县');
    const shortage = isShortage(subject);
    const pipeline =
      postType === 'special_post'
        ? 'special_post'
        : ['contract', 'exchange'].includes(postType)
          ? 'contract'
          : 'open_recruitment';
    const contract = pipeline === 'contract';
    const r = round ? rounds.get(`${back}:${round}`)! : null;
    const drive = round && (DRIVES as readonly string[]).includes(round) ? r : null;
    // A bureau's or the province's round examines everyone on one day; schools at a drive set their own dates.
    const opened = r ? r.opened : cst(year, own?.[0] ?? 3, own?.[1] ?? 25);
    const sched = scheduleOf(
      opened,
      contract,
      r && !drive ? r.examShift : int(rng, 0, 6),
      pick(rng, [
        [0, 2],
        [3, 1],
        [6, 1],
        [10, 1],
      ]),
    );
    const pay: [number, number] = postType === 'silver_age' ? [3000, 3000] : rural ? [3900, 4900] : [5500, 7000];
    const input: VacancyInput = {
      title: `${stageName(stage, 'zh-CN')}${subjectName(subject, 'zh-CN')}教师`,
      schoolId: String(school._id),
      stage,
      subject,
      postType,
      headcount,
      announcementId: r ? String(r._id) : null,
      education: postType === 'silver_age' ? 'college' : stage === 'senior' ? 'master' : 'bachelor',
      certificateType: stage,
      certificateSubjectMatch: ['english', 'music', 'pe', 'art', 'it'].includes(subject),
      acceptExamPass: postType === 'special_post',
      maxAge: postType === 'silver_age' ? 65 : 35,
      mandarinLevel: subject === 'chinese' ? '2A' : '2B',
      freshGraduatesOnly: postType === 'targeted',
      hukouLimit: '',
      payMin: pay[0],
      payMax: pay[1],
      housing: rural,
      ruralSubsidy: rural ? 600 : null,
      benefits: postType === 'special_post' ? '服务期满考核合格可按规定办理入编手续。' : '',
      description:
        `${school.name}招聘${stageName(stage, 'zh-CN')}${subjectName(subject, 'zh-CN')}教师${headcount}名。` +
        `学校位于${place.unitName.zh}${place.countyName}。`,
      deadline: sched.deadline,
      pipeline,
    };
    const vacancy = {
      _id: new Types.ObjectId(),
      ...vacancyRecord(input, org(posterKey ?? schoolKey), school, place, sched.deadline),
      status: hired === headcount ? 'filled' : 'closed',
      openedAt: opened,
      closedAt: sched.deadline,
    };
    vacancies.push(vacancy);

    // Who applies: about half on their own; partners send more to rural shortage posts and to the corridor.
    const channels: Channel[] = Array.from({ length: applicants }, () =>
      drive && rng() < 0.35
        ? 'campaign'
        : pick<Channel>(rng, [
            ['direct', 50],
            ['bnu', rural && shortage ? 20 : 12],
            ['cnu', 17],
            ['tjnu', place.unitCode === '1310' ? 12 : 6],
            ['recommendation', PAIRED[schoolKey] ? 8 : 0],
          ]),
    );
    // Best first: the order in which they take the exits below, from signed down to withdrawn before review.
    const order = weightedOrder(
      rng,
      channels,
      (channel) => STRENGTH[channel] * (channel === 'bnu' && rural && shortage ? 1.4 : 1),
    );
    const exits = exitsFor(rng, owed, pipeline, applicants, hired, headcount);
    const stages = stagesOf(pipeline);
    const at = (s: string) => stages.indexOf(s);
    const sat = exits.filter(
      (e) => at(e.stage) >= at('interview') || (e.stage === 'written_exam' && e.outcome === 'rejected'),
    ).length;
    const interviewed = exits.filter(
      (e) => at(e.stage) > at('interview') || (e.stage === 'interview' && e.outcome === 'rejected'),
    ).length;
    const written = contract ? [] : scoresDown(rng, sat, 52, 92);
    const interview = scoresDown(rng, interviewed, 62, 95);
    const noticeEntries: Record<string, unknown>[] = [];
    let signedSoFar = 0;

    for (const [k, channel] of order.entries()) {
      const exit = exits[k]!;
      people += 1;
      const n = (counters.get(year) ?? 0) + 1;
      counters.set(year, n);
      // 300 distinct names (a step coprime to 300 walks every surname × given-name pair) before any repeats.
      const combo = (people * 7) % (SURNAMES.length * GIVEN.length);
      const name = `${SURNAMES.charAt(combo % SURNAMES.length)}${GIVEN[Math.floor(combo / SURNAMES.length)]!}`;
      const email = `hist${year}.${n}@demo.teachbridge.cn`;
      const userId = new Types.ObjectId();
      const appId = new Types.ObjectId();
      const submittedAt = plus(opened, int(rng, 0, 13), int(rng, 0, 13));
      users.push({
        _id: userId,
        email,
        name,
        role: 'candidate',
        passwordHash,
        emailVerifiedAt: plus(submittedAt, 0, -1),
      });

      // The partner behind the application, and the referral that ties it to them.
      const partnerKey =
        channel === 'direct'
          ? null
          : channel === 'recommendation'
            ? PAIRED[schoolKey]!
            : channel === 'campaign'
              ? round!
              : channel;
      const partner = partnerKey ? org(partnerKey) : null;
      let referral: Types.ObjectId | null = null;
      if (partner) {
        referral = new Types.ObjectId();
        // Signed up at the drive (at most a day before applying), or invited by the careers office weeks before.
        const invitedAt =
          channel === 'campaign'
            ? new Date(Math.max(opened.getTime(), plus(submittedAt, -1).getTime()))
            : plus(submittedAt, -int(rng, 7, 40));
        const claimedAt = channel === 'campaign' ? invitedAt : plus(invitedAt, int(rng, 1, 3));
        referrals.push({
          _id: referral,
          partner: partner._id,
          partnerName: partner.name,
          // A drive sign-up refers itself, as the quick registration records it.
          referredBy: channel === 'campaign' ? userId : staffOf.get(String(partner._id)),
          name,
          email,
          major: channel === 'recommendation' ? '' : (MAJORS[subject] ?? ''),
          graduationYear: channel === 'recommendation' ? year - int(rng, 1, 4) : rng() < 0.8 ? year : year - 1,
          degree: stage === 'senior' || rng() < 0.15 ? 'master' : 'bachelor',
          subjects: [subject],
          stages: [stage],
          drive: channel === 'campaign' ? drive!._id : null,
          invitedAt,
          expiresAt: channel === 'campaign' ? invitedAt : plus(invitedAt, 30),
          candidate: userId,
          claimedAt,
          consent: rng() < 0.35 ? 'details' : 'status',
          consentAt: claimedAt,
          recommendations:
            channel === 'recommendation'
              ? [
                  {
                    vacancy: vacancy._id,
                    title: vacancy.title,
                    at: plus(submittedAt, -int(rng, 2, 5)),
                    application: appId,
                  },
                ]
              : [],
        });
      }

      // The history: one entry per stage reached, then the way out if it left sideways.
      const reached = stages.slice(0, at(exit.stage) + 1);
      const review = plus(opened, 16 + int(rng, 0, 4), int(rng, 0, 7));
      const writtenEntry = plus(review, int(rng, 1, 3));
      const hour = int(rng, 0, 7);
      const signAt = signedSoFar === 0 ? sched.sign : plus(sched.sign, int(rng, 1, 8), hour);
      const entryAt: Record<string, Date> = {
        submitted: submittedAt,
        qualification_review: review,
        written_exam: writtenEntry,
        interview: contract ? plus(review, int(rng, 2, 4)) : plus(sched.results, 0, hour),
        medical: plus(sched.interview, 3, hour),
        background_check: plus(sched.interview, 12, hour),
        public_notice: sched.notice,
        offer: plus(sched.offer, 0, hour),
        pre_service_training: plus(sched.offer, 0, hour),
        signed: signAt,
      };
      const leftAt = (): Date => {
        switch (exit.stage) {
          case 'submitted':
            return plus(submittedAt, int(rng, 1, 3));
          case 'qualification_review':
            return plus(review, 1);
          case 'written_exam':
            return exit.outcome === 'withdrawn'
              ? plus(writtenEntry, int(rng, 2, 5))
              : exit.outcome === 'absent'
                ? plus(sched.exam, 0, 8)
                : plus(sched.results, 0, hour);
          case 'interview':
            return exit.outcome === 'absent' ? plus(sched.interview, 0, hour) : plus(sched.interview, 3, hour);
          case 'medical':
            return plus(sched.interview, 11, hour);
          case 'background_check':
            return plus(sched.interview, 17, hour);
          default: // withdrawn from the notice, the offer or training
            return plus(entryAt[exit.stage]!, int(rng, 2, 4));
        }
      };
      const exitAt = exit.outcome ? leftAt() : null;
      const history = [
        ...reached.map((s, i) => ({ at: entryAt[s]!, by: null, from: i ? reached[i - 1] : null, to: s, note: '' })),
        ...(exit.outcome ? [{ at: exitAt, by: null, from: exit.stage, to: exit.outcome, note: '' }] : []),
      ];
      const sits =
        !contract &&
        (at(exit.stage) >= at('interview') || (exit.stage === 'written_exam' && exit.outcome === 'rejected'));
      const heard = at(exit.stage) > at('interview') || (exit.stage === 'interview' && exit.outcome === 'rejected');
      const w = sits ? (written.shift() ?? null) : null;
      const iv = heard ? (interview.shift() ?? null) : null;
      const signed = exit.stage === 'signed';
      const offered = stages.includes('offer') && at(exit.stage) >= at('offer');
      applications.push({
        _id: appId,
        vacancy: vacancy._id,
        candidate: userId,
        postedBy: vacancy.postedBy,
        school: vacancy.school,
        announcement: vacancy.announcement,
        unitCode: vacancy.unitCode,
        pipeline,
        source: channel === 'direct' ? 'direct' : ['bnu', 'cnu', 'tjnu'].includes(channel) ? 'referral' : channel,
        sourcePartner: partner?._id ?? null,
        sourcePartnerName: partner?.name ?? '',
        referral,
        stage: exit.stage,
        outcome: exit.outcome,
        rejectReason: exit.reason,
        version: history.length - 1,
        consentAt: submittedAt,
        eligibility: { outcome: 'eligible', checks: [] },
        snapshot: { legalName: name },
        scores: { written: w, interview: iv, total: total(pipeline, w, iv) },
        offer: {
          acceptedAt: offered && signed ? plus(entryAt.offer!, int(rng, 1, 3)) : null,
          declinedAt: exit.stage === 'offer' && exit.outcome === 'withdrawn' ? exitAt : null,
        },
        contractDate: signed ? signAt : null,
        history,
        submittedAt,
      });
      if (at('public_notice') >= 0 && at(exit.stage) >= at('public_notice')) {
        noticeEntries.push({
          application: appId,
          maskedName: maskName(name),
          written: w,
          interview: iv,
          total: total(pipeline, w, iv),
        });
      }
      if (signed) {
        signedSoFar += 1;
        hires.push({
          application: appId,
          teacher: userId,
          name,
          channel,
          sourcePartner: partner?._id ?? null,
          vacancy,
          back,
          rural,
        });
      }
    }
    if (noticeEntries.length > 0) {
      notices.push({
        vacancy: vacancy._id,
        postedBy: vacancy.postedBy,
        title: vacancy.title,
        schoolName: vacancy.schoolName,
        publishScores: true,
        entries: noticeEntries,
        publishedAt: sched.notice,
        endsAt: sched.noticeEnd,
      });
    }
  }

  await User.insertMany(users, { ordered: true });
  await Vacancy.insertMany(vacancies, { ordered: true });
  await Referral.insertMany(referrals, { ordered: true });
  await Application.insertMany(applications, { ordered: true });
  await Notice.insertMany(notices, { ordered: true });
  await seedHistoryPlacements(rng, key, hires, now, current);
}

/**
 * The placements of the history's hires. Teachers with a mentor stay clearly better (about 90% after one year, 80%
 * after two) than those without (65%, 50%); contract and exchange posts lose more; leavers go 3–22 months in.
 */
async function seedHistoryPlacements(
  rng: Rng,
  key: Map<string, Types.ObjectId>,
  hires: Hire[],
  now: Date,
  current: number,
) {
  const mentored = new Set(hires.filter((h) => rng() < MENTORED[h.channel]));
  const left = new Map<Hire, { months: number; transferred: boolean }>();
  for (const back of [2, 1]) {
    for (const group of [true, false]) {
      const cohort = hires.filter((h) => h.back === back && mentored.has(h) === group);
      // Riskiest first, with enough noise that not every contract teacher leaves; tjnu's graduates stay longest.
      const order = cohort
        .map((h) => ({
          h,
          risk:
            (RISK[h.vacancy.postType] ?? 1) *
            (h.channel === 'tjnu' ? 0.35 : h.channel === 'cnu' ? 1.3 : 1) *
            (h.rural ? 1.15 : 1) *
            (0.6 + 0.8 * rng()),
        }))
        .sort((a, b) => b.risk - a.risk)
        .map((x) => x.h);
      // Counted on the cumulative share, so that small groups still land near the planned rates.
      const firstYear = Math.round(cohort.length * (group ? 0.1 : 0.4));
      const byTwo = back === 2 ? (group ? 0.2 : 0.52) : group ? 0.1 : 0.45;
      const secondYear = Math.max(0, Math.round(cohort.length * byTwo) - firstYear);
      order
        .slice(0, firstYear)
        .forEach((h, i) => left.set(h, { months: int(rng, 3, 11), transferred: !group && i === 1 }));
      // A one-year commitment (silver age) was served out by then: nobody leaves it in the second year.
      order
        .slice(firstYear)
        .filter((h) => postTypeYears(h.vacancy.postType) !== 1)
        .slice(0, secondYear)
        .forEach((h, i) =>
          left.set(h, { months: back === 2 ? int(rng, 12, 22) : 12, transferred: back === 2 && i === 0 && !group }),
        );
    }
  }

  // Mentors: those of the demo with room (八十中's stay free for 张北二中), then new ones as needed.
  const mentors: { _id: Types.ObjectId; name: string; organisationName: string; subject: string; capacity: number }[] =
    (await Mentor.find({}).lean()).filter((m) => String(m.organisation) !== String(key.get('bj80')));
  const used = new Map<string, Set<number>>();
  for (const s of await MentorSlot.find({}).lean()) {
    const [mentorId, n] = s._id.split(':');
    used.set(mentorId!, (used.get(mentorId!) ?? new Set()).add(Number(n)));
  }
  const orgNames = new Map(
    (await Organisation.find({}).select({ name: 1 }).lean()).map((o) => [String(o._id), o.name] as const),
  );
  const created: Record<string, unknown>[] = [];
  const slots: { _id: string; mentor: Types.ObjectId; placement: Types.ObjectId }[] = [];
  const newMentor = (subject: string, stage: string) => {
    const k = created.length;
    const organisation = key.get(MENTOR_SCHOOLS[k % MENTOR_SCHOOLS.length]!)!;
    const m = {
      _id: new Types.ObjectId(),
      organisation,
      organisationName: orgNames.get(String(organisation)) ?? '',
      name: MENTOR_NAMES[k] ?? `${SURNAMES.charAt((k * 3) % SURNAMES.length)}${GIVEN[k % GIVEN.length]!}`,
      email: `mentor.h${k + 1}@demo.teachbridge.cn`,
      subject,
      stage,
      capacity: 3,
      active: true,
    };
    created.push(m);
    mentors.push(m);
    return m;
  };
  const mentorFor = (h: Hire, inPost: boolean) => {
    const same = mentors.filter((m) => m.subject === h.vacancy.subject);
    if (!inPost) return same[int(rng, 0, same.length - 1)] ?? newMentor(h.vacancy.subject, h.vacancy.stage);
    const free = same.find((m) => (used.get(String(m._id))?.size ?? 0) < m.capacity);
    return free ?? newMentor(h.vacancy.subject, h.vacancy.stage);
  };

  let leavers = 0;
  const placements = hires.map((h) => {
    const year = current - h.back;
    const start = new Date(Date.UTC(year, 8, 1) - 8 * HOUR); // 1 September, Beijing time
    const commitmentYears = postTypeYears(h.vacancy.postType);
    const leaving = left.get(h);
    const leftAt = leaving
      ? new Date(Math.min(plus(addMonths(start, leaving.months), int(rng, 0, 20)).getTime(), plus(now, -3).getTime()))
      : null;
    const status: (typeof PLACEMENT_STATES)[number] = leaving
      ? leaving.transferred
        ? 'transferred'
        : 'left_early'
      : commitmentYears === 1 && addMonths(start, 12) <= now
        ? 'completed'
        : 'active';
    const inPost = status === 'active';
    const mentor = mentored.has(h) ? mentorFor(h, inPost) : null;
    const _id = new Types.ObjectId();
    if (mentor && inPost) {
      const taken = used.get(String(mentor._id)) ?? new Set<number>();
      let n = 0;
      while (taken.has(n)) n += 1;
      used.set(String(mentor._id), taken.add(n));
      slots.push({ _id: `${mentor._id}:${n}`, mentor: mentor._id, placement: _id });
    }
    return {
      _id,
      ...placementOf(
        h.vacancy,
        { teacher: { _id: h.teacher }, application: { _id: h.application }, name: h.name },
        start,
      ),
      sourcePartner: h.sourcePartner,
      commitmentYears,
      status,
      leftAt,
      leaveReason: status === 'left_early' ? LEAVE_ORDER[leavers++ % LEAVE_ORDER.length]! : null,
      mentor: mentor?._id ?? null,
      mentorName: mentor ? `${mentor.name}（${mentor.organisationName}）` : '',
      checklist: CHECKLIST.map((c) => {
        const dueAt = plus(start, c.days);
        return { key: c.key, dueAt, doneAt: dueAt, doneBy: '人事处' };
      }),
      // Recorded now: the check-in job sends only check-ins falling due from here on, not the whole past.
      createdAt: now,
      updatedAt: now,
    };
  });
  await Mentor.insertMany(created, { ordered: true });
  await Placement.insertMany(placements, { ordered: true });
  await MentorSlot.insertMany(slots, { ordered: true });
}
