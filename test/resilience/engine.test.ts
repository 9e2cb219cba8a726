// The database engine killed (SIGKILL) in the middle of a stream of pipeline moves, on an engine of this file's own:
// requests in the gap fail cleanly (303 or a 503 page, never a 500), the engine is started again by its supervisor,
// the app carries on without a restart, every application either moved with its history entry or not at all, and
// each candidate hears of each real move exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Application } from '../../models/Application';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { stagesOf } from '../../server/services/applications';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

jest.setTimeout(180_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-engine-kill-'));
const sharedUri = process.env.TEST_MONGODB_URI;
let db: EmbeddedDatabase;
const engineLog: string[] = [];

// Registered before useTestApp's hooks, so the app connects to this engine.
beforeAll(async () => {
  // Down for four seconds after a crash: longer than the driver's three-second wait, so requests see the outage.
  db = await startEmbeddedDatabase({
    dataDir,
    preferFerret: true,
    restartDelayMs: 4000,
    log: (m) => engineLog.push(m),
  });
  process.env.TEST_MONGODB_URI = db.uri;
});

const t = useTestApp();

afterAll(async () => {
  process.env.TEST_MONGODB_URI = sharedUri;
  await db?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const APPLICANTS = 12;

it('a killed engine mid-stream: clean failures, restarted by its supervisor, no half-written move, one email per move', async () => {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school, { headcount: 3 });
  const candidates = [];
  for (let i = 0; i < APPLICANTS; i += 1) {
    const c = await makeCandidate(t, `考生${i}`);
    expect((await submitForm(c.agent, `/jobs/${String(vacancy._id)}/apply`, { consent: '1' })).status).toBe(303);
    candidates.push(c.user);
  }
  const apps = await Application.find({ vacancy: vacancy._id }).lean();
  const stages = stagesOf(apps[0]!.pipeline);
  const target = stages[2]!; // two moves each: submitted → qualification review → the next stage
  const school1 = t.agent();
  await loginAs(school1, staff.email);
  const token = csrfFrom((await school1.get(`/manage/applications/${String(apps[0]!._id)}`)).text);

  const statuses = new Map<number, number>();
  let succeeded = 0;
  let killedAt = 0;
  let progressAt = Date.now();
  const stageOf = new Map(apps.map((a) => [String(a._id), a.stage]));
  const pending = new Set(apps.map((a) => String(a._id)));
  const stream = async (lane: number) => {
    const deadline = Date.now() + 120_000;
    while (pending.size > 0 && Date.now() < deadline) {
      const ids = [...pending];
      const id = ids[(lane + Math.floor(Math.random() * ids.length)) % ids.length]!;
      const res = await school1
        .post(`/manage/applications/${id}/move`)
        .type('form')
        .send({ _csrf: token, action: 'advance' });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 503) expect(res.text).toContain('服务暂时不可用'); // the localised page, not a stack
      if (res.status === 303) {
        succeeded += 1;
        const now = await Application.findById(id)
          .select({ stage: 1 })
          .lean()
          .catch(() => null);
        if (now?.stage === target) pending.delete(id);
        if (now && now.stage !== stageOf.get(id)) {
          stageOf.set(id, now.stage);
          progressAt = Date.now();
        }
      }
      // Kill the engine once the stream is under way; its supervisor starts it again on the same port.
      if (succeeded >= 4 && !killedAt) {
        killedAt = Date.now();
        process.kill(db.pid, 'SIGKILL');
      }
      if (res.status === 503) await new Promise((r) => setTimeout(r, 100));
      // A claim orphaned by the kill stays until it is a minute old: when the stream stalls, time moves on.
      if (killedAt && Date.now() - progressAt > 3000) {
        t.clock.advance(61_000);
        progressAt = Date.now();
      }
    }
  };
  await Promise.all([0, 1, 2].map(stream));

  expect(killedAt).toBeGreaterThan(0);
  expect(db.restarts).toBe(1);
  expect(engineLog.join('\n')).toMatch(/stopped unexpectedly \(SIGKILL\)/);
  // Every request answered with a redirect (moved, or a conflict to retry) or a clean 503: nothing else.
  expect([...statuses.keys()].sort()).toEqual([303, 503]);
  expect(pending.size).toBe(0);

  // No half-written move: each application's version counts its history, and its last entry is where it stands.
  const after = await Application.find({ vacancy: vacancy._id }).lean();
  for (const app of after) {
    expect({ stage: app.stage, version: app.version, history: app.history.map((h) => h.to) }).toEqual({
      stage: target,
      version: 2,
      history: ['submitted', stages[1], target],
    });
  }
  expect((await school1.get('/healthz')).status).toBe(200);

  // Each candidate hears of each of their two moves once (an attempt cut off by the kill sends nothing of its own).
  await t.deliver();
  for (const candidate of candidates) {
    const moves = t.smtp.to(candidate.email).filter((m) => m.subject.startsWith('报名进展'));
    expect(moves).toHaveLength(2);
  }
});
