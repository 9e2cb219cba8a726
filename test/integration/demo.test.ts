import { trusted } from 'mongoose';
import { Application } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { MentorActivity } from '../../models/Mentor';
import { Placement } from '../../models/Placement';
import { User } from '../../models/User';
import { seedDemo } from '../../scripts/seed';
import { toActor } from '../../server/services/actor';
import { retention } from '../../server/services/placements';
import { useTestApp } from '../helpers/app';
import { cstYear } from '../../server/services/reports/facts';
import { channels, funnel, retentionCurves, shortage, time, topPartners } from '../../server/services/reports/figures';

// Seeding the whole demo region (three recruitment years) takes a while on a busy machine.
jest.setTimeout(120_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

describe('demo data', () => {
  it('gives every hire a living placement, with check-in answers, mentor activity and non-trivial retention', async () => {
    expect(
      await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, ifEmpty: true, now: t.clock.now() }),
    ).toBe(true);
    await t.services.placements.sweep(); // what the first scheduler run does at start
    const signed = await Application.find({ stage: 'signed' }).select({ _id: 1 }).lean();
    expect(signed.length).toBeGreaterThan(10);
    expect(await Placement.countDocuments({})).toBe(signed.length);

    const states = await Placement.distinct('status');
    expect(states.sort()).toEqual(['active', 'completed', 'left_early', 'onboarding', 'suspended', 'transferred']);
    const cohorts = new Set(
      (await Placement.find({}).select({ startDate: 1 }).lean()).map((p) => p.startDate.getUTCFullYear()),
    );
    expect([...cohorts].sort()).toEqual(expect.arrayContaining([2024, 2025, 2026]));
    expect(await CheckIn.countDocuments({ status: 'answered' })).toBeGreaterThan(20);
    expect(await MentorActivity.countDocuments({})).toBeGreaterThan(10);

    const coordinator = await User.findOne({ role: 'coordinator', scopeUnit: null }).lean();
    const r = retention(await t.services.placements.registry(toActor(coordinator!), {}), t.clock.now());
    expect(r.oneYear.base).toBeGreaterThan(5);
    expect(r.oneYear.percent).toBeGreaterThan(0);
    expect(r.oneYear.percent).toBeLessThan(100);
    expect(r.commitment.base).toBeGreaterThan(0);
  });

  it("gives every report something to show, and the reports' numbers agree with each other and the registry", async () => {
    // Seeded and swept by the test above (one database per file).
    const coordinator = await User.findOne({ role: 'coordinator', scopeUnit: null }).lean();
    const actor = toActor(coordinator!);
    await t.services.reports.build(t.clock.now());
    const { facts } = await t.services.reports.data(actor, {});
    for (const year of [2024, 2025, 2026]) {
      const f = { year };
      const signed = funnel(facts, f).steps.find((s) => s.key === 'signed')!.count;
      const placed = await Placement.find({}).select({ application: 1 }).lean();
      const apps = await Application.find({ _id: trusted({ $in: placed.map((p) => p.application) }) })
        .select({ submittedAt: 1 })
        .lean();
      // The funnel's "signed" is the placements created for that year's applications, and the channels' hires add up to it.
      expect(signed).toBe(apps.filter((a) => cstYear(a.submittedAt) === year).length);
      expect(signed).toBeGreaterThan(5);
      expect(channels(facts, f).reduce((n, r) => n + r.hires, 0)).toBe(signed);
      expect(shortage(facts, f).cells.length).toBeGreaterThan(3);
    }
    // One-year retention in the reports equals the registry's, over every placement.
    const registry = retention(await t.services.placements.registry(actor, {}), t.clock.now());
    const curves = retentionCurves(facts, {});
    expect([curves.all.points[0]!.base, curves.all.points[0]!.stayed]).toEqual([
      registry.oneYear.base,
      registry.oneYear.stayed,
    ]);
    // The demo tells a story: mentored teachers stay better, several partners deliver, and some posts stay unfilled.
    const mentor = Object.fromEntries(curves.mentor.map((c) => [c.key, c.points[0]!.percent!]));
    expect(mentor.yes).toBeGreaterThan(mentor.no! + 10);
    expect(topPartners(facts, {}).filter((p) => p.shortage > 0).length).toBeGreaterThanOrEqual(3);
    expect(shortage(facts, {}).total.unfilled).toBeGreaterThan(10);
    expect(curves.cohorts.filter((c) => c.points[1]!.base > 0).length).toBeGreaterThanOrEqual(1);
    const days = time(facts, {}, 'place').all;
    expect(days.fill.n).toBeGreaterThan(10);
    expect(days.fill.median).toBeGreaterThan(0);
    expect(facts.filter((x) => x.days.some((d) => d < 0))).toEqual([]);
  });

  it('when the demo reports are read, then their figures are plausible: hiring takes weeks, places differ, shares stay within 0–100% and retention only falls', async () => {
    // Seeded by the first test (one database per file).
    const coordinator = await User.findOne({ role: 'coordinator', scopeUnit: null }).lean();
    await t.services.reports.build(t.clock.now());
    const { facts } = await t.services.reports.data(toActor(coordinator!), {});
    for (const by of ['place', 'postType'] as const) {
      const { all, rows } = time(facts, {}, by);
      // A statutory round (exam, interview, medical, notice) takes weeks: never a day or half of one.
      const implausible: string[] = [];
      for (const row of [all, ...rows]) {
        for (const [what, spread] of [
          ['fill', row.fill],
          ['offer', row.offer],
        ] as const) {
          if (spread.n === 0) continue;
          const { median, p90 } = spread as { median: number; p90: number };
          if (!(median >= 14 && p90 >= median && p90 < 366)) {
            implausible.push(`${by} ${row.key || 'all'} ${what}: median ${median}, p90 ${p90}`);
          }
        }
      }
      expect(implausible).toEqual([]);
      // Places and post types are not all alike: their medians and 90th percentiles differ.
      const busy = rows.filter((r) => r.fill.n >= 3);
      expect(busy.length).toBeGreaterThanOrEqual(3);
      expect(new Set(busy.map((r) => r.fill.p90)).size).toBeGreaterThan(1);
      expect(new Set(busy.map((r) => r.fill.median)).size).toBeGreaterThan(1);
      const offered = rows.filter((r) => r.offer.n >= 3);
      expect(new Set(offered.map((r) => r.offer.p90)).size).toBeGreaterThan(1);
    }
    for (const year of [undefined, 2024, 2025, 2026]) {
      const steps = funnel(facts, { year }).steps;
      for (const [k, step] of steps.entries()) {
        if (step.rate !== null) expect(step.rate).toBeGreaterThanOrEqual(0);
        if (step.rate !== null) expect(step.rate).toBeLessThanOrEqual(100);
        if (k > 0 && step.key !== 'retained') expect(step.count).toBeLessThanOrEqual(steps[k - 1]!.count);
      }
      for (const row of channels(facts, { year })) {
        expect(row.hires).toBeLessThanOrEqual(row.applications);
        if (row.retention !== null) expect(row.retention).toBeLessThanOrEqual(100);
      }
    }
    // Each cohort's share still in post only falls from one anniversary to the next (curves that mix cohorts, by
    // post type or mentor, compare different people at each anniversary and need not).
    const curves = retentionCurves(facts, {});
    for (const c of [curves.all, ...curves.postTypes, ...curves.mentor]) {
      for (const p of c.points) if (p.percent !== null) expect(p.percent).toBeLessThanOrEqual(100);
    }
    expect(curves.cohorts.length).toBeGreaterThanOrEqual(2);
    for (const c of curves.cohorts) {
      const shares = c.points.map((p) => p.percent).filter((p): p is number => p !== null);
      expect({ cohort: c.key, shares }).toEqual({ cohort: c.key, shares: [...shares].sort((a, b) => b - a) });
    }
  });
});
