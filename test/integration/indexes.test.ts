// Every query the main pages send is served by an index. The queries are not listed by hand: they are recorded (with
// Mongoose's debug hook) while every role walks its main pages over the demo region, so a new query path is checked
// without anyone remembering to. Two checks:
// - on any engine, each recorded query must be usable by a declared index (its first key is filtered on, or, with
//   no filter, is the sort), or be an `_id` lookup;
// - on MongoDB (TEST_MONGODB_URI pointing at one), `explain` of each recorded find must show an index scan and no
//   collection scan. The embedded engine's explain only reports whether the filter was an `_id` lookup (it scans for
//   anything else, indexes or not), so there it checks that the by-id lookups really are pushed down.
import mongoose from 'mongoose';
import { Application } from '../../models/Application';
import { Vacancy } from '../../models/Vacancy';
import { detectEngine } from '../../server/db/connect';
import { DEMO_PASSWORD, seedDemo } from '../../scripts/seed';
import { useTestApp } from '../helpers/app';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';

jest.setTimeout(300_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

interface Recorded {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  sort: Record<string, unknown>;
}

const QUERY_METHODS = ['find', 'findOne', 'countDocuments', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany'];
let recorded: Recorded[] = [];
let queriesBefore: Map<string, number>;
let queriesAfter: Map<string, number>;
let applicants = 0;

beforeAll(async () => {
  await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, now: t.clock.now() });
  await t.services.placements.sweep();
  const vacancy = (await Vacancy.findOne({ status: 'open', schoolName: '张北县第二中学' }).lean())!;
  const candidate = (await mongoose.connection
    .collection('users')
    .findOne({ email: 'candidate@demo.teachbridge.cn' }))!;
  const application = (await Application.findOne({ candidate: candidate._id }).lean())!;
  const as = async (email: string) => {
    const agent = t.agent();
    await loginAs(agent, email, DEMO_PASSWORD);
    return agent;
  };
  const walks: [Awaited<ReturnType<typeof as>> | ReturnType<typeof t.agent>, string[]][] = [
    [
      t.agent(),
      [
        '/',
        '/jobs',
        '/jobs?unit=1307&stage=junior&subject=english',
        '/jobs?q=英语',
        '/jobs?page=3',
        `/jobs/${String(vacancy._id)}`,
        '/jobs/feed.xml',
        '/api/v1/vacancies',
        '/announcements',
      ],
    ],
    [
      await as('candidate@demo.teachbridge.cn'),
      ['/me/applications', `/me/applications/${String(application._id)}`, '/me/profile', '/me/alerts', '/account'],
    ],
    [
      await as('hr.zhangbei@demo.teachbridge.cn'),
      [
        '/organisation',
        '/manage/vacancies',
        `/manage/vacancies/${String(vacancy._id)}/applications`,
        `/manage/applications/${String(application._id)}`,
        '/manage/placements',
      ],
    ],
    [await as('careers@demo.bnu.edu.cn'), ['/partner', '/partner/referrals']],
    [
      await as('coordinator@demo.teachbridge.cn'),
      [
        '/coordinator/organisations',
        '/coordinator/reviews',
        '/coordinator/placements',
        '/coordinator/reports',
        '/coordinator/audit',
      ],
    ],
  ];
  /** Walks every page, recording the queries; returns how many each page sent. */
  const walk = async () => {
    const counts = new Map<string, number>();
    let current = '';
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      counts.set(current, (counts.get(current) ?? 0) + 1);
      if (!QUERY_METHODS.includes(method)) return;
      const filter = (args[0] ?? {}) as Record<string, unknown>;
      const options = (method.startsWith('find') ? args[1] : {}) as { sort?: Record<string, unknown> } | undefined;
      recorded.push({ collection, method, filter, sort: options?.sort ?? {} });
    });
    try {
      for (const [agent, paths] of walks) {
        for (const path of paths) {
          current = path;
          const res = await agent.get(path);
          expect({ path, status: res.status }).toEqual({ path, status: 200 });
        }
      }
    } finally {
      mongoose.set('debug', false);
    }
    return counts;
  };
  // Each count is taken on a second walk, once caches (the catalogue, a report snapshot, sessions) are warm.
  await walk();
  queriesBefore = await walk();
  // Six more applicants for the school's vacancy, and the walk again: no page may send more queries for longer lists.
  for (let i = 0; i < 6; i += 1) {
    const { agent } = await makeCandidate(t, `加考生${i}`);
    expect((await submitForm(agent, `/jobs/${String(vacancy._id)}/apply`, { consent: '1' })).status).toBe(303);
  }
  applicants = await Application.countDocuments({ vacancy: vacancy._id });
  await walk();
  queriesAfter = await walk();
  // One of each shape is enough.
  const seen = new Set<string>();
  recorded = recorded.filter((q) => {
    const key = `${q.collection} ${q.method} ${shape(q.filter)} ${Object.keys(q.sort).join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
});

/** The fields a filter constrains (top level; `$and`/`$or` branches flattened). */
function fields(filter: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or')
      for (const branch of value as Record<string, unknown>[]) out.push(...fields(branch));
    else if (!key.startsWith('$')) out.push(key);
  }
  return out;
}
const shape = (filter: Record<string, unknown>) => fields(filter).sort().join(',');

/** The declared indexes of the model behind a collection, as ordered key lists (`_id` included). */
function indexesOf(collection: string): string[][] {
  const model = Object.values(mongoose.models).find((m) => m.collection.collectionName === collection);
  const declared = model ? model.schema.indexes().map(([keys]) => Object.keys(keys)) : [];
  return [['_id'], ...declared];
}

it('no page sends a query per row: longer lists, the same number of queries', () => {
  expect(applicants).toBeGreaterThan(6);
  expect(queriesAfter).toEqual(queriesBefore);
  expect(queriesBefore.size).toBeGreaterThan(20);
});

/** Reads of a whole collection on purpose: the nightly report snapshot streams every application and placement once. */
const WHOLE_READS = ['applications.find {}', 'placements.find {}'];

it('every query of the main pages can use an index', () => {
  expect(recorded.length).toBeGreaterThan(30);
  const unserved: string[] = [];
  for (const q of recorded) {
    if (WHOLE_READS.includes(`${q.collection}.${q.method} {${shape(q.filter)}}`) && Object.keys(q.sort).length === 0)
      continue;
    const filtered = fields(q.filter);
    const sorted = Object.keys(q.sort);
    const served = indexesOf(q.collection).some(
      ([first]) => filtered.includes(first!) || (filtered.length === 0 && sorted[0] === first),
    );
    if (!served) unserved.push(`${q.collection}.${q.method} filter {${shape(q.filter)}} sort {${sorted.join(',')}}`);
  }
  expect(unserved).toEqual([]);
});

it('on MongoDB every recorded find is an index scan; on the embedded engine the _id lookups are pushed down', async () => {
  const engine = await detectEngine();
  const db = mongoose.connection.db!;
  const finds = recorded.filter((q) => q.method === 'find' || q.method === 'findOne');
  if (engine === 'ferretdb') {
    process.stdout.write(
      'indexes.test.ts: index plans are checked on MongoDB only (set TEST_MONGODB_URI); the embedded engine answers every filter but an _id lookup by a scan, indexes or not.\n',
    );
    const byId = finds.filter(
      (q) =>
        shape(q.filter) === '_id' &&
        (typeof q.filter._id === 'string' || q.filter._id instanceof mongoose.Types.ObjectId),
    );
    expect(byId.length).toBeGreaterThan(5);
    for (const q of byId) {
      const plan = (await db.command({ explain: { find: q.collection, filter: q.filter } })) as {
        filterPushdown?: boolean;
      };
      expect({ q: `${q.collection} ${String(q.filter._id)}`, pushdown: plan.filterPushdown }).toEqual({
        q: `${q.collection} ${String(q.filter._id)}`,
        pushdown: true,
      });
    }
    return;
  }
  const scans: string[] = [];
  for (const q of finds) {
    const plan = JSON.stringify(
      await db.command({ explain: { find: q.collection, filter: q.filter, sort: q.sort }, verbosity: 'queryPlanner' }),
    );
    if (plan.includes('COLLSCAN') || !/IXSCAN|IDHACK|EXPRESS_IXSCAN|CLUSTERED_IXSCAN/.test(plan))
      scans.push(`${q.collection} {${shape(q.filter)}}`);
  }
  expect(scans).toEqual([]);
});
