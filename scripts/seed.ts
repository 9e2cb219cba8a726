// Demo data for local mode: a coordinator, partner universities, Beijing/Tianjin schools with Hebei branches and
// pairs, Hebei schools across units (rural counties included), staff and candidates. `npm run seed` or the first
// local start. Production never seeds. School names are illustrative.
import mongoose, { Types } from 'mongoose';
import { Passwords, type PasswordCost } from '../server/auth/passwords';
import { findPlace } from '../server/services/regions';
import { Organisation, type OrgKind } from '../models/Organisation';
import { User } from '../models/User';

export const DEMO_PASSWORD = 'teachbridge-demo';

interface OrgSeed {
  key: string;
  name: string;
  kind: OrgKind;
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
  { email: 'candidate@demo.teachbridge.cn', name: '张晓明', role: 'candidate' },
  { email: 'candidate.en@demo.teachbridge.cn', name: 'Li Na', role: 'candidate', locale: 'en' },
];

/** Seeds the demo. With ifEmpty, does nothing when any user exists; returns whether it seeded. */
export async function seedDemo(options: { argon2: PasswordCost; ifEmpty?: boolean; now?: Date }): Promise<boolean> {
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
  return true;
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
    const seeded = await seedDemo({ argon2: config.argon2, ifEmpty: true });
    process.stdout.write(seeded ? 'Demo data created.\n' : 'The database already has users; nothing seeded.\n');
    await mongoose.disconnect();
    await embedded?.stop();
  })().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
