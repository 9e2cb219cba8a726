import { Application } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { MentorActivity } from '../../models/Mentor';
import { Placement } from '../../models/Placement';
import { User } from '../../models/User';
import { seedDemo } from '../../scripts/seed';
import { toActor } from '../../server/services/actor';
import { retention } from '../../server/services/placements';
import { useTestApp } from '../helpers/app';

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
});
