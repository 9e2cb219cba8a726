// Data at regional scale, for the benchmark and for trying the app under a realistic load:
// `npm run seed:scale -- --vacancies 20000 --candidates 50000 --applications 200000 [--seed 1] [--fresh]`.
// Schools in every Hebei county, vacancies along their lifecycle, candidates with profiles and referrals, and
// applications along the pipeline, built with the app's own record rules and written in batches straight to the
// collections: the embedded engine inserts fast in batches and scans for nearly everything else, so nothing is read
// back while seeding.
import crypto from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { Announcement } from '../models/Announcement';
import { Application, Notice, type REJECT_REASONS } from '../models/Application';
import { CandidateProfile, type ProfileDoc } from '../models/CandidateProfile';
import { Organisation } from '../models/Organisation';
import { Placement } from '../models/Placement';
import type { EDUCATION_LEVELS, MANDARIN_LEVELS, PIPELINES } from '../models/Posting';
import { Referral } from '../models/Referral';
import { User } from '../models/User';
import { Vacancy } from '../models/Vacancy';
import { Passwords } from '../server/auth/passwords';
import { loadConfig, type Config } from '../server/config';
import { FieldCipher } from '../server/crypto';
import { fromProfile, stagesOf } from '../server/services/applications';
import { evaluateEligibility, type Eligibility, type Requirements } from '../server/services/eligibility';
import { checkDigit } from '../server/services/idcard';
import { CHECKLIST, addMonths } from '../server/services/placements';
import { consentRecord } from '../server/services/privacy';
import { countiesOf, findPlace, hebeiUnits, isRuralCounty, type Place } from '../server/services/regions';
import { maskName, places, total } from '../server/services/selection';
import {
  isShortage,
  postTypeYears,
  stageName,
  subject as subjectOf,
  SUBJECT_KEYS,
  subjectName,
} from '../server/services/taxonomy';
import { recoveryHash } from '../server/services/twoFactor';
import { vacancyRecord, type VacancyInput } from '../server/services/vacancies';
import { FsStore, GridFsStore, type FileStore } from '../server/storage';
import { DEMO_PASSWORD, DEMO_RECOVERY_CODES, DEMO_TOTP_SECRET } from './seed';
import { touchCatalogue } from '../models/CatalogueStamp';
import { mulberry32, type Rng } from './seedHistory';

/** The accounts the benchmark signs in with (password DEMO_PASSWORD; the coordinator's second factor DEMO_TOTP_SECRET). */
export const SCALE_ACCOUNTS = {
  /** Active, verified staff of a verified Hebei school that owns one open vacancy with exactly 500 applications. */
  staff: 'bench.hr@scale.teachbridge.cn',
  /** A candidate with a complete profile and 10 applications in various stages. */
  candidate: 'bench.candidate@scale.teachbridge.cn',
  /** A regional coordinator (whole region), enrolled in two-step verification like the demo coordinators. */
  coordinator: 'bench.coordinator@scale.teachbridge.cn',
} as const;

export interface ScaleOptions {
  vacancies: number;
  /** Candidate accounts, the benchmark candidate included. */
  candidates: number;
  /** Applications, the pipeline vacancy's 500 and the benchmark candidate's 10 included. */
  applications: number;
  /** Seed of the pseudo-random generator: the same seed gives the same data (1 by default). */
  seed?: number;
  /** Phase summaries, one line each. */
  log?: (line: string) => void;
  /** A progress bar per phase on stderr. */
  progress?: boolean;
  /** Drop a database that holds data first (otherwise such a database is refused). */
  fresh?: boolean;
  /** The moment every date is relative to (default: now). */
  now?: Date;
  /**
   * The app's password cost, data key (it encrypts ID numbers and the coordinators' authenticator keys) and file
   * store; by default the configuration from the environment, as the app itself would read it.
   */
  config?: Pick<Config, 'argon2' | 'dataKey' | 'dataDir' | 'storage'>;
}

export interface ScaleResult {
  /** The benchmark school's open vacancy with 500 applications. */
  pipelineVacancyId: string;
  /** An ordinary open vacancy, for the vacancy page. */
  sampleVacancyId: string;
  /** Wall time of each phase, in milliseconds. */
  timings: Record<string, number>;
}

/** The pipeline vacancy's applicants plus the benchmark candidate's applications. */
const PIPELINE_APPLICANTS = 500;
const CANDIDATE_APPLICATIONS = 10;
const BATCH = 1000;
const DOMAIN = 'scale.teachbridge.cn';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class ScaleSeedError extends Error {}

/** Seeds the connected database (mongoose already connected, indexes built). */
export async function seedScale(opts: ScaleOptions): Promise<ScaleResult> {
  const { vacancies, candidates, applications } = opts;
  for (const [name, n] of Object.entries({ vacancies, candidates, applications })) {
    if (!Number.isInteger(n) || n < 0) throw new ScaleSeedError(`--${name} must be a whole number, not ${n}.`);
  }
  if (vacancies < 20) throw new ScaleSeedError('--vacancies must be at least 20.');
  if (candidates < PIPELINE_APPLICANTS + 1) {
    throw new ScaleSeedError(
      `--candidates must be at least ${PIPELINE_APPLICANTS + 1} (the pipeline vacancy has 500).`,
    );
  }
  if (applications < PIPELINE_APPLICANTS + CANDIDATE_APPLICATIONS) {
    throw new ScaleSeedError(`--applications must be at least ${PIPELINE_APPLICANTS + CANDIDATE_APPLICATIONS}.`);
  }
  await makeRoom(Boolean(opts.fresh));
  const config = opts.config ?? loadConfig();
  const result = await new ScaleSeed(opts, config).run();
  // Written straight to the collections: tell running instances that the public catalogue changed.
  await touchCatalogue();
  return result;
}

/** Refuses a database that holds data, or (with fresh) drops it and builds the indexes again. */
async function makeRoom(fresh: boolean) {
  const models = [User, Organisation, Vacancy, Application];
  const counts = await Promise.all(models.map((m) => m.estimatedDocumentCount()));
  if (counts.every((n) => n === 0)) return;
  if (!fresh) {
    const held = models.map((m, i) => `${counts[i]} ${m.collection.collectionName}`).join(', ');
    throw new ScaleSeedError(
      `The database already holds data (${held}). seed:scale only writes into an empty database: ` +
        'run it with --fresh to drop this database first.',
    );
  }
  await mongoose.connection.dropDatabase();
  // Model.init() ran once per process and will not build the indexes again: ask each model directly.
  await Promise.all(Object.values(mongoose.models).map((m) => m.createIndexes()));
}

// ---------------------------------------------------------------------------------------------------------------
// Randomness and ids

/** Draws an index in proportion to its weight: cumulative sums and a binary search. */
class Sampler {
  private readonly cum: Float64Array;
  constructor(
    weights: readonly number[],
    readonly items: readonly number[] = weights.map((_, i) => i),
  ) {
    this.cum = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += Math.max(0, w);
      this.cum[i] = sum;
    });
  }

  get size() {
    return this.items.length;
  }

  draw(rng: Rng): number {
    const target = rng() * this.cum[this.cum.length - 1]!;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/**
 * ObjectIds from the record's own date and a counter, so that a seed gives the same ids and `_id` order follows
 * creation order (the job board breaks ties on `_id`).
 */
class Ids {
  private counter = 0;
  private readonly middle: Buffer;
  constructor(seed: number) {
    this.middle = crypto.createHash('sha256').update(`teachbridge-scale:${seed}`).digest().subarray(0, 5);
  }

  next(at: Date | number): Types.ObjectId {
    if (this.counter > 0xffffff) throw new ScaleSeedError('More than 16 million records: the id counter is spent.');
    const bytes = Buffer.alloc(12);
    bytes.writeUInt32BE(Math.max(0, Math.floor(Number(at) / 1000)) >>> 0, 0);
    this.middle.copy(bytes, 4);
    bytes.writeUIntBE(this.counter, 9, 3);
    this.counter += 1;
    return new Types.ObjectId(bytes);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Progress and batched writes

/** One phase: a one-line bar on stderr (count/total, rate, ETA), and its wall time. */
class Phase {
  private readonly started = performance.now();
  private lastDraw = 0;
  private done = 0;
  constructor(
    readonly name: string,
    private total: number,
    private readonly out: ((text: string) => void) | null,
    private readonly tty: boolean,
  ) {}

  grow(n: number) {
    this.total += n;
  }

  add(n: number) {
    this.done += n;
    this.draw(false);
  }

  /** Ends the bar; returns the phase's wall time in milliseconds. */
  finish(): number {
    this.draw(true);
    return performance.now() - this.started;
  }

  private draw(final: boolean) {
    if (!this.out) return;
    const now = performance.now();
    // A terminal redraws its line ten times a second; a log file gets a line every five seconds.
    if (!final && now - this.lastDraw < (this.tty ? 100 : 5000)) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.done / Math.max(seconds, 0.001);
    const share = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(share * 24);
    const tail = final
      ? `${seconds.toFixed(1)} s`
      : `ETA ${rate > 0 ? Math.ceil((this.total - this.done) / rate) : '?'} s`;
    const line =
      `${this.name.padEnd(13)} [${'#'.repeat(filled)}${'.'.repeat(24 - filled)}] ` +
      `${this.done}/${this.total}  ${Math.round(rate)}/s  ${tail}`;
    this.out(this.tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  }
}

type Raw = Record<string, unknown>;

/**
 * Collects records and inserts them a batch at a time, with one batch in flight while the next is built (Node
 * builds, the engine writes: two cores). The first record of every batch is checked against the model: it must
 * validate and already hold every path the schema would default, because these writes bypass Mongoose.
 */
class Writer {
  private batch: Raw[] = [];
  private inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  constructor(
    private readonly modelName: string,
    private readonly phase: () => Phase,
    /** Whether its records count on the phase's bar (a candidate is a user and a profile, counted once). */
    private readonly counted = true,
  ) {}

  async add(doc: Raw) {
    this.batch.push(doc);
    if (this.batch.length >= BATCH) await this.flush();
  }

  async flush() {
    if (this.failure) throw this.failure;
    if (this.batch.length === 0) return;
    const docs = this.batch;
    this.batch = [];
    await checkShape(this.modelName, docs[0]!);
    while (this.inFlight.length >= 2) await this.inFlight.shift();
    const model = mongoose.model(this.modelName);
    const phase = this.phase();
    this.inFlight.push(
      model.collection.insertMany(docs, { ordered: true }).then(
        () => phase.add(this.counted ? docs.length : 0),
        (err: unknown) => {
          this.failure ??= err;
        },
      ),
    );
  }

  async close() {
    await this.flush();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    if (this.failure) throw this.failure;
  }
}

const isRecord = (v: unknown): v is Raw =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !(v instanceof Types.ObjectId) &&
  !Buffer.isBuffer(v);

/** Paths the schema fills in (or casts to a date or an id) that the raw record lacks or holds as something else. */
function shapeProblems(expected: Raw, actual: Raw, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    const have = actual[key];
    if (!(key in actual)) problems.push(`${prefix}${key} missing`);
    else if (value instanceof Date && !(have instanceof Date)) problems.push(`${prefix}${key} is not a Date`);
    else if (value instanceof Types.ObjectId && !(have instanceof Types.ObjectId))
      problems.push(`${prefix}${key} is not an ObjectId`);
    else if (isRecord(value) && isRecord(have)) problems.push(...shapeProblems(value, have, `${prefix}${key}.`));
  }
  return problems;
}

async function checkShape(modelName: string, doc: Raw) {
  const Model = mongoose.model(modelName);
  const hydrated = new Model(doc);
  await hydrated.validate();
  const problems = shapeProblems(hydrated.toObject({ depopulate: true }) as Raw, doc);
  if (problems.length > 0) throw new ScaleSeedError(`seed:scale built a ${modelName} wrongly: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Reference weights (the places, stages, subjects and post types themselves come from the app's reference data)

/** Population in millions (2020 census, roughly): big cities get more schools and posts. */
const UNIT_WEIGHT: Record<string, number> = {
  '1301': 11.2,
  '1302': 7.7,
  '1303': 3.1,
  '1304': 9.4,
  '1305': 7.1,
  '1306': 9.2,
  '1307': 4.1,
  '1308': 3.4,
  '1309': 7.3,
  '1310': 5.5,
  '1311': 4.2,
  '130682': 1.1,
  '130181': 0.6,
  xiongan: 1.2,
};
/** Where Beijing's and Tianjin's paired schools mostly help. */
const BEIJING_AID = ['1306', '1307', '1308', 'xiongan'];
const TIANJIN_AID = ['1303', '1309', '1310', '1311'];
/** Monthly pay floor of a post in a unit's towns (rural posts a little less, plus the rural subsidy). */
const PAY_BASE: Record<string, number> = {
  '1301': 5400,
  '1302': 5200,
  '1303': 5000,
  '1304': 4800,
  '1305': 4600,
  '1306': 4800,
  '1307': 4300,
  '1308': 4200,
  '1309': 4800,
  '1310': 5600,
  '1311': 4500,
  '130682': 4500,
  '130181': 4500,
  xiongan: 6500,
};
const AREA_CODE: Record<string, string> = {
  '1301': '0311',
  '1302': '0315',
  '1303': '0335',
  '1304': '0310',
  '1305': '0319',
  '1306': '0312',
  '1307': '0313',
  '1308': '0314',
  '1309': '0317',
  '1310': '0316',
  '1311': '0318',
  '130682': '0312',
  '130181': '0311',
  xiongan: '0312',
};

/** How often a subject is taught, hence posted (a school needs more Chinese and maths teachers than geography). */
const SUBJECT_WEIGHT: Record<string, number> = {
  chinese: 14,
  math: 13,
  english: 11,
  japanese: 0.4,
  russian: 0.2,
  morality: 4,
  politics: 3,
  science: 4,
  physics: 5,
  chemistry: 4,
  biology: 4,
  history: 4,
  geography: 3.5,
  it: 3,
  general_tech: 1,
  pe: 5,
  music: 4,
  art: 4,
  labor: 1,
  psychology: 2,
  preschool_ed: 30,
  special_ed: 10,
  vocational_major: 25,
};
/** Shortage subjects (as the reference data marks them) are over-represented among open posts and under among filled. */
const SHORTAGE_FACTOR: Record<string, number> = { open: 1.8, closed: 1.3, filled: 0.7 };
const VACANCY_STATUS: [string, number][] = [
  ['open', 72],
  ['closed', 12],
  ['filled', 12],
  ['in_review', 2],
  ['draft', 1],
  ['cancelled', 1],
];

type SchoolKind = 'primary' | 'junior' | 'senior' | 'complete' | 'kindergarten' | 'vocational' | 'special';
const SCHOOL_KINDS: Record<SchoolKind, { stages: string[]; weight: number; posts: number; group: string }> = {
  primary: { stages: ['primary'], weight: 42, posts: 1, group: 'primary' },
  junior: { stages: ['junior'], weight: 24, posts: 1.1, group: 'middle' },
  senior: { stages: ['senior'], weight: 9, posts: 1.1, group: 'middle' },
  complete: { stages: ['junior', 'senior'], weight: 6, posts: 1.6, group: 'middle' },
  kindergarten: { stages: ['preschool'], weight: 11, posts: 0.7, group: 'kindergarten' },
  vocational: { stages: ['vocational'], weight: 5, posts: 0.6, group: 'vocational' },
  special: { stages: ['special'], weight: 3, posts: 0.3, group: 'special' },
};

const UNIVERSITIES: [string, string, string, number][] = [
  ['北京师范大学', '110108', '北京师范大学 学生活动中心一层', 3],
  ['首都师范大学', '110108', '首都师范大学 本部体育馆', 3],
  ['天津师范大学', '120111', '天津师范大学 八里台校区学生就业指导中心', 2.5],
  ['北京体育大学', '110108', '北京体育大学 综合体育馆', 1],
  ['天津职业技术师范大学', '120103', '天津职业技术师范大学 大学生活动中心', 1],
  ['首都体育学院', '110108', '首都体育学院 学生活动中心', 0.8],
];
const BEIJING_DISTRICTS = ['110101', '110102', '110105', '110106', '110108', '110112', '110114', '110115'];
const TIANJIN_DISTRICTS = ['120101', '120102', '120103', '120104', '120111', '120114', '120116'];

const INSTITUTIONS: [string, boolean, number][] = [
  ['河北师范大学', true, 14],
  ['北京师范大学', true, 4],
  ['首都师范大学', true, 5],
  ['天津师范大学', true, 5],
  ['廊坊师范学院', true, 6],
  ['沧州师范学院', true, 6],
  ['唐山师范学院', true, 6],
  ['河北民族师范学院', true, 3],
  ['河北科技师范学院', true, 4],
  ['邢台学院', false, 4],
  ['衡水学院', false, 4],
  ['保定学院', false, 5],
  ['邯郸学院', false, 4],
  ['石家庄学院', false, 4],
  ['张家口学院', false, 3],
  ['河北大学', false, 4],
  ['河北北方学院', false, 2],
];
const COLLEGES = ['石家庄幼儿师范高等专科学校', '保定幼儿师范高等专科学校', '沧州幼儿师范高等专科学校'];
const SPORTS = ['北京体育大学', '天津体育学院', '首都体育学院'];
const MAJORS: Record<string, string> = {
  chinese: '汉语言文学',
  math: '数学与应用数学',
  english: '英语',
  japanese: '日语',
  russian: '俄语',
  morality: '思想政治教育',
  politics: '思想政治教育',
  science: '科学教育',
  physics: '物理学',
  chemistry: '化学',
  biology: '生物科学',
  history: '历史学',
  geography: '地理科学',
  it: '教育技术学',
  general_tech: '教育技术学',
  pe: '体育教育',
  music: '音乐学',
  art: '美术学',
  labor: '劳动教育',
  psychology: '心理学',
  preschool_ed: '学前教育',
  special_ed: '特殊教育',
  vocational_major: '机械设计制造及其自动化',
};
const SURNAMES: [string, number][] = [
  ...[...'王李张刘陈'].map((s): [string, number] => [s, 6]),
  ...[...'杨赵黄周吴徐孙胡朱高林何郭马'].map((s): [string, number] => [s, 1.5]),
  ...[
    ...'罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎田任姜范方石姚谭邹金郝孔白崔康毛邱秦史侯孟段雷钱尹常武乔贺',
  ].map((s): [string, number] => [s, 0.4]),
];
const GIVEN = {
  male: [...'浩宇轩俊杰豪明哲志强建国伟博文涛磊鹏飞航翔晨阳睿泽铭凯'],
  female: [...'欣怡梓涵雨萱诗琪佳思婷晓雪静慧敏丽娜婧颖悦彤璐妍若曦可馨'],
};
const STATEMENTS = [
  '',
  '',
  '愿意扎根乡村，长期从事一线教学。',
  '有两年支教经历，熟悉农村学校的教学。',
  '实习期间获评优秀实习生，擅长信息化教学。',
  '家在本县，希望回乡任教。',
  '服从学校安排，可兼任班主任。',
];
const ROADS = ['建设路', '人民路', '胜利路', '新华路', '育才路', '光明街', '文化路', '振兴路', '学府路', '团结路'];

/** The certificate a post of each stage asks for (none for special education: no such certificate exists). */
const CERTIFICATE_FOR: Record<string, string> = {
  preschool: 'preschool',
  primary: 'primary',
  junior: 'junior',
  senior: 'senior',
  vocational: 'vocational',
};

type RejectReason = (typeof REJECT_REASONS)[number];
type Outcome = 'rejected' | 'withdrawn' | 'absent';
type Channel = 'direct' | 'referral' | 'campaign' | 'recommendation';

// ---------------------------------------------------------------------------------------------------------------
// What the generator keeps in memory while it writes

interface OrgRec {
  _id: Types.ObjectId;
  name: string;
  province: 'hebei' | 'beijing' | 'tianjin';
  place: Place;
  staff: Types.ObjectId;
  staffName: string;
}
interface SchoolRec extends OrgRec {
  kind: SchoolKind;
  rural: boolean;
  alliances: 'twl'[];
  /** Index into `pairs` (the Beijing/Tianjin school it is paired with), or -1. */
  pair: number;
}
interface DriveRec {
  _id: Types.ObjectId;
  university: number;
  openedAt: Date;
}
interface VacancyRec {
  _id: Types.ObjectId;
  school: SchoolRec;
  postedBy: Types.ObjectId;
  posterStaff: Types.ObjectId;
  announcement: Types.ObjectId | null;
  title: string;
  stage: string;
  subject: string;
  postType: string;
  pipeline: string;
  headcount: number;
  status: string;
  openedAt: Date | null;
  deadline: Date;
  requirements: Requirements;
}
interface Profile {
  legalName: string;
  idCipher: string;
  idHash: string;
  gender: 'male' | 'female';
  birthDate: Date;
  phone: string;
  education: {
    institution: string;
    level: (typeof EDUCATION_LEVELS)[number];
    major: string;
    graduationDate: Date;
    fullTime: boolean;
    normalUniversity: boolean;
  }[];
  certificates: { type: string; subject: string; number: string; pending: boolean; expectedDate: Date | null }[];
  mandarinLevel: (typeof MANDARIN_LEVELS)[number];
  stages: string[];
  subjects: string[];
  preferredUnits: string[];
  availableFrom: Date | null;
  documents: { id: string; kind: 'cv' | 'photo'; name: string; mime: string; size: number; uploadedAt: Date }[];
}
interface CandidateRec {
  _id: Types.ObjectId;
  email: string;
  kind: 'fresh' | 'working' | 'retired';
  createdAt: Date;
  profile: Profile;
  /** What applications carry from the profile (computed once). */
  shared: ReturnType<typeof fromProfile>;
  channel: Channel;
  referral: ReferralRec | null;
}
interface ReferralRec {
  _id: Types.ObjectId;
  partner: OrgRec;
  /** For a paired school's referral: its index in `pairs`. */
  pair: number;
  drive: DriveRec | null;
  invitedAt: Date;
  claimedAt: Date;
  recommendations: { vacancy: Types.ObjectId; title: string; at: Date; application: Types.ObjectId }[];
}
interface Forced {
  stage: string;
  outcome?: Outcome;
  reason?: RejectReason;
}

const chineseNumber = (n: number): string => {
  const digits = '零一二三四五六七八九';
  if (n >= 100) return String(n);
  if (n < 10) return digits[n]!;
  const tens = Math.floor(n / 10);
  return `${tens > 1 ? digits[tens] : ''}十${n % 10 ? digits[n % 10] : ''}`;
};

/** How many schools a county has relative to its city's others: development zones have few. */
function countyFactor(name: string): number {
  if (/(开发区|新区|管理区|新城|园区)$/.test(name)) return 0.25;
  if (name.endsWith('县')) return 1.1;
  if (name.endsWith('区')) return 0.9;
  return 1;
}

class ScaleSeed {
  private readonly rng: Rng;
  private readonly ids: Ids;
  private readonly now: Date;
  private readonly nowMs: number;
  private readonly log: (line: string) => void;
  private readonly cipher: FieldCipher;
  private readonly out: ((text: string) => void) | null;
  private readonly tty: boolean;
  private readonly timings: Record<string, number> = {};
  private phase!: Phase;
  /** A remark for the phase's summary line (printed after its bar, so the two never share a line). */
  private note = '';
  private passwordHash = '';

  private readonly places: { place: Place; weight: number; rural: boolean }[] = [];
  private placeSampler!: Sampler;
  private readonly schools: SchoolRec[] = [];
  private readonly pairs: (OrgRec & { schools: number[] })[] = [];
  private readonly universities: OrgRec[] = [];
  private readonly bureaus = new Map<string, OrgRec>();
  private readonly rounds = new Map<string, { _id: Types.ObjectId; openedAt: Date; end: Date }>();
  private specialRound!: { _id: Types.ObjectId; openedAt: Date; end: Date };
  private readonly drives: DriveRec[] = [];
  private benchSchool!: SchoolRec;
  private regionCoordinator!: Types.ObjectId;

  private readonly vacancies: VacancyRec[] = [];
  private readonly candidates: CandidateRec[] = [];
  private readonly idBodies = new Set<string>();

  // Per vacancy: applications so far, and the places taken at each gate.
  private appsPer!: Int32Array;
  private interviewTaken!: Int32Array;
  private finalTaken!: Int32Array;
  private readonly pairsUsed = new Set<number>();
  private readonly notices = new Map<number, { publishedAt: number; entries: Raw[] }>();
  private readonly placements: Raw[] = [];

  constructor(
    private readonly opts: ScaleOptions,
    private readonly config: Pick<Config, 'argon2' | 'dataKey' | 'dataDir' | 'storage'>,
  ) {
    const seed = opts.seed ?? 1;
    this.rng = mulberry32(seed * 2_654_435_761 + 97);
    this.ids = new Ids(seed);
    this.now = opts.now ?? new Date();
    this.nowMs = this.now.getTime();
    this.log = opts.log ?? (() => {});
    this.cipher = new FieldCipher(config.dataKey);
    this.out = opts.progress ? (text) => process.stderr.write(text) : null;
    this.tty = Boolean(process.stderr.isTTY);
  }

  async run(): Promise<ScaleResult> {
    this.passwordHash = await new Passwords(this.config.argon2).hash(DEMO_PASSWORD);
    await this.step('organisations', 0, () => this.organisations());
    await this.step('vacancies', this.opts.vacancies, () => this.makeVacancies());
    await this.step('candidates', this.opts.candidates, () => this.makeCandidates());
    await this.step('applications', this.opts.applications, () => this.makeApplications());
    await this.step('follow-ups', 0, () => this.followUps());
    return {
      pipelineVacancyId: String(this.vacancies[0]!._id),
      sampleVacancyId: String(this.sampleVacancy()._id),
      timings: this.timings,
    };
  }

  private async step(name: string, total: number, work: () => Promise<void>) {
    this.phase = new Phase(name, total, this.out, this.tty);
    await work();
    const ms = this.phase.finish();
    this.timings[name] = Math.round(ms);
    this.log(`${name}: ${(ms / 1000).toFixed(1)} s${this.note ? ` (${this.note})` : ''}`);
    this.note = '';
  }

  private writer(model: { modelName: string }, counted = true) {
    return new Writer(model.modelName, () => this.phase, counted);
  }

  // --- small helpers -------------------------------------------------------------------------------------------

  private int(lo: number, hi: number) {
    return lo + Math.floor(this.rng() * (hi - lo + 1));
  }

  private pick<T>(weighted: readonly (readonly [T, number])[]): T {
    let r = this.rng() * weighted.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of weighted) {
      r -= w;
      if (r < 0) return item;
    }
    return weighted[weighted.length - 1]![0];
  }

  private one<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  private gauss() {
    return Math.sqrt(-2 * Math.log(1 - this.rng())) * Math.cos(2 * Math.PI * this.rng());
  }

  private ago(days: number, hours = 0) {
    return new Date(this.nowMs - days * DAY - hours * HOUR);
  }

  private personName(gender: 'male' | 'female') {
    const pool = GIVEN[gender];
    const given = this.rng() < 0.3 ? this.one(pool) : `${this.one(pool)}${this.one(pool)}`;
    return `${this.pick(SURNAMES)}${given}`;
  }

  private mobile() {
    return `1${this.one(['3', '5', '7', '8', '9'])}${String(this.int(0, 999_999_999)).padStart(9, '0')}`;
  }

  private user(fields: {
    _id: Types.ObjectId;
    email: string;
    name: string;
    role: 'candidate' | 'staff' | 'coordinator';
    createdAt: Date;
    organisation?: Types.ObjectId | null;
    scopeUnit?: string | null;
    locale?: 'zh-CN' | 'en';
  }): Raw {
    const { createdAt } = fields;
    const coordinator = fields.role === 'coordinator';
    const lastLoginAt = new Date(Math.max(createdAt.getTime(), this.nowMs - this.rng() * 45 * DAY));
    return {
      _id: fields._id,
      email: fields.email,
      name: fields.name,
      passwordHash: this.passwordHash,
      role: fields.role,
      locale: fields.locale ?? 'zh-CN',
      emailVerifiedAt: new Date(createdAt.getTime() + (5 + this.rng() * 55) * 60_000),
      organisation: fields.organisation ?? null,
      membership: fields.organisation ? 'active' : null,
      scopeUnit: fields.scopeUnit ?? null,
      applicationMail: 'each',
      // Signed in lately, so that the retention job (which anonymises long-unused candidates) leaves them alone.
      lastLoginAt,
      sessionVersion: 0,
      erasedAt: null,
      inactivityWarnedAt: null,
      // Accepted the current privacy notice (and candidates the ID-number consent), as the demo users have.
      consents:
        fields.role === 'candidate'
          ? [consentRecord('privacy', createdAt), consentRecord('sensitive', createdAt)]
          : [consentRecord('privacy', createdAt)],
      // Coordinators are enrolled in two-step verification exactly as the demo coordinators are.
      totp: {
        secret: coordinator ? this.cipher.encrypt(DEMO_TOTP_SECRET) : null,
        pendingSecret: null,
        enabledAt: coordinator ? createdAt : null,
        recovery: coordinator ? DEMO_RECOVERY_CODES.map(recoveryHash) : [],
      },
      createdAt,
      updatedAt: lastLoginAt,
      __v: 0,
    };
  }

  private organisation(
    rec: OrgRec,
    fields: { kind: 'school' | 'university' | 'bureau'; pairedWith?: Types.ObjectId[]; alliances?: string[] },
  ): Raw {
    const createdAt = this.ago(this.int(400, 1100), this.int(0, 23));
    const decidedAt = new Date(createdAt.getTime() + this.int(1, 6) * DAY);
    const area = AREA_CODE[rec.place.unitCode] ?? (rec.province === 'beijing' ? '010' : '022');
    return {
      _id: rec._id,
      name: rec.name,
      kind: fields.kind,
      sponsorType: null,
      province: rec.province,
      unitCode: rec.place.unitCode,
      countyCode: rec.place.countyCode,
      address: `${rec.place.countyName}${this.one(ROADS)}${this.int(1, 299)}号`,
      contactName: rec.staffName.split(' ').pop() ?? '',
      contactPhone: `${area}-${this.int(2_000_000, 8_999_999)}`,
      contactEmail: '',
      parent: null,
      pairedWith: fields.pairedWith ?? [],
      alliances: fields.alliances ?? [],
      checklistTemplate: [],
      verification: { state: 'verified', reason: '', decidedBy: this.regionCoordinator, decidedAt },
      createdBy: rec.staff,
      createdAt,
      updatedAt: decidedAt,
      __v: 0,
    };
  }

  // --- organisations, staff, coordinators, announcements -----------------------------------------------------

  private async organisations() {
    const orgs = this.writer(Organisation);
    const users = this.writer(User);
    const announcements = this.writer(Announcement);
    const staffUser = (org: OrgRec, email: string) =>
      users.add(
        this.user({
          _id: org.staff,
          email,
          name: org.staffName,
          role: 'staff',
          organisation: org._id,
          createdAt: this.ago(this.int(300, 900)),
        }),
      );

    // Coordinators first: the organisations record who verified them.
    this.regionCoordinator = this.ids.next(this.ago(1200));
    await users.add(
      this.user({
        _id: this.regionCoordinator,
        email: SCALE_ACCOUNTS.coordinator,
        name: '京津冀教育协同办 基准测试协调员',
        role: 'coordinator',
        scopeUnit: null,
        createdAt: this.ago(1200),
      }),
    );
    for (const unit of hebeiUnits('zh-CN')) {
      await users.add(
        this.user({
          _id: this.ids.next(this.ago(1100)),
          email: `coordinator.${unit.code}@${DOMAIN}`,
          name: `${unit.name}教育局 ${this.pick(SURNAMES)}协调`,
          role: 'coordinator',
          scopeUnit: unit.code,
          createdAt: this.ago(1100),
        }),
      );
    }

    // Every Hebei county, weighted by its city's population and by its kind (development zones have few schools).
    for (const unit of hebeiUnits('zh-CN')) {
      const counties = countiesOf(unit.code);
      const factors = counties.map((c) => countyFactor(c.name));
      const sum = factors.reduce((s, f) => s + f, 0);
      counties.forEach((c, i) => {
        this.places.push({
          place: findPlace(c.code)!,
          weight: ((UNIT_WEIGHT[unit.code] ?? 2) * factors[i]!) / sum,
          rural: isRuralCounty(c.code),
        });
      });
    }
    this.placeSampler = new Sampler(this.places.map((p) => p.weight));

    // Schools: a few per county (every unit has some, every county once there are enough), more in big cities.
    const count = Math.max(14, Math.round(this.opts.vacancies / 16));
    const chosen: number[] = [];
    if (count >= this.places.length) chosen.push(...this.places.map((_, i) => i));
    else {
      for (const unit of hebeiUnits('zh-CN')) {
        const within = this.places.flatMap((p, i) => (p.place.unitCode === unit.code ? [i] : []));
        chosen.push(
          new Sampler(
            within.map((i) => this.places[i]!.weight),
            within,
          ).draw(this.rng),
        );
      }
    }
    while (chosen.length < count) chosen.push(this.placeSampler.draw(this.rng));
    chosen.sort((a, b) => a - b);
    const numbering = new Map<string, number>();
    for (const pi of chosen) {
      const { place, rural } = this.places[pi]!;
      const kind = this.pick(Object.entries(SCHOOL_KINDS).map(([k, v]) => [k as SchoolKind, v.weight] as const));
      this.schools.push(this.school(place, rural, kind, numbering));
    }
    this.benchSchool = {
      ...this.school(findPlace('130102')!, false, 'junior', numbering),
      name: '石家庄市第四十二中学',
      staffName: '石家庄市第四十二中学 人事 基准老师',
    };

    // Beijing/Tianjin schools paired with about a quarter of the Hebei schools (对口帮扶), in the areas each helps.
    const pairCount = Math.max(2, Math.round(this.schools.length * 0.12));
    for (let i = 0; i < pairCount; i += 1) {
      const beijing = i % 5 < 3;
      const place = findPlace(this.one(beijing ? BEIJING_DISTRICTS : TIANJIN_DISTRICTS))!;
      const name = `${beijing ? '北京市' : '天津市'}第${chineseNumber(i + 1)}中学`;
      this.pairs.push({
        _id: this.ids.next(this.ago(1300)),
        name,
        province: beijing ? 'beijing' : 'tianjin',
        place,
        staff: this.ids.next(this.ago(1000)),
        staffName: `${name} 教师发展中心 ${this.pick(SURNAMES)}老师`,
        schools: [],
      });
    }
    this.schools.forEach((s, i) => {
      if (this.rng() >= 0.25) return;
      const unit = s.place.unitCode;
      const province = BEIJING_AID.includes(unit) ? 'beijing' : TIANJIN_AID.includes(unit) ? 'tianjin' : null;
      const options = this.pairs.map((p, k) => k).filter((k) => !province || this.pairs[k]!.province === province);
      const k = this.one(options.length > 0 ? options : this.pairs.map((_, j) => j));
      s.pair = k;
      this.pairs[k]!.schools.push(i);
    });

    UNIVERSITIES.forEach(([name, county]) => {
      const place = findPlace(county)!;
      this.universities.push({
        _id: this.ids.next(this.ago(1400)),
        name,
        province: place.province as OrgRec['province'],
        place,
        staff: this.ids.next(this.ago(1000)),
        staffName: `${name}就业指导中心 ${this.pick(SURNAMES)}老师`,
      });
    });
    const bureau = (key: string, name: string, county: string) => {
      const rec: OrgRec = {
        _id: this.ids.next(this.ago(1400)),
        name,
        province: 'hebei',
        place: findPlace(county)!,
        staff: this.ids.next(this.ago(1000)),
        staffName: `${name} 人事科 ${this.pick(SURNAMES)}老师`,
      };
      this.bureaus.set(key, rec);
    };
    for (const unit of hebeiUnits('zh-CN')) {
      bureau(
        unit.code,
        unit.code === 'xiongan' ? '雄安新区公共服务局' : `${unit.name}教育局`,
        countiesOf(unit.code)[0]!.code,
      );
    }
    bureau('hebei', '河北省教育厅', '130104');

    const total =
      this.schools.length * 2 +
      2 +
      this.pairs.length * 2 +
      this.universities.length * 2 +
      this.bureaus.size * 2 +
      this.bureaus.size +
      this.universities.length +
      hebeiUnits('zh-CN').length +
      1;
    this.phase.grow(total);

    for (const [i, s] of this.schools.entries()) {
      await orgs.add({
        ...this.organisation(s, {
          kind: 'school',
          alliances: s.alliances,
          pairedWith: s.pair >= 0 ? [this.pairs[s.pair]!._id] : [],
        }),
        contactEmail: `hr.${String(i + 1).padStart(5, '0')}@${DOMAIN}`,
      });
      await staffUser(s, `hr.${String(i + 1).padStart(5, '0')}@${DOMAIN}`);
    }
    await orgs.add({ ...this.organisation(this.benchSchool, { kind: 'school' }), contactEmail: SCALE_ACCOUNTS.staff });
    await staffUser(this.benchSchool, SCALE_ACCOUNTS.staff);
    for (const [i, p] of this.pairs.entries()) {
      const alliances = ['110112', '120114'].includes(p.place.countyCode) ? ['twl'] : [];
      await orgs.add({
        ...this.organisation(p, { kind: 'school', alliances, pairedWith: p.schools.map((k) => this.schools[k]!._id) }),
        contactEmail: `pair.${i + 1}@${DOMAIN}`,
      });
      await staffUser(p, `pair.${i + 1}@${DOMAIN}`);
    }
    for (const [i, u] of this.universities.entries()) {
      await orgs.add({ ...this.organisation(u, { kind: 'university' }), contactEmail: `careers.${i + 1}@${DOMAIN}` });
      await staffUser(u, `careers.${i + 1}@${DOMAIN}`);
    }
    for (const [key, b] of this.bureaus) {
      await orgs.add({ ...this.organisation(b, { kind: 'bureau' }), contactEmail: `bureau.${key}@${DOMAIN}` });
      await staffUser(b, `bureau.${key}@${DOMAIN}`);
    }

    // This year's recruitment drives: each unit's open recruitment, the province's special posts, campus drives.
    const year = new Date(this.nowMs + 8 * HOUR).getUTCFullYear();
    const announcement = async (
      issuer: OrgRec,
      unitCode: string,
      programme: string,
      title: string,
      body: string,
      openedAt: Date,
      end: Date,
      venue = '',
    ) => {
      const _id = this.ids.next(openedAt);
      const at = (days: number) => new Date(end.getTime() + days * DAY);
      await announcements.add({
        _id,
        issuer: issuer._id,
        issuerName: issuer.name,
        unitCode,
        programme,
        title,
        body,
        phases:
          programme === 'campus_drive'
            ? [{ kind: 'registration', start: openedAt, end }]
            : [
                { kind: 'registration', start: openedAt, end },
                { kind: 'qualification_review', start: at(1), end: at(4) },
                { kind: 'written_exam', start: at(12), end: at(12) },
                { kind: 'interview', start: at(26), end: at(27) },
                { kind: 'medical', start: at(34), end: at(35) },
                { kind: 'public_notice', start: at(42), end: at(48) },
              ],
        venue,
        status: 'open',
        reviewComment: '',
        openedAt,
        createdAt: new Date(openedAt.getTime() - 3 * DAY),
        updatedAt: openedAt,
        __v: 0,
      });
      return { _id, openedAt, end };
    };
    const RECRUITMENT_BODY =
      '报名采取网上报名方式，报考人员只能选择一个岗位报名。笔试、面试成绩按各占50%合成总成绩，' +
      '按岗位1:1比例确定体检、考察人选，考察合格者公示7个工作日。';
    for (const unit of hebeiUnits('zh-CN')) {
      const openedAt = this.ago(this.int(5, 35), this.int(0, 8));
      const end = new Date(this.nowMs + this.int(6, 20) * DAY);
      this.rounds.set(
        unit.code,
        await announcement(
          this.bureaus.get(unit.code)!,
          unit.code,
          'open_recruitment',
          `${unit.name}${year}年公开招聘中小学教师公告`,
          RECRUITMENT_BODY,
          openedAt,
          end,
        ),
      );
    }
    this.specialRound = await announcement(
      this.bureaus.get('hebei')!,
      '1301',
      'special_post',
      `河北省${year}年农村义务教育阶段学校特岗教师招聘公告`,
      RECRUITMENT_BODY,
      this.ago(24),
      new Date(this.nowMs + 12 * DAY),
    );
    for (const [i, u] of this.universities.entries()) {
      const openedAt = this.ago(this.int(8, 30));
      const drive = await announcement(
        u,
        u.place.unitCode,
        'campus_drive',
        `${u.name}${year}届毕业生河北基础教育专场招聘会`,
        '河北省县域中小学携紧缺学科岗位来校招聘，欢迎应届毕业生携简历参加。部分岗位提供周转宿舍和乡村教师生活补助。',
        openedAt,
        new Date(openedAt.getTime() + 35 * DAY),
        UNIVERSITIES[i]![2],
      );
      this.drives.push({ _id: drive._id, university: i, openedAt });
    }
    await orgs.close();
    await users.close();
    await announcements.close();
  }

  private school(place: Place, rural: boolean, kind: SchoolKind, numbering: Map<string, number>): SchoolRec {
    const group = SCHOOL_KINDS[kind].group;
    const key = `${place.countyCode}:${group}`;
    const n = (numbering.get(key) ?? 0) + 1;
    numbering.set(key, n);
    const city = place.unitName.zh;
    // 长安区 → 石家庄市长安区; 张北县, 定州市 and 石家庄高新技术产业开发区 stand alone.
    const prefix =
      place.countyName.endsWith('区') && !place.countyName.includes(city.replace(/市$/, ''))
        ? `${city}${place.countyName}`
        : place.countyName;
    const names: Record<string, string> = {
      primary: n === 1 ? `${prefix}实验小学` : `${prefix}第${chineseNumber(n - 1)}小学`,
      middle: `${prefix}第${chineseNumber(n)}中学`,
      kindergarten: n === 1 ? `${prefix}中心幼儿园` : `${prefix}第${chineseNumber(n)}幼儿园`,
      vocational: n === 1 ? `${prefix}职业技术教育中心` : `${prefix}第${chineseNumber(n)}职业中学`,
      special: n === 1 ? `${prefix}特殊教育学校` : `${prefix}第${chineseNumber(n)}特殊教育学校`,
    };
    const name = names[group]!;
    return {
      _id: this.ids.next(this.ago(1300)),
      name,
      province: 'hebei',
      place,
      staff: this.ids.next(this.ago(900)),
      staffName: `${name} 人事 ${this.pick(SURNAMES)}老师`,
      kind,
      rural,
      alliances: place.unitCode === '1310' && this.rng() < 0.4 ? ['twl'] : [],
      pair: -1,
    };
  }

  // --- vacancies -----------------------------------------------------------------------------------------------

  private async makeVacancies() {
    const writer = this.writer(Vacancy);
    await writer.add(this.pipelineVacancy());
    const sampler = new Sampler(
      this.schools.map((s) => (s.rural ? 1.3 : 1) * SCHOOL_KINDS[s.kind].posts * (s.pair >= 0 ? 1.1 : 1)),
    );
    for (let i = 1; i < this.opts.vacancies; i += 1) {
      await writer.add(this.vacancy(this.schools[sampler.draw(this.rng)]!));
    }
    await writer.close();
  }

  /** The benchmark school's post: a city post in a popular subject, open long enough to have every early stage. */
  private pipelineVacancy(): Raw {
    const school = this.benchSchool;
    const input: VacancyInput = {
      title: '初中英语教师',
      schoolId: String(school._id),
      stage: 'junior',
      subject: 'english',
      postType: 'established',
      headcount: 5,
      announcementId: null,
      education: 'bachelor',
      certificateType: 'junior',
      certificateSubjectMatch: true,
      acceptExamPass: true,
      maxAge: 35,
      mandarinLevel: '2B',
      freshGraduatesOnly: false,
      hukouLimit: '',
      payMin: 5600,
      payMax: 7200,
      housing: false,
      ruralSubsidy: null,
      benefits: '',
      description:
        `${school.name}招聘初中英语教师5名。学校位于${school.place.unitName.zh}${school.place.countyName}，` +
        '采取网上报名、随报随审的方式，欢迎热爱教育、愿意扎根河北的毕业生和在职教师报名。',
      deadline: new Date(this.nowMs + 6 * DAY),
      pipeline: 'open_recruitment',
    };
    return this.vacancyDoc(input, school, school, 'open', this.ago(60), input.deadline!, null);
  }

  private vacancy(school: SchoolRec): Raw {
    const status = this.pick(VACANCY_STATUS);
    const stage = this.one(SCHOOL_KINDS[school.kind].stages);
    const shortageFactor = SHORTAGE_FACTOR[status] ?? 1.5;
    const subject = this.pick(
      SUBJECT_KEYS.filter((k) => subjectOf(k)!.stages.includes(stage)).map(
        (k) => [k, (SUBJECT_WEIGHT[k] ?? 1) * (isShortage(k) ? shortageFactor : 1)] as const,
      ),
    );
    const compulsory = stage === 'primary' || stage === 'junior';
    const postType = this.pick<string>([
      ['established', 45],
      // Special posts are rural compulsory-education posts (the reference data's post type lists its stages).
      ['special_post', school.rural && compulsory ? 30 : 0],
      ['contract', stage === 'preschool' ? 30 : 14],
      ['targeted', compulsory || stage === 'senior' ? (school.rural ? 9 : 3) : 0],
      ['silver_age', school.rural && compulsory ? 3 : 0],
      ['exchange', school.pair >= 0 && stage !== 'preschool' && stage !== 'special' ? 6 : 0],
    ]);
    const pipeline: (typeof PIPELINES)[number] =
      postType === 'special_post'
        ? 'special_post'
        : postType === 'contract' || postType === 'exchange'
          ? 'contract'
          : 'open_recruitment';
    const place = school.place;
    const unit = place.unitCode;

    // Open posts may belong to this year's drives: the unit's recruitment, the province's special posts, a campus drive.
    let round: { _id: Types.ObjectId; openedAt: Date; end: Date } | null = null;
    let poster: OrgRec = school;
    if (postType === 'exchange') poster = this.pairs[school.pair]!;
    if (status === 'open' || status === 'in_review' || status === 'draft') {
      if (postType === 'established' && this.rng() < 0.45) {
        round = this.rounds.get(unit) ?? null;
        if (this.rng() < 0.5) poster = this.bureaus.get(unit) ?? school;
      } else if (postType === 'special_post' && this.rng() < 0.75) round = this.specialRound;
      else if ((postType === 'targeted' || postType === 'contract') && this.rng() < 0.2) {
        const drive = this.one(this.drives);
        round = { _id: drive._id, openedAt: drive.openedAt, end: new Date(drive.openedAt.getTime() + 35 * DAY) };
      }
    }

    let openedAt: Date | null;
    let deadline: Date;
    let closedAt: Date | null = null;
    if (status === 'open') {
      openedAt = round
        ? new Date(Math.min(round.openedAt.getTime() + this.rng() * 2 * DAY, this.nowMs - HOUR))
        : this.ago(60 * this.rng() ** 1.6, this.rng() * 12);
      deadline = round
        ? round.end
        : new Date(Math.max(openedAt.getTime() + this.int(20, 60) * DAY, this.nowMs + this.int(2, 30) * DAY));
    } else if (status === 'closed') {
      openedAt = this.ago(this.int(30, 150), this.rng() * 12);
      deadline = new Date(Math.min(openedAt.getTime() + this.int(14, 30) * DAY, this.nowMs - DAY));
      closedAt = deadline;
    } else if (status === 'filled') {
      openedAt = this.ago(this.int(120, 600), this.rng() * 12);
      deadline = new Date(openedAt.getTime() + this.int(14, 30) * DAY);
      closedAt = deadline;
    } else if (status === 'cancelled') {
      openedAt = this.ago(this.int(10, 200));
      deadline = new Date(openedAt.getTime() + this.int(14, 30) * DAY);
    } else {
      openedAt = null;
      deadline = round ? round.end : new Date(this.nowMs + this.int(20, 45) * DAY);
    }

    const rural = school.rural;
    const base = (PAY_BASE[unit] ?? 4600) - (rural ? 400 : 0) + this.int(0, 6) * 100;
    const education: VacancyInput['education'] =
      postType === 'silver_age'
        ? 'college'
        : stage === 'senior'
          ? this.rng() < 0.55
            ? 'master'
            : 'bachelor'
          : stage === 'preschool' && this.rng() < 0.6
            ? 'college'
            : 'bachelor';
    const title =
      subject === 'preschool_ed'
        ? '幼儿园教师'
        : subject === 'special_ed'
          ? '特殊教育教师'
          : subject === 'vocational_major'
            ? '中职专业课教师'
            : `${stageName(stage, 'zh-CN')}${subjectName(subject, 'zh-CN')}教师`;
    const headcount = this.pick([
      [1, 55],
      [2, 25],
      [3, 10],
      [4, 5],
      [5, 3],
      [this.int(6, 10), 2],
    ] as const);
    const input: VacancyInput = {
      title,
      schoolId: String(school._id),
      stage,
      subject,
      postType,
      headcount,
      announcementId: round ? String(round._id) : null,
      education,
      certificateType: CERTIFICATE_FOR[stage] ?? '',
      certificateSubjectMatch: ['english', 'music', 'pe', 'art', 'it'].includes(subject),
      acceptExamPass: postType === 'special_post' || this.rng() < 0.3,
      maxAge:
        postType === 'silver_age'
          ? 65
          : this.pick([
              [35, 6],
              [30, 2],
              [40, 2],
            ] as const),
      mandarinLevel: subject === 'chinese' ? '2A' : '2B',
      freshGraduatesOnly: postType === 'targeted',
      hukouLimit: rural && postType === 'established' && this.rng() < 0.1 ? `${place.unitName.zh}户籍或生源` : '',
      payMin: postType === 'silver_age' ? 3000 : base,
      payMax: postType === 'silver_age' ? 3000 : base + this.int(8, 18) * 100,
      housing: rural ? this.rng() < 0.7 : unit === 'xiongan' ? this.rng() < 0.6 : this.rng() < 0.15,
      ruralSubsidy: rural ? this.int(3, 8) * 100 : null,
      benefits:
        postType === 'special_post'
          ? '服务期满考核合格可按规定办理入编手续。'
          : postType === 'targeted'
            ? '按协议在县域学校服务6年，享受公费师范生相关政策。'
            : postType === 'silver_age'
              ? '每学年工作经费2万元，学校提供住宿。'
              : rural
                ? '提供教师周转宿舍，享受乡村教师生活补助。'
                : '',
      description:
        `${school.name}招聘${title}${headcount}名。学校位于${place.unitName.zh}${place.countyName}，` +
        `${rural ? '地处乡村，' : ''}欢迎热爱教育、愿意扎根河北的毕业生和在职教师报名。`,
      deadline,
      pipeline,
    };
    return this.vacancyDoc(input, poster, school, status, openedAt, deadline, closedAt);
  }

  private vacancyDoc(
    input: VacancyInput,
    poster: OrgRec,
    school: SchoolRec,
    status: string,
    openedAt: Date | null,
    deadline: Date,
    closedAt: Date | null,
  ): Raw {
    const createdAt = openedAt
      ? new Date(openedAt.getTime() - this.int(1, 6) * DAY - this.rng() * DAY)
      : this.ago(this.rng() * 10);
    const _id = this.ids.next(createdAt);
    const record = vacancyRecord(
      input,
      { _id: poster._id, province: poster.province },
      { _id: school._id, name: school.name, alliances: school.alliances },
      school.place,
      deadline,
    );
    this.vacancies.push({
      _id,
      school,
      postedBy: poster._id,
      posterStaff: poster.staff,
      announcement: record.announcement,
      title: record.title,
      stage: record.stage,
      subject: record.subject,
      postType: record.postType,
      pipeline: record.pipeline,
      headcount: record.headcount,
      status,
      openedAt,
      deadline,
      requirements: { ...record.requirements, stage: record.stage, subject: record.subject },
    });
    return {
      _id,
      ...record,
      status,
      reviewComment: '',
      minorEditsAllowed: false,
      openedAt,
      closedAt,
      createdAt,
      updatedAt: closedAt ?? openedAt ?? createdAt,
      __v: 0,
    };
  }

  // --- candidates ----------------------------------------------------------------------------------------------

  private async makeCandidates() {
    const users = this.writer(User);
    const profiles = this.writer(CandidateProfile, false);
    const store: FileStore =
      this.config.storage === 'gridfs' ? new GridFsStore() : new FsStore(path.join(this.config.dataDir, 'uploads'));
    for (let i = 0; i < this.opts.candidates; i += 1) {
      const email = i === 0 ? SCALE_ACCOUNTS.candidate : `candidate.${String(i).padStart(6, '0')}@${DOMAIN}`;
      const c = i === 0 ? await this.benchCandidate(store) : this.candidate(email, i <= PIPELINE_APPLICANTS);
      this.candidates.push(c);
      await users.add(
        this.user({
          _id: c._id,
          email,
          name: c.profile.legalName,
          role: 'candidate',
          createdAt: c.createdAt,
          locale: i > 0 && this.rng() < 0.01 ? 'en' : 'zh-CN',
        }),
      );
      const updatedAt = new Date(c.createdAt.getTime() + this.rng() * 3 * DAY);
      await profiles.add({
        _id: this.ids.next(c.createdAt),
        user: c._id,
        ...c.profile,
        createdAt: c.createdAt,
        updatedAt: new Date(Math.min(updatedAt.getTime(), this.nowMs)),
        __v: 0,
      });
    }
    await users.close();
    await profiles.close();
  }

  /** A candidate; `pipelineFit` ones can all apply to the pipeline vacancy (junior English, 35 at most). */
  private candidate(email: string, pipelineFit: boolean): CandidateRec {
    const kind = pipelineFit
      ? this.pick([
          ['fresh', 7],
          ['working', 3],
        ] as const)
      : this.pick([
          ['fresh', 62],
          ['working', 33],
          ['retired', 5],
        ] as const);
    const age = pipelineFit
      ? kind === 'fresh'
        ? this.int(21, 25)
        : this.int(25, 33)
      : kind === 'fresh'
        ? this.int(21, 25)
        : kind === 'working'
          ? this.int(25, 42)
          : this.int(55, 64);
    const stage = pipelineFit
      ? this.pick([
          ['junior', 7],
          ['senior', 3],
        ] as const)
      : this.pick([
          ['primary', 38],
          ['junior', 28],
          ['senior', 14],
          ['preschool', 12],
          ['vocational', 5],
          ['special', 3],
        ] as const);
    // Fewer people train in the shortage subjects: that is why they are short.
    const subjectsOf = (st: string) =>
      SUBJECT_KEYS.filter((k) => subjectOf(k)!.stages.includes(st)).map(
        (k) => [k, (SUBJECT_WEIGHT[k] ?? 1) * (isShortage(k) ? 0.75 : 1)] as const,
      );
    const main = pipelineFit ? 'english' : this.pick(subjectsOf(stage));
    const subjects = [main];
    if (this.rng() < 0.12) {
      const second = this.pick(subjectsOf(stage));
      if (second !== main) subjects.push(second);
    }
    const stages: string[] = [stage];
    const neighbours: Record<string, string> = {
      primary: 'junior',
      junior: this.rng() < 0.5 ? 'primary' : 'senior',
      senior: 'junior',
    };
    const next = neighbours[stage];
    if (next && this.rng() < 0.3) stages.push(next);

    const level: Profile['education'][number]['level'] =
      kind === 'retired'
        ? this.rng() < 0.4
          ? 'college'
          : 'bachelor'
        : this.pick([
            ['college', stage === 'preschool' ? 35 : pipelineFit ? 0 : 10],
            ['bachelor', stage === 'senior' ? 45 : 70],
            ['master', stage === 'senior' ? 55 : 20],
          ] as const);
    const nowYear = new Date(this.nowMs + 8 * HOUR).getUTCFullYear();
    const birthYear = nowYear - age;
    const birthDate = new Date(Date.UTC(birthYear, this.int(0, 11), this.int(1, 28)));
    const gradYear =
      kind === 'fresh'
        ? Math.min(nowYear + 1, birthYear + 22 + (level === 'master' ? 3 : 0))
        : birthYear + (level === 'college' ? 20 : 22) + (level === 'master' ? 3 : 0);
    const graduation = (year: number) => new Date(Date.UTC(year, 5, 30));
    const institution = (lvl: string): [string, boolean] => {
      if (lvl === 'college') return [this.one(COLLEGES), true];
      if (main === 'pe' && this.rng() < 0.5) return [this.one(SPORTS), false];
      const [name, normal] = this.pick(INSTITUTIONS.map(([n, nu, w]) => [[n, nu] as [string, boolean], w] as const));
      return [name, normal];
    };
    const education: Profile['education'] = [];
    if (level === 'master') {
      const [first, firstNormal] = institution('bachelor');
      education.push({
        institution: first,
        level: 'bachelor',
        major: MAJORS[main] ?? '',
        graduationDate: graduation(gradYear - 3),
        fullTime: true,
        normalUniversity: firstNormal,
      });
    }
    const [last, lastNormal] = institution(level);
    education.push({
      institution: last,
      level,
      major: MAJORS[main] ?? '',
      graduationDate: graduation(gradYear),
      fullTime: kind !== 'retired' || this.rng() < 0.7,
      normalUniversity: lastNormal,
    });

    const certificates: Record<string, string> = {
      preschool: 'preschool',
      primary: 'primary',
      junior: this.rng() < 0.3 ? 'senior' : 'junior',
      senior: 'senior',
      vocational: this.rng() < 0.5 ? 'vocational' : 'senior',
      special: 'primary',
    };
    const certificate = certificates[stage] ?? 'primary';
    const pending = kind === 'fresh' && this.rng() < 0.18;
    const mandarinLevel: Profile['mandarinLevel'] =
      main === 'chinese'
        ? this.pick([
            ['2A', 7],
            ['1B', 3],
          ] as const)
        : this.pick([
            ['2B', 55],
            ['2A', 35],
            ['1B', 5],
            ['3A', pipelineFit ? 0 : 5],
          ] as const);

    const gender = this.rng() < 0.72 ? 'female' : 'male';
    const home = this.places[this.placeSampler.draw(this.rng)]!.place;
    const preferredUnits = [home.unitCode];
    for (let k = this.int(0, 2); k > 0; k -= 1) {
      const unit = this.places[this.placeSampler.draw(this.rng)]!.place.unitCode;
      if (!preferredUnits.includes(unit)) preferredUnits.push(unit);
    }
    const idNumber = this.idNumber(home.countyCode, birthDate, gender);
    const profile: Profile = {
      legalName: this.personName(gender),
      idCipher: this.cipher.encrypt(idNumber),
      idHash: this.cipher.hash(idNumber),
      gender,
      birthDate,
      phone: this.mobile(),
      education,
      certificates: [
        {
          type: certificate,
          subject: main,
          number: pending ? '' : `${Math.min(gradYear, nowYear)}13${String(this.int(0, 99_999_999)).padStart(8, '0')}`,
          pending,
          expectedDate: pending ? graduation(Math.max(gradYear, nowYear)) : null,
        },
      ],
      mandarinLevel,
      stages,
      subjects,
      preferredUnits,
      availableFrom: kind === 'fresh' ? new Date(Date.UTC(gradYear, 8, 1)) : null,
      documents: [],
    };

    // Accounts of the last two years; the pipeline vacancy's applicants had theirs before it opened.
    const span = kind === 'fresh' ? 400 : kind === 'working' ? 720 : 500;
    let createdAt = pipelineFit ? this.ago(61 + this.rng() * 340) : this.ago(3 + this.rng() * (span - 3));
    const channel = this.pick<Channel>(
      kind === 'fresh'
        ? [
            ['direct', 50],
            ['referral', 28],
            ['campaign', pipelineFit ? 0 : 11],
            ['recommendation', 11],
          ]
        : [
            ['direct', 85],
            ['referral', 5],
            ['recommendation', 10],
          ],
    );
    let referral: ReferralRec | null = null;
    if (channel === 'campaign') {
      // Signed up on the spot at a campus drive (the drive's QR code), during the drive.
      const drive = this.one(this.drives);
      createdAt = new Date(drive.openedAt.getTime() + this.rng() * (this.nowMs - DAY - drive.openedAt.getTime()));
      const partner = this.universities[drive.university]!;
      referral = {
        _id: this.ids.next(createdAt),
        partner,
        pair: -1,
        drive,
        invitedAt: createdAt,
        claimedAt: createdAt,
        recommendations: [],
      };
    } else if (channel === 'referral') {
      const partner = this.universities[this.pick(UNIVERSITIES.map((u, k) => [k, u[3]] as const))]!;
      const invitedAt = new Date(createdAt.getTime() - this.int(1, 20) * DAY);
      referral = {
        _id: this.ids.next(invitedAt),
        partner,
        pair: -1,
        drive: null,
        invitedAt,
        claimedAt: createdAt,
        recommendations: [],
      };
    } else if (channel === 'recommendation') {
      const pair = this.pick(this.pairs.map((p, k) => [k, 1 + p.schools.length] as const));
      const invitedAt = new Date(createdAt.getTime() - this.int(2, 15) * DAY);
      referral = {
        _id: this.ids.next(invitedAt),
        partner: this.pairs[pair]!,
        pair,
        drive: null,
        invitedAt,
        claimedAt: createdAt,
        recommendations: [],
      };
    }
    return {
      _id: this.ids.next(createdAt),
      email,
      kind,
      createdAt,
      profile,
      shared: fromProfile(this.profileDoc(profile)),
      channel,
      referral,
    };
  }

  /** A well-prepared graduate: master's degree, a senior English certificate, every document uploaded. */
  private async benchCandidate(store: FileStore): Promise<CandidateRec> {
    const createdAt = this.ago(300);
    const nowYear = new Date(this.nowMs + 8 * HOUR).getUTCFullYear();
    const birthDate = new Date(Date.UTC(nowYear - 26, 3, 12));
    const idNumber = this.idNumber('130102', birthDate, 'female');
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.4\n% 个人简历\n'),
      Buffer.alloc(400, 0x20),
      Buffer.from('\n%%EOF\n'),
    ]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120)]);
    const uploadedAt = new Date(createdAt.getTime() + 2 * HOUR);
    const profile: Profile = {
      legalName: '林晓雨',
      idCipher: this.cipher.encrypt(idNumber),
      idHash: this.cipher.hash(idNumber),
      gender: 'female',
      birthDate,
      phone: '13931100042',
      education: [
        {
          institution: '河北师范大学',
          level: 'bachelor',
          major: '英语',
          graduationDate: new Date(Date.UTC(nowYear - 4, 5, 30)),
          fullTime: true,
          normalUniversity: true,
        },
        {
          institution: '首都师范大学',
          level: 'master',
          major: '学科教学（英语）',
          graduationDate: new Date(Date.UTC(nowYear - 1, 5, 30)),
          fullTime: true,
          normalUniversity: true,
        },
      ],
      certificates: [
        { type: 'senior', subject: 'english', number: `${nowYear - 2}1301000042`, pending: false, expectedDate: null },
      ],
      mandarinLevel: '2A',
      stages: ['junior', 'senior'],
      subjects: ['english'],
      preferredUnits: ['1301', '1306', '1307'],
      availableFrom: new Date(Date.UTC(nowYear, 8, 1)),
      documents: [
        {
          id: await store.put(pdf),
          kind: 'cv',
          name: '林晓雨-简历.pdf',
          mime: 'application/pdf',
          size: pdf.length,
          uploadedAt,
        },
        {
          id: await store.put(png),
          kind: 'photo',
          name: '证件照.png',
          mime: 'image/png',
          size: png.length,
          uploadedAt,
        },
      ],
    };
    return {
      _id: this.ids.next(createdAt),
      email: SCALE_ACCOUNTS.candidate,
      kind: 'fresh',
      createdAt,
      profile,
      shared: fromProfile(this.profileDoc(profile)),
      channel: 'direct',
      referral: null,
    };
  }

  /** The profile as the app's own helpers read it. */
  private profileDoc(profile: Profile): ProfileDoc {
    return profile as unknown as ProfileDoc;
  }

  /** A valid, unique ID number (GB 11643: region, birth date, sequence with the sex in its parity, check digit). */
  private idNumber(county: string, birthDate: Date, gender: 'male' | 'female') {
    const date = birthDate.toISOString().slice(0, 10).replace(/-/g, '');
    let seq = this.int(0, 499) * 2 + (gender === 'male' ? 1 : 0);
    for (;;) {
      const body = `${county}${date}${String(seq % 1000).padStart(3, '0')}`;
      if (!this.idBodies.has(body)) {
        this.idBodies.add(body);
        return body + checkDigit(body);
      }
      seq += 2;
      if (seq > 4000) throw new ScaleSeedError('Ran out of ID numbers for one county and birth date.');
    }
  }

  // --- applications --------------------------------------------------------------------------------------------

  private async makeApplications() {
    const n = this.vacancies.length;
    this.appsPer = new Int32Array(n);
    this.interviewTaken = new Int32Array(n);
    this.finalTaken = new Int32Array(n);
    const writer = this.writer(Application);

    // The benchmark candidate: ten applications, each at a different point of the pipeline.
    const targets: Forced[] = [
      { stage: 'submitted' },
      { stage: 'submitted' },
      { stage: 'qualification_review' },
      { stage: 'qualification_review' },
      { stage: 'written_exam' },
      { stage: 'interview' },
      { stage: 'qualification_review', outcome: 'rejected', reason: 'documents' },
      { stage: 'submitted', outcome: 'withdrawn' },
      { stage: 'public_notice' },
      { stage: 'offer' },
    ];
    const order = this.vacancies.map((_, i) => i).filter((i) => i > 0);
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const target of targets) {
      const fits = (vi: number, english: boolean) => {
        const v = this.vacancies[vi]!;
        return (
          (v.status === 'open' || (v.status === 'closed' && target.stage !== 'submitted')) &&
          stagesOf(v.pipeline).includes(target.stage) &&
          (!english || v.subject === 'english')
        );
      };
      const found =
        this.firstEligible(0, order, (vi) => fits(vi, true)) ??
        this.firstEligible(0, order, (vi) => fits(vi, false)) ??
        this.firstEligible(0, order, (vi) => fits(vi, false) || this.vacancies[vi]!.status === 'open');
      if (!found) throw new ScaleSeedError('Too few vacancies for the benchmark candidate: raise --vacancies.');
      const v = this.vacancies[found.vi]!;
      const forced = stagesOf(v.pipeline).includes(target.stage) ? target : { stage: 'submitted' };
      await writer.add(this.application(0, found.vi, found.eligibility, forced));
    }

    // The pipeline vacancy's 500: candidates built to fit it.
    for (let ci = 1; ci <= PIPELINE_APPLICANTS; ci += 1) {
      const eligibility = this.check(ci, 0);
      if (!eligibility)
        throw new ScaleSeedError(`Candidate ${ci} was built for the pipeline vacancy but cannot apply.`);
      await writer.add(this.application(ci, 0, eligibility));
    }

    // Everyone else: active candidates apply more often, popular city posts draw more, each only where eligible.
    const choose = this.vacancyChooser();
    const activity = new Sampler(
      this.candidates.map((c, i) => {
        if (i === 0) return 0;
        const base = c.kind === 'fresh' ? 1.3 : c.kind === 'working' ? 0.8 : 0.6;
        return (this.rng() < 0.12 ? 0.05 : 1) * base * Math.exp(0.8 * this.gauss());
      }),
    );
    const wanted = this.opts.applications - PIPELINE_APPLICANTS - CANDIDATE_APPLICATIONS;
    let attempts = 0;
    for (let made = 0; made < wanted;) {
      attempts += 1;
      if (attempts > wanted * 60 + 100_000) {
        throw new ScaleSeedError(
          `Found only ${made} of ${wanted} possible applications: there are too few candidates or vacancies for so many.`,
        );
      }
      const ci = activity.draw(this.rng);
      const vi = choose(ci);
      if (vi < 0) continue;
      const eligibility = this.check(ci, vi);
      if (!eligibility) continue;
      await writer.add(this.application(ci, vi, eligibility));
      made += 1;
    }
    await writer.close();
    this.note = `${attempts} draws for ${wanted} ordinary applications`;
  }

  private firstEligible(ci: number, order: number[], fits: (vi: number) => boolean) {
    for (const vi of order) {
      if (!fits(vi)) continue;
      const eligibility = this.check(ci, vi);
      if (eligibility) return { vi, eligibility };
    }
    return null;
  }

  /** The eligibility of candidate ci for vacancy vi, or null when they may not apply (again, then, or at all). */
  private check(ci: number, vi: number): Eligibility | null {
    const key = vi * this.candidates.length + ci;
    if (this.pairsUsed.has(key)) return null;
    const v = this.vacancies[vi]!;
    const c = this.candidates[ci]!;
    if (!v.openedAt || !['open', 'closed', 'filled'].includes(v.status)) return null;
    if (
      Math.max(v.openedAt.getTime(), c.createdAt.getTime() + HOUR) >= Math.min(v.deadline.getTime(), this.nowMs - HOUR)
    )
      return null;
    const eligibility = evaluateEligibility(v.requirements, c.profile, v.openedAt);
    return eligibility.outcome === 'ineligible' ? null : eligibility;
  }

  /** Where candidate ci looks: their subject in their preferred units, their subject anywhere, or anything. */
  private vacancyChooser(): (ci: number) => number {
    const weight = new Map<number, number>();
    const groups = new Map<string, number[]>();
    const add = (key: string, vi: number) => {
      const list = groups.get(key);
      if (list) list.push(vi);
      else groups.set(key, [vi]);
    };
    this.vacancies.forEach((v, vi) => {
      if (vi === 0 || !['open', 'closed', 'filled'].includes(v.status)) return;
      const tier = ['1301', '1310', 'xiongan', '1302'].includes(v.school.place.unitCode) ? 1.3 : 1;
      weight.set(
        vi,
        ({ open: 1, closed: 1.3, filled: 1.6 }[v.status] ?? 1) *
          (v.school.rural ? 0.55 : 1.4) *
          (isShortage(v.subject) ? 0.6 : 1.15) *
          tier *
          Math.exp(0.7 * this.gauss()),
      );
      add('all', vi);
      add(`s:${v.subject}`, vi);
      add(`su:${v.subject}:${v.school.place.unitCode}`, vi);
      if (v.postType === 'silver_age') add('silver', vi);
      if (v.school.pair >= 0) add(`p:${v.school.pair}`, vi);
    });
    const samplers = new Map<string, Sampler>();
    for (const [key, list] of groups)
      samplers.set(
        key,
        new Sampler(
          list.map((vi) => weight.get(vi)!),
          list,
        ),
      );
    return (ci) => {
      const c = this.candidates[ci]!;
      const r = this.rng();
      let sampler: Sampler | undefined;
      if (c.kind === 'retired' && r < 0.7) sampler = samplers.get('silver');
      else if (c.channel === 'recommendation' && r < 0.6) sampler = samplers.get(`p:${c.referral!.pair}`);
      if (!sampler) {
        const subject = this.rng() < 0.8 ? c.profile.subjects[0]! : this.one(c.profile.subjects);
        const unit = this.one(c.profile.preferredUnits);
        const q = this.rng();
        sampler =
          (q < 0.55 ? samplers.get(`su:${subject}:${unit}`) : undefined) ??
          (q < 0.92 ? samplers.get(`s:${subject}`) : undefined) ??
          samplers.get('all');
      }
      return sampler && sampler.size > 0 ? sampler.draw(this.rng) : -1;
    };
  }

  /** Whether one more applicant gets through a gate of `places` (interview by ratio, medical or offer by headcount). */
  private gate(taken: Int32Array, vi: number, limit: number) {
    if (taken[vi]! >= limit) return false;
    taken[vi] = taken[vi]! + 1;
    return true;
  }

  /** What happens at `stage` once the next stage's date has come: through, or out (and how). */
  private decide(v: VacancyRec, vi: number, stage: string): { outcome: Outcome; reason: RejectReason | null } | null {
    const r = this.rng();
    const out = (outcome: Outcome, reason: RejectReason | null = null) => ({ outcome, reason });
    switch (stage) {
      case 'submitted':
        return r < 0.06 ? out('withdrawn') : null;
      case 'qualification_review':
        return r < 0.22
          ? out(
              'rejected',
              this.pick([
                ['qualification', 14],
                ['documents', 5],
                ['other', 1],
              ] as const),
            )
          : null;
      case 'written_exam':
        if (r < 0.08) return out('absent');
        if (r < 0.1) return out('withdrawn');
        return this.gate(this.interviewTaken, vi, places('interview', v.pipeline, v.headcount))
          ? null
          : out('rejected', 'score');
      case 'interview':
        if (r < 0.03) return out('absent');
        return this.gate(this.finalTaken, vi, v.headcount) ? null : out('rejected', 'score');
      case 'medical':
        return r < 0.05 ? out('rejected', 'medical') : null;
      case 'background_check':
        return r < 0.03 ? out('rejected', 'background') : null;
      case 'public_notice':
        return r < 0.02 ? out('withdrawn') : null;
      case 'offer':
        return r < 0.08 ? out('withdrawn') : null;
      case 'pre_service_training':
        return r < 0.03 ? out('withdrawn') : null;
      default:
        return null;
    }
  }

  /**
   * One application, walked along its pipeline: each stage is entered on the vacancy's schedule (review a few days
   * after submitting, the exam, interview, medical … on dates shared by every applicant) while that date has come,
   * and at each step the applicant goes on or leaves (rejected with a reason, absent, withdrawn). Gates admit by
   * ratio and headcount as the selection rules do. `forced` sets where it ends (the benchmark candidate's).
   */
  private application(ci: number, vi: number, eligibility: Eligibility, forced?: Forced): Raw {
    const c = this.candidates[ci]!;
    const v = this.vacancies[vi]!;
    this.pairsUsed.add(vi * this.candidates.length + ci);
    this.appsPer[vi] = this.appsPer[vi]! + 1;
    const stages = stagesOf(v.pipeline);
    const at = (s: string) => stages.indexOf(s);
    const contract = v.pipeline === 'contract';
    const opened = v.openedAt!.getTime();
    const start = Math.max(opened, c.createdAt.getTime() + HOUR);
    const end = Math.min(v.deadline.getTime(), this.nowMs - HOUR);
    const submittedAt = start + this.rng() * (end - start);
    // Open posts review and examine as applications come in; closed ones after the deadline.
    const base = v.status === 'open' ? opened : v.deadline.getTime();
    const FIXED: Record<string, number> = {
      written_exam: 14,
      interview: 30,
      medical: 38,
      background_check: 43,
      public_notice: 48,
      offer: 57,
      pre_service_training: 57,
    };
    const entryOf = (k: number, previous: number): number => {
      const s = stages[k]!;
      if (s === 'qualification_review') return previous + (1 + this.rng() * 3) * DAY;
      if (contract && s === 'interview') return previous + (2 + this.rng() * 5) * DAY;
      if (contract && s === 'offer') return previous + (7 + this.rng() * 5) * DAY;
      if (s === 'signed') return previous + (7 + this.rng() * 7) * DAY;
      return base + (FIXED[s] ?? 0) * DAY;
    };

    const entries = [submittedAt];
    let k = 0;
    let outcome: Outcome | null = null;
    let reason: RejectReason | null = null;
    let exitAt = 0;
    if (forced) {
      const target = Math.max(0, at(forced.stage));
      let natural = true;
      while (k < target) {
        const next = entryOf(k + 1, entries[k]!);
        if (next > this.nowMs || next <= entries[k]!) natural = false;
        entries.push(next);
        k += 1;
      }
      if (!natural) {
        // Its schedule has not got that far yet: the same steps, closer together, all before today.
        const span = this.nowMs - 2 * HOUR - submittedAt;
        for (let j = 1; j <= k; j += 1) entries[j] = submittedAt + (span * j) / (k + 1.5);
      }
      for (let j = 1; j <= k; j += 1) {
        if (stages[j] === 'interview') this.gate(this.interviewTaken, vi, Number.MAX_SAFE_INTEGER);
        if (stages[j - 1] === 'interview') this.gate(this.finalTaken, vi, Number.MAX_SAFE_INTEGER);
      }
      if (forced.outcome) {
        outcome = forced.outcome;
        reason = forced.reason ?? null;
        exitAt = entries[k]! + (this.nowMs - entries[k]!) * 0.5;
      }
    } else {
      while (k + 1 < stages.length) {
        const next = entryOf(k + 1, entries[k]!);
        if (next > this.nowMs || next <= entries[k]!) break;
        const exit = this.decide(v, vi, stages[k]!);
        if (exit) {
          ({ outcome, reason } = exit);
          exitAt = entries[k]! + (next - entries[k]!) * (0.3 + 0.65 * this.rng());
          break;
        }
        entries.push(next);
        k += 1;
      }
    }

    const stage = stages[k]!;
    const half = (lo: number, hi: number) => Math.round((lo + this.rng() * (hi - lo)) * 2) / 2;
    const sat = !contract && (k > at('written_exam') || (k === at('written_exam') && outcome === 'rejected'));
    const heard = k > at('interview') || (k === at('interview') && outcome === 'rejected');
    const written = sat ? (k > at('written_exam') ? half(76, 95) : half(45, 75.5)) : null;
    const interviewScore = heard ? (k > at('interview') ? half(82, 96) : half(60, 81.5)) : null;
    const history = entries.map((t, j) => ({
      at: new Date(t),
      by: j === 0 ? c._id : v.posterStaff,
      from: j > 0 ? stages[j - 1]! : null,
      to: stages[j]!,
      note: '',
    }));
    if (outcome) {
      history.push({
        at: new Date(exitAt),
        by: outcome === 'withdrawn' ? c._id : v.posterStaff,
        from: stage,
        to: outcome,
        note: '',
      });
    }
    const _id = this.ids.next(submittedAt);
    const interviewIdx = at('interview');
    const interviewAt =
      interviewIdx < 0 || k < interviewIdx
        ? null
        : k > interviewIdx
          ? entries[interviewIdx]! + (entries[interviewIdx + 1]! - entries[interviewIdx]!) * 0.4
          : outcome
            ? entries[interviewIdx]! + (exitAt - entries[interviewIdx]!) * 0.6
            : entries[interviewIdx]! + 3 * DAY;
    // Confirmed by the candidate a while after the invitation (if that moment has come).
    const confirmedAt = interviewAt
      ? entries[Math.max(0, interviewIdx)]! + (interviewAt - entries[interviewIdx]!) * 0.5
      : 0;
    const offerIdx = at('offer');
    const signed = stage === 'signed';

    // Where it came from: fixed by the candidate's referral, as the app records it when they apply.
    const referral = c.referral;
    let source: string = 'direct';
    if (referral) {
      const recommended = referral.pair >= 0 && v.school.pair === referral.pair;
      source = referral.drive ? 'campaign' : recommended ? 'recommendation' : 'referral';
      if (recommended) {
        referral.recommendations.push({
          vacancy: v._id,
          title: v.title,
          at: new Date(Math.max(referral.claimedAt.getTime(), submittedAt - (1 + this.rng() * 4) * DAY)),
          application: _id,
        });
      }
    }

    if (at('public_notice') >= 0 && k >= at('public_notice')) {
      const notice = this.notices.get(vi) ?? { publishedAt: entries[at('public_notice')]!, entries: [] };
      notice.publishedAt = Math.min(notice.publishedAt, entries[at('public_notice')]!);
      notice.entries.push({
        application: _id,
        maskedName: maskName(c.profile.legalName),
        written,
        interview: interviewScore,
        total: total(v.pipeline, written, interviewScore),
      });
      this.notices.set(vi, notice);
    }
    if (signed) this.placements.push(this.placement(v, c, _id, entries[k]!, referral?.partner._id ?? null));

    const last = history[history.length - 1]!.at;
    return {
      _id,
      vacancy: v._id,
      candidate: c._id,
      postedBy: v.postedBy,
      school: v.school._id,
      announcement: v.announcement,
      unitCode: v.school.place.unitCode,
      source,
      sourcePartner: referral?.partner._id ?? null,
      sourcePartnerName: referral?.partner.name ?? '',
      referral: referral?._id ?? null,
      pipeline: v.pipeline,
      stage,
      outcome,
      rejectReason: outcome === 'rejected' ? reason : null,
      rejectMessage: reason === 'documents' ? '请补充学位证书和教师资格证书的扫描件。' : '',
      version: history.length - 1,
      statement: this.one(STATEMENTS),
      consentAt: new Date(submittedAt),
      eligibility,
      ...c.shared,
      scores: { written, interview: interviewScore, total: total(v.pipeline, written, interviewScore) },
      scoreCorrections: [],
      offer: {
        acceptedAt:
          offerIdx >= 0 && k > offerIdx
            ? new Date(entries[offerIdx]! + (entries[offerIdx + 1]! - entries[offerIdx]!) * 0.3)
            : null,
        declinedAt: stage === 'offer' && outcome === 'withdrawn' ? new Date(exitAt) : null,
      },
      contractDate: signed ? new Date(entries[k]!) : null,
      returned: { at: null, message: '' },
      interview: interviewAt
        ? {
            at: new Date(interviewAt),
            minutes: 30,
            place: `${v.school.name} 行政楼三楼会议室`,
            panel: '',
            sequence: 1,
            confirmedAt: confirmedAt < this.nowMs ? new Date(confirmedAt) : null,
          }
        : { at: null, minutes: 30, place: '', panel: '', sequence: 0, confirmedAt: null },
      history,
      submittedAt: new Date(submittedAt),
      createdAt: new Date(submittedAt),
      updatedAt: last,
      __v: 0,
    };
  }

  /**
   * The placement a signing creates (the app's sweeper would otherwise create them all at its first run). Its
   * record dates from the seeding, so the check-in job only sends what falls due from now on; checklist items due
   * before today are done, so no school is reminded of years-old onboarding.
   */
  private placement(
    v: VacancyRec,
    c: CandidateRec,
    application: Types.ObjectId,
    start: number,
    partner: Types.ObjectId | null,
  ): Raw {
    const startDate = new Date(start);
    const commitmentYears = postTypeYears(v.postType);
    const months = (this.nowMs - start) / (30.4 * DAY);
    const status =
      months < 1
        ? 'onboarding'
        : v.postType === 'silver_age' && months > 12
          ? 'completed'
          : this.pick([
              ['active', 90],
              ['left_early', months > 3 ? 7 : 0],
              ['transferred', months > 6 ? 3 : 0],
            ] as const);
    const leftAt =
      status === 'left_early' || status === 'transferred'
        ? addMonths(startDate, this.int(2, Math.max(2, Math.floor(months) - 1)))
        : null;
    return {
      _id: this.ids.next(this.now),
      application,
      teacher: c._id,
      teacherName: c.profile.legalName,
      school: v.school._id,
      schoolName: v.school.name,
      postedBy: v.postedBy,
      vacancy: v._id,
      title: v.title,
      unitCode: v.school.place.unitCode,
      countyCode: v.school.place.countyCode,
      postType: v.postType,
      sourcePartner: partner,
      startDate,
      commitmentYears,
      commitmentReason: '',
      status,
      suspensions: [],
      leftAt,
      leaveReason:
        status === 'left_early'
          ? this.pick([
              ['distance', 3],
              ['pay', 3],
              ['family', 2],
              ['housing', 1],
              ['workload', 1],
            ] as const)
          : null,
      convertedToEstablished: false,
      flagged: false,
      mentor: null,
      mentorName: '',
      flaggedAt: null,
      awardsPendingSince: null,
      checklist: CHECKLIST.map((item) => {
        const dueAt = new Date(start + item.days * DAY);
        const done = dueAt.getTime() <= this.nowMs;
        return { key: item.key, label: '', dueAt, doneAt: done ? dueAt : null, doneBy: done ? v.school.staffName : '' };
      }),
      createdAt: this.now,
      updatedAt: this.now,
      __v: 0,
    };
  }

  // --- referrals, notices, placements --------------------------------------------------------------------------

  private async followUps() {
    const referrals = this.writer(Referral);
    const notices = this.writer(Notice);
    const placements = this.writer(Placement);
    const invites = Math.round(this.candidates.length * 0.06);
    const claimed = this.candidates.filter((c) => c.referral);
    this.phase.grow(claimed.length + invites + this.notices.size + this.placements.length);

    for (const c of claimed) {
      const r = c.referral!;
      const education = c.profile.education[c.profile.education.length - 1]!;
      await referrals.add({
        ...this.referralBase(r.partner, r.invitedAt, r._id),
        // A drive sign-up refers itself, as the quick registration records it.
        referredBy: r.drive ? c._id : r.partner.staff,
        name: c.profile.legalName,
        email: c.email,
        major: r.pair >= 0 ? '' : education.major,
        graduationYear: education.graduationDate.getUTCFullYear(),
        degree: education.level === 'master' ? 'master' : 'bachelor',
        subjects: c.profile.subjects,
        stages: c.profile.stages,
        preferredUnits: c.profile.preferredUnits,
        drive: r.drive?._id ?? null,
        expiresAt: r.drive ? r.invitedAt : new Date(r.invitedAt.getTime() + 30 * DAY),
        candidate: c._id,
        claimedAt: r.claimedAt,
        consent: this.rng() < 0.35 ? 'details' : 'status',
        consentAt: r.claimedAt,
        recommendations: r.recommendations,
        updatedAt: r.recommendations.reduce((t, x) => (x.at > t ? x.at : t), r.claimedAt),
      });
    }
    // Invitations not (yet) taken up: some waiting, some expired, a few declined or revoked.
    const partners: OrgRec[] = [...this.universities, ...this.pairs];
    const partnerWeights = [...UNIVERSITIES.map((u) => u[3]), ...this.pairs.map(() => 0.1)];
    const partnerSampler = new Sampler(partnerWeights);
    const nowYear = new Date(this.nowMs + 8 * HOUR).getUTCFullYear();
    for (let i = 0; i < invites; i += 1) {
      const partner = partners[partnerSampler.draw(this.rng)]!;
      const invitedAt = this.ago(1 + this.rng() * 90);
      const subject = this.pick(SUBJECT_KEYS.map((k) => [k, SUBJECT_WEIGHT[k] ?? 1] as const));
      const fate = this.pick([
        ['open', 80],
        ['declined', 8],
        ['revoked', 3],
      ] as const);
      const gender = this.rng() < 0.72 ? 'female' : 'male';
      await referrals.add({
        ...this.referralBase(partner, invitedAt, this.ids.next(invitedAt)),
        referredBy: partner.staff,
        name: this.personName(gender),
        email: `invitee.${String(i + 1).padStart(6, '0')}@${DOMAIN}`,
        major: MAJORS[subject] ?? '',
        graduationYear: this.rng() < 0.7 ? nowYear : nowYear + 1,
        degree: this.rng() < 0.2 ? 'master' : 'bachelor',
        subjects: [subject],
        stages: [this.one(subjectOf(subject)!.stages)],
        preferredUnits: [],
        drive: null,
        expiresAt: new Date(invitedAt.getTime() + 30 * DAY),
        revokedAt: fate === 'revoked' ? new Date(invitedAt.getTime() + 3 * DAY) : null,
        declinedAt: fate === 'declined' ? new Date(invitedAt.getTime() + DAY) : null,
        candidate: null,
        claimedAt: null,
        consent: 'status',
        consentAt: null,
        recommendations: [],
        updatedAt: invitedAt,
      });
    }

    for (const [vi, notice] of [...this.notices].sort((a, b) => a[0] - b[0])) {
      const v = this.vacancies[vi]!;
      const publishedAt = new Date(notice.publishedAt);
      await notices.add({
        _id: this.ids.next(publishedAt),
        vacancy: v._id,
        postedBy: v.postedBy,
        title: v.title,
        schoolName: v.school.name,
        entries: notice.entries,
        publishScores: true,
        publishedAt,
        endsAt: new Date(notice.publishedAt + 7 * DAY),
        objections: [],
        createdAt: publishedAt,
        updatedAt: publishedAt,
        __v: 0,
      });
    }
    for (const p of this.placements) await placements.add(p);
    await referrals.close();
    await notices.close();
    await placements.close();
  }

  private referralBase(partner: OrgRec, invitedAt: Date, _id: Types.ObjectId): Raw {
    return {
      _id,
      partner: partner._id,
      partnerName: partner.name,
      phone: '',
      certificates: '',
      note: '',
      tokenId: null,
      invitedAt,
      revokedAt: null,
      declinedAt: null,
      createdAt: invitedAt,
      __v: 0,
    };
  }

  /** An ordinary open vacancy with a few applicants, for the benchmark's vacancy page. */
  private sampleVacancy(): VacancyRec {
    const open = this.vacancies
      .map((v, vi) => ({ v, n: this.appsPer[vi]! }))
      .filter((x, vi) => vi > 0 && x.v.status === 'open');
    return (
      (open.find((x) => x.n >= 3 && x.v.announcement) ?? open.find((x) => x.n >= 1) ?? open[0])?.v ?? this.vacancies[0]!
    );
  }
}

if (require.main === module) {
  // `npm run seed:scale -- --vacancies N --candidates N --applications N [--seed 1] [--fresh]`: into the configured
  // database (or the embedded one under DATA_DIR), refusing in production.
  void (async () => {
    const { values } = parseArgs({
      options: {
        vacancies: { type: 'string', default: '20000' },
        candidates: { type: 'string', default: '50000' },
        applications: { type: 'string', default: '200000' },
        seed: { type: 'string', default: '1' },
        fresh: { type: 'boolean', default: false },
      },
    });
    const number = (name: keyof typeof values) => {
      const n = Number(values[name]);
      if (!Number.isInteger(n) || n < 0) throw new ScaleSeedError(`--${name} must be a whole number.`);
      return n;
    };
    const { connectDatabase, ensureIndexes } = await import('../server/db/connect');
    const { startEmbeddedDatabase } = await import('../server/db/embedded');
    const config = loadConfig();
    if (config.isProduction) {
      process.stderr.write('Refusing to seed scale data in production.\n');
      process.exit(1);
    }
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const started = performance.now();
    const embedded = config.mongodbUri
      ? undefined
      : await startEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'db'), log: say });
    try {
      await connectDatabase(config.mongodbUri ?? embedded!.uri, config.mongodbUri ? undefined : 'teachbridge');
      await ensureIndexes();
      const result = await seedScale({
        vacancies: number('vacancies'),
        candidates: number('candidates'),
        applications: number('applications'),
        seed: number('seed'),
        fresh: values.fresh,
        log: say,
        progress: true,
        config,
      });
      say(`pipeline vacancy: /manage/vacancies/${result.pipelineVacancyId}/applications`);
      say(`sample vacancy:   /jobs/${result.sampleVacancyId}`);
      say(`accounts (password ${DEMO_PASSWORD}): ${Object.values(SCALE_ACCOUNTS).join(', ')}`);
      say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await mongoose.disconnect();
      await embedded?.stop();
    }
  })().catch((err: unknown) => {
    process.stderr.write(`\n${err instanceof ScaleSeedError ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
