import mongoose from 'mongoose';
import { Announcement } from '../../models/Announcement';
import { Application, Notice } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { Organisation } from '../../models/Organisation';
import { Placement } from '../../models/Placement';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { DEMO_PASSWORD } from '../../scripts/seed';
import { SCALE_ACCOUNTS, seedScale, type ScaleResult } from '../../scripts/seedScale';
import { hebeiUnits, isRuralCounty } from '../../server/services/regions';
import { isShortage } from '../../server/services/taxonomy';
import { useTestApp } from '../helpers/app';
import { loginAs } from '../helpers/http';

const t = useTestApp();
// The pipeline vacancy alone needs 500 distinct applicants, hence 600 candidates.
const SIZE = { vacancies: 300, candidates: 600, applications: 1500 };
let seeded: ScaleResult;

const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

beforeAll(async () => {
  seeded = await seedScale({ ...SIZE, seed: 7, now: t.clock.now(), config: t.config });
}, 60_000);

describe('seed:scale', () => {
  it('when seeded, then the database holds exactly the vacancies, candidates and applications asked for', async () => {
    expect(await Vacancy.countDocuments({})).toBe(SIZE.vacancies);
    expect(await User.countDocuments({ role: 'candidate' })).toBe(SIZE.candidates);
    expect(await CandidateProfile.countDocuments({})).toBe(SIZE.candidates);
    expect(await Application.countDocuments({})).toBe(SIZE.applications);
    expect(await Application.countDocuments({ vacancy: seeded.pipelineVacancyId })).toBe(500);
  });

  it("when the benchmark school's staff member signs in, then the pipeline board lists all 500 applications across the stages", async () => {
    const agent = t.agent();
    await loginAs(agent, SCALE_ACCOUNTS.staff, DEMO_PASSWORD);
    const board = await agent.get(`/manage/vacancies/${seeded.pipelineVacancyId}/applications`);
    expect(board.status).toBe(200);
    expect(count(board.text, /name="ids" value="/g)).toBe(500);
    expect(count(board.text, /class="stage-column"/g)).toBeGreaterThanOrEqual(6);
    const list = await agent.get('/manage/vacancies');
    expect(list.status).toBe(200);
    expect(list.text).toContain(seeded.pipelineVacancyId);
  });

  it('when the benchmark candidate signs in, then they see their 10 applications at different stages and a complete profile', async () => {
    const agent = t.agent();
    await loginAs(agent, SCALE_ACCOUNTS.candidate, DEMO_PASSWORD);
    const mine = await agent.get('/me/applications');
    expect(mine.status).toBe(200);
    expect(count(mine.text, /class="job-card"/g)).toBe(10);
    const states = new Set(mine.text.match(/status status-[a-z_]+/g));
    expect(states.size).toBeGreaterThanOrEqual(6);
    const profile = await agent.get('/me/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('value="100"');
    const first = /href="\/me\/applications\/([a-f0-9]{24})"/.exec(mine.text)![1];
    expect((await agent.get(`/me/applications/${first}`)).status).toBe(200);
  });

  it('when the benchmark coordinator signs in with the demo authenticator, then the region opens to them', async () => {
    const agent = t.agent();
    await loginAs(agent, SCALE_ACCOUNTS.coordinator, DEMO_PASSWORD);
    const orgs = await agent.get('/coordinator/organisations');
    expect(orgs.status).toBe(200);
    expect((await agent.get('/coordinator/reviews')).status).toBe(200);
  });

  it('when anyone opens the job board, then it lists open vacancies, finds them by school and shows the sample vacancy', async () => {
    const sample = await Vacancy.findById(seeded.sampleVacancyId).lean();
    expect(sample).toMatchObject({ status: 'open' });
    const board = await t.agent().get('/jobs');
    expect(board.status).toBe(200);
    expect(count(board.text, /class="job-card"/g)).toBe(20);
    const found = await t.agent().get(`/jobs?q=${encodeURIComponent(sample!.schoolName)}`);
    expect(found.text).toContain(`/jobs/${seeded.sampleVacancyId}`);
    const page = await t.agent().get(`/jobs/${seeded.sampleVacancyId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(sample!.title);
    expect(page.text).toContain(sample!.schoolName);
  });

  it('when seeded, then the data looks like a region: every unit, rural counties, shortage posts open, a spread of stages and sources', async () => {
    const vacancies = await Vacancy.find({}).select({ searchTerms: 0 }).lean();
    const units = new Set(vacancies.map((v) => v.unitCode));
    expect([...units].sort()).toEqual(
      hebeiUnits('zh-CN')
        .map((u) => u.code)
        .sort(),
    );
    const statuses = tally(vacancies.map((v) => v.status));
    expect(statuses.open! / vacancies.length).toBeGreaterThan(0.6);
    expect(statuses.closed).toBeGreaterThan(0);
    expect(statuses.filled).toBeGreaterThan(0);
    expect(new Set(vacancies.map((v) => v.stage)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(vacancies.map((v) => v.subject)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(vacancies.map((v) => v.postType)).size).toBeGreaterThanOrEqual(4);
    expect(vacancies.filter((v) => isRuralCounty(v.countyCode)).length / vacancies.length).toBeGreaterThan(0.3);
    const shortShare = (status: string) => {
      const of = vacancies.filter((v) => v.status === status);
      return of.filter((v) => isShortage(v.subject)).length / of.length;
    };
    expect(shortShare('open')).toBeGreaterThan(shortShare('filled'));
    expect(vacancies.every((v) => v.schoolName && v.countyCode.startsWith('13') && v.unitCode)).toBe(true);
    const schools = await Organisation.find({ kind: 'school', province: 'hebei' }).lean();
    expect(schools.every((s) => s.verification?.state === 'verified')).toBe(true);

    const apps = await Application.find({}).select({ stage: 1, outcome: 1, source: 1, eligibility: 1 }).lean();
    const states = tally(apps.map((a) => a.outcome ?? a.stage));
    expect(Object.keys(states).length).toBeGreaterThanOrEqual(7);
    expect((states.submitted ?? 0) + (states.qualification_review ?? 0)).toBeGreaterThan(apps.length / 2);
    expect(states.rejected).toBeGreaterThan(0);
    const sources = tally(apps.map((a) => a.source));
    expect(Object.keys(sources).sort()).toEqual(['campaign', 'direct', 'recommendation', 'referral']);
    expect(sources.direct).toBeGreaterThan(apps.length / 3);
    expect(apps.some((a) => (a.eligibility as { outcome?: string }).outcome === 'ineligible')).toBe(false);

    // Signed hires already have their placement: the app's sweeper finds nothing to repair.
    expect(await Placement.countDocuments({})).toBe(states.signed ?? 0);
    expect(await t.services.placements.sweep()).toBe(0);
    expect(await Notice.countDocuments({})).toBeGreaterThan(0);
    expect(await Referral.countDocuments({ candidate: null })).toBeGreaterThan(0);
  });

  it('when records are read back through the models, then every one of them validates', async () => {
    for (const model of [
      Organisation,
      User,
      Announcement,
      Vacancy,
      CandidateProfile,
      Application,
      Referral,
      Notice,
      Placement,
    ]) {
      const docs = await (model as unknown as typeof Vacancy).find({}).limit(150);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) await doc.validate();
    }
  });

  it('when the database already holds data, then it is refused unless --fresh, and a seed gives the same data again', async () => {
    await expect(seedScale({ ...SIZE, config: t.config })).rejects.toThrow(/--fresh/);
    const small = { vacancies: 20, candidates: 501, applications: 530, seed: 3, now: t.clock.now(), config: t.config };
    const fingerprint = async () =>
      JSON.stringify(
        await Application.find({})
          .sort({ _id: 1 })
          .select({ vacancy: 1, candidate: 1, stage: 1, outcome: 1, source: 1, submittedAt: 1 })
          .lean(),
      );
    const first = await seedScale({ ...small, fresh: true });
    const before = await fingerprint();
    expect(await Vacancy.countDocuments({})).toBe(20);
    const second = await seedScale({ ...small, fresh: true });
    expect(second.pipelineVacancyId).toBe(first.pipelineVacancyId);
    expect(await fingerprint()).toBe(before);
    expect(await mongoose.connection.db!.collection('applications').countDocuments({})).toBe(530);
  }, 45_000);
});

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
