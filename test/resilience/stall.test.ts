// The database engine stalled (SIGSTOP: the process stays, its TCP connections stay open, nothing answers), on an
// engine of this file's own: pages that need the database get the localised 503 within three seconds instead of
// hanging until it returns, the public board, vacancy pages, feed and API answer from the in-memory catalogue, the
// mail worker and the scheduler wait without piling up, and after SIGCONT everything works again without a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Vacancy } from '../../models/Vacancy';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

jest.setTimeout(120_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-stall-'));
const sharedUri = process.env.TEST_MONGODB_URI;
let db: EmbeddedDatabase;
let stopped = false;

// Registered before useTestApp's hooks, so the app connects to this engine.
beforeAll(async () => {
  db = await startEmbeddedDatabase({ dataDir, preferFerret: true });
  process.env.TEST_MONGODB_URI = db.uri;
});

const t = useTestApp();

function stall() {
  process.kill(db.pid, 'SIGSTOP');
  stopped = true;
}

function resume() {
  if (!stopped) return;
  process.kill(db.pid, 'SIGCONT');
  stopped = false;
}

// Never leave the engine stopped, whatever failed.
afterEach(resume);
afterAll(async () => {
  resume();
  t.worker?.stop();
  t.scheduler?.stop();
  process.env.TEST_MONGODB_URI = sharedUri;
  await db?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const LIMIT_MS = 3000;

async function timed<T>(send: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await send();
  return { res, ms: Date.now() - started };
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('condition not reached');
}

it('when the database stalls, then signed-in and database pages get the localised 503 within 3 s while the board, vacancy pages, feed and API answer from memory; after SIGCONT, signed-in pages work again', async () => {
  const school = await makeOrg({ county: '130722', name: '张北县第一中学' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const openedAt = new Date(t.clock.now().getTime() - 60_000);
  const seen = await makeOpenVacancy(school, { title: '初中英语教师（停顿测试）' }, { openedAt });
  // Its page is never opened before the stall: it must come from the catalogue, not from a kept page.
  const unseen = await makeOpenVacancy(school, { title: '初中数学教师（未访问）', subject: 'math' }, { openedAt });
  const candidate = await makeCandidate(t, '停顿考生');
  expect((await submitForm(candidate.agent, `/jobs/${String(seen._id)}/apply`, { consent: '1' })).status).toBe(303);
  const hr = t.agent();
  await loginAs(hr, staff.email);

  // Warm the catalogue and the page cache as visitors would.
  const anon = () => request(t.app);
  expect((await anon().get('/jobs')).text).toContain('初中数学教师（未访问）');
  expect((await anon().get(`/jobs/${String(seen._id)}`)).status).toBe(200);
  expect((await candidate.agent.get('/me/applications')).text).toContain('初中英语教师（停顿测试）');

  stall();
  const [mine, pipeline, drives, board, boardEn, page, pageUnseen, feed, api] = await Promise.all([
    timed(() => candidate.agent.get('/me/applications')),
    timed(() => hr.get(`/manage/vacancies/${String(seen._id)}/applications`)),
    timed(() => anon().get('/announcements')),
    timed(() => anon().get('/jobs')),
    timed(() => anon().get('/jobs?subject=math').set('Accept-Language', 'en')),
    timed(() => anon().get(`/jobs/${String(seen._id)}`)),
    timed(() =>
      anon()
        .get(`/jobs/${String(unseen._id)}`)
        .set('Accept-Language', 'en'),
    ),
    timed(() => anon().get('/jobs/feed.xml')),
    timed(() => anon().get('/api/v1/vacancies')),
  ]);

  // Signed-in pages and a public page read from the database: the localised 503, fast.
  for (const { res, ms } of [mine, pipeline, drives]) {
    expect({ status: res.status, fast: ms < LIMIT_MS }).toEqual({ status: 503, fast: true });
    expect(res.text).toContain('服务暂时不可用，请稍后再试。');
    expect(res.headers['retry-after']).toBe('5');
  }
  // The public pages, from the catalogue, with what they show normally.
  for (const { res, ms } of [board, boardEn, page, pageUnseen, feed, api]) {
    expect({ status: res.status, fast: ms < LIMIT_MS }).toEqual({ status: 200, fast: true });
  }
  expect(board.res.text).toContain('初中英语教师（停顿测试）');
  expect(board.res.text).toContain('初中数学教师（未访问）');
  expect(boardEn.res.text).toContain('初中数学教师（未访问）');
  expect(boardEn.res.text).not.toContain('初中英语教师（停顿测试）');
  expect(page.res.text).toContain('欢迎热爱教育的毕业生报名。'); // the page kept before the stall, whole
  expect(pageUnseen.res.text).toContain('初中数学教师（未访问）');
  expect(pageUnseen.res.text).toContain('张北县第一中学');
  expect(pageUnseen.res.text).toContain('The full description cannot be shown right now');
  expect(feed.res.text).toContain('初中数学教师（未访问）');
  expect((api.res.body as { data: { title: string }[] }).data.map((v) => v.title).sort()).toEqual([
    '初中数学教师（未访问）',
    '初中英语教师（停顿测试）',
  ]);

  // Load balancers hear of it at once, in the health check's own terms.
  const health = await timed(() => anon().get('/healthz'));
  expect({ status: health.res.status, body: health.res.body as unknown, fast: health.ms < 500 }).toEqual({
    status: 503,
    body: { status: 'unavailable', database: 'down', engine: 'ferretdb' },
    fast: true,
  });
  // Still stalled: the next signed-in request is refused at once, and the public pages keep answering.
  const again = await timed(() => candidate.agent.get('/me/applications'));
  expect({ status: again.res.status, atOnce: again.ms < 1000 }).toEqual({ status: 503, atOnce: true });
  expect((await timed(() => anon().get('/jobs/feed.xml'))).ms).toBeLessThan(LIMIT_MS);

  resume();
  await until(async () => (await candidate.agent.get('/me/applications')).status === 200);
  expect((await candidate.agent.get('/me/applications')).text).toContain('初中英语教师（停顿测试）');
  expect((await hr.get(`/manage/vacancies/${String(seen._id)}/applications`)).status).toBe(200);
  // The vacancy page is whole again (the page built from the catalogue was not kept).
  expect(
    (
      await anon()
        .get(`/jobs/${String(unseen._id)}`)
        .set('Accept-Language', 'en')
    ).text,
  ).not.toContain('The full description cannot be shown right now');
});

it('when the database stalls, then the mail worker and the scheduler wait without piling up or holding up a shutdown, and after SIGCONT the queued email goes out and the due jobs run', async () => {
  const school = await makeOrg({ county: '130722' });
  const expired = await makeOpenVacancy(school, { title: '已过截止日期的岗位' });
  const open = await makeOpenVacancy(school, { title: '停顿期间报名的岗位' });
  const candidate = await makeCandidate(t, '邮件考生');
  // An email queued just before the stall (the application's confirmation), not sent yet.
  expect((await submitForm(candidate.agent, `/jobs/${String(open._id)}/apply`, { consent: '1' })).status).toBe(303);
  const before = t.smtp.to(candidate.user.email).length;
  await Vacancy.updateOne({ _id: expired._id }, { $set: { deadline: new Date(t.clock.now().getTime() - 60_000) } });

  stall();
  const ticks = jest.spyOn(t.scheduler, 'tick');
  const passes = jest.spyOn(t.worker, 'runOnce');
  t.scheduler.start(200);
  t.worker.start();
  // Longer than the driver's own wait (heartbeat + connect timeout), after which a pass begun before the silence was
  // noticed has been cut off.
  await new Promise((r) => setTimeout(r, 7000));
  // Nothing went out and nothing piled up: at most the first pass and tick, begun before the silence was noticed.
  expect(t.smtp.to(candidate.user.email)).toHaveLength(before);
  expect(ticks.mock.calls.length + passes.mock.calls.length).toBeLessThanOrEqual(2);
  // No pass is left waiting on the database either: stopping the worker (as a shutdown does) is not held up.
  const stopping = await timed(() => t.worker.stop());
  expect(stopping.ms).toBeLessThan(1000);

  t.worker.start();
  resume();
  await until(async () => t.smtp.to(candidate.user.email).length > before);
  await until(async () => (await Vacancy.findById(expired._id).lean())?.status === 'closed');
  expect((await Vacancy.findById(open._id).lean())?.status).toBe('open');
  await t.worker.stop();
  t.scheduler.stop();
});
