// The report figures against a small region worked out by hand (the arithmetic is in the comments).
import {
  FactBuilder,
  calendarDays,
  cstYear,
  reachOf,
  type ApplicationIn,
  type PlacementIn,
  type VacancyIn,
} from '../../server/services/reports/facts';
import {
  channels,
  funnel,
  median,
  p90,
  percent,
  retentionCurves,
  shortage,
  time,
  topPartners,
} from '../../server/services/reports/figures';

const NOW = new Date('2026-11-29T10:00:00+08:00');
const d = (day: string) => new Date(`${day}T10:00:00+08:00`);

// V1: 张北县 (rural), junior English (shortage), special post, 3 wanted, closed with 2 hires.
// V2: 桥东区 (urban), junior maths, established, 2 wanted, open, no hire yet.
// V3: 安次区 (urban), senior physics, contract, 1 wanted, filled.
const vacancies: VacancyIn[] = [
  v('V1', '2025-03-01', 'closed', 3, '1307', '130722', 'junior', 'english', 'special_post', 'A1'),
  v('V2', '2026-04-01', 'open', 2, '1307', '130702', 'junior', 'math', 'established', 'A2'),
  v('V3', '2025-05-01', 'filled', 1, '1310', '131002', 'senior', 'physics', 'contract', null),
];
const SPECIAL = [
  'submitted',
  'qualification_review',
  'written_exam',
  'interview',
  'medical',
  'background_check',
  'public_notice',
  'pre_service_training',
  'signed',
];
const applications: ApplicationIn[] = [
  // a1: signed through partner P; offer (training) 88 days after applying (5 Mar → 1 Jun); signed 10 Jun.
  app('a1', 'V1', 'signed', '2025-03-05', {
    partner: 'P',
    history: SPECIAL.map((to, k) => ({
      to,
      at: d(
        [
          '2025-03-05',
          '2025-03-15',
          '2025-04-01',
          '2025-05-01',
          '2025-05-15',
          '2025-05-20',
          '2025-05-25',
          '2025-06-01',
          '2025-06-10',
        ][k]!,
      ),
    })),
  }),
  // a2: signed directly; training 6 Jun (92 days after 6 Mar), signed 20 Jun; left early in March 2026.
  app('a2', 'V1', 'signed', '2025-03-06', {
    history: [
      { to: 'submitted', at: d('2025-03-06') },
      { to: 'pre_service_training', at: d('2025-06-06') },
      { to: 'signed', at: d('2025-06-20') },
    ],
  }),
  app('a3', 'V1', 'qualification_review', '2025-03-07', { outcome: 'rejected', reason: 'qualification' }),
  app('a4', 'V1', 'written_exam', '2025-03-08', { outcome: 'absent', partner: 'P' }),
  app('a5', 'V1', 'written_exam', '2025-03-09', { outcome: 'rejected', reason: 'score', written: 55 }),
  app('a6', 'V1', 'interview', '2025-03-10', { outcome: 'rejected', reason: 'score', written: 70, interview: 60 }),
  app('a7', 'V2', 'qualification_review', '2026-04-10', {}),
  app('a8', 'V2', 'interview', '2026-04-11', { written: 80 }),
  // a9: from partner P's campus drive D; offer on 1 June, 50 days after 12 April.
  app('a9', 'V2', 'offer', '2026-04-12', {
    partner: 'P',
    referral: 'R',
    history: [
      { to: 'submitted', at: d('2026-04-12') },
      { to: 'offer', at: d('2026-06-01') },
    ],
  }),
  // a10: contract pipeline (no written exam, medical or notice), paired school S; offer 17 days after 3 May.
  app('a10', 'V3', 'signed', '2025-05-03', {
    partner: 'S',
    history: [
      { to: 'submitted', at: d('2025-05-03') },
      { to: 'qualification_review', at: d('2025-05-05') },
      { to: 'interview', at: d('2025-05-10') },
      { to: 'offer', at: d('2025-05-20') },
      { to: 'signed', at: d('2025-05-25') },
    ],
  }),
];
const placements: PlacementIn[] = [
  p('a1', 'V1', '1307', '130722', 'special_post', '2025-09-01', 'active', { mentor: 'M', partner: 'P' }),
  p('a2', 'V1', '1307', '130722', 'special_post', '2025-09-01', 'left_early', {
    leftAt: '2026-03-01',
    reason: 'distance',
  }),
  p('a10', 'V3', '1310', '131002', 'contract', '2025-09-01', 'transferred', { leftAt: '2025-12-01', partner: 'S' }),
  // An older teacher whose application is not in the feed: in post two years, gone before the third.
  p('a0', 'V3', '1310', '131002', 'contract', '2023-09-01', 'left_early', { leftAt: '2025-10-01', reason: 'pay' }),
];

function v(
  id: string,
  opened: string,
  status: string,
  headcount: number,
  unitCode: string,
  countyCode: string,
  stage: string,
  subject: string,
  postType: string,
  announcement: string | null,
): VacancyIn {
  return {
    _id: id,
    openedAt: d(opened),
    status,
    headcount,
    unitCode,
    countyCode,
    stage,
    subject,
    postType,
    announcement,
  };
}
function app(
  id: string,
  vacancy: string,
  stage: string,
  submitted: string,
  o: {
    outcome?: string;
    reason?: string;
    written?: number;
    interview?: number;
    partner?: string;
    referral?: string;
    history?: { to: string; at: Date }[];
  },
): ApplicationIn {
  return {
    _id: id,
    vacancy,
    stage,
    outcome: o.outcome ?? null,
    rejectReason: o.reason ?? null,
    scores: { written: o.written ?? null, interview: o.interview ?? null },
    submittedAt: d(submitted),
    history: o.history ?? [{ to: 'submitted', at: d(submitted) }],
    sourcePartner: o.partner ?? null,
    referral: o.referral ?? null,
  };
}
function p(
  application: string,
  vacancy: string,
  unitCode: string,
  countyCode: string,
  postType: string,
  start: string,
  status: string,
  o: { leftAt?: string; reason?: string; mentor?: string; partner?: string },
): PlacementIn {
  return {
    application,
    vacancy,
    unitCode,
    countyCode,
    postType,
    startDate: d(start),
    status,
    leftAt: o.leftAt ? d(o.leftAt) : null,
    leaveReason: o.reason ?? null,
    mentor: o.mentor ?? null,
    sourcePartner: o.partner ?? null,
  };
}

function build(apps = applications, places = placements, vacs = vacancies) {
  const b = new FactBuilder(NOW, vacs, places, new Map([['R', 'D']]));
  for (const a of apps) b.addApplication(a);
  return b.facts();
}

describe('report arithmetic', () => {
  it('counts calendar days and years in Beijing time', () => {
    expect(calendarDays(d('2025-03-05'), d('2025-06-01'))).toBe(88);
    // 23:30 on 31 December in Beijing is 15:30 UTC: still the old year, and one calendar day before 00:30.
    expect(cstYear(new Date('2025-12-31T15:30:00Z'))).toBe(2025);
    expect(cstYear(new Date('2025-12-31T16:30:00Z'))).toBe(2026);
    expect(calendarDays(new Date('2025-12-31T15:30:00Z'), new Date('2025-12-31T16:30:00Z'))).toBe(1);
  });

  it('takes the median and the nearest-rank 90th percentile, also for empty, single and tied samples', () => {
    expect([median([]), p90([])]).toEqual([null, null]);
    expect([median([7]), p90([7])]).toEqual([7, 7]);
    expect([median([5, 5, 5]), p90([5, 5, 5])]).toEqual([5, 5]);
    expect([median([24, 101]), p90([24, 101])]).toEqual([62.5, 101]);
    expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(9);
    expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(10);
    expect([percent(0, 0), percent(1, 3), percent(7, 8)]).toEqual([null, 33, 88]);
  });

  it('places each application on the funnel by its stage, scores and placement', () => {
    const reach = (id: string) =>
      reachOf(
        applications.find((a) => a._id === id)!,
        placements.find((x) => x.application === id),
        NOW,
      );
    // rejected at review 0 · absent from the exam 1 · failed the exam 2 · failed the interview 3 · offer 5
    // · placed and gone within the year 7 · placed and still there after a year 8 · contract post signed 7
    expect(['a3', 'a4', 'a5', 'a6', 'a8', 'a9', 'a2', 'a1', 'a10'].map(reach)).toEqual([0, 1, 2, 3, 2, 5, 7, 8, 7]);
    // Signed but not started yet: signed, not placed.
    expect(reachOf(applications[0]!, { ...placements[0]!, startDate: d('2027-01-01') }, NOW)).toBe(6);
  });
});

describe('shortage', () => {
  it('when no unit is chosen, then it counts unfilled headcount by unit and subject, largest gap first', () => {
    const s = shortage(build(), {});
    expect(s.by).toBe('unit');
    expect(s.rows).toEqual(['1307', '1310']);
    // V1: 3 wanted − 2 signed = 1; V2: 2 − 0 = 2; V3 filled: 0.
    expect(s.cells.map((c) => [c.row, c.subject, c.unfilled, c.headcount, c.hires]).sort()).toEqual([
      ['1307', 'english', 1, 3, 2],
      ['1307', 'math', 2, 2, 0],
      ['1310', 'physics', 0, 1, 1],
    ]);
    expect(s.total).toEqual({ headcount: 6, hires: 3, unfilled: 3 });
  });

  it('when a unit is chosen, then rows are its counties; a stage or year narrows it', () => {
    const s = shortage(build(), { unit: '1307' });
    expect(s.by).toBe('county');
    expect(s.rows).toEqual(['130702', '130722']);
    expect(shortage(build(), { stage: 'senior' }).cells.map((c) => c.subject)).toEqual(['physics']);
    expect(shortage(build(), { year: 2026 }).total).toEqual({ headcount: 2, hires: 0, unfilled: 2 });
  });

  it('when there is nothing, then there are no rows and zero totals', () => {
    const s = shortage(build([], [], []), {});
    expect([s.rows, s.cells, s.total]).toEqual([[], [], { headcount: 0, hires: 0, unfilled: 0 }]);
  });
});

describe('funnel', () => {
  it('counts each step and the pass-through from the previous one', () => {
    const f = funnel(build(), {});
    expect(f.steps.map((s) => s.count)).toEqual([10, 8, 7, 5, 4, 4, 3, 3, 1]);
    // 8/10, 7/8, 5/7, 4/5, 4/4, 3/4, 3/3, and in post after a year: 1 of the 3 placed a year or more ago.
    expect(f.steps.map((s) => s.rate)).toEqual([null, 80, 88, 71, 80, 100, 75, 100, 33]);
    expect(f.steps[8]!.base).toBe(3);
    // Ties in count are listed alphabetically by key.
    expect(f.exits).toEqual([
      { key: 'score', count: 2 },
      { key: 'absent', count: 1 },
      { key: 'qualification', count: 1 },
    ]);
  });

  it("signed equals the placements created for the period's applications", () => {
    const facts = build();
    const signed2025 = funnel(facts, { year: 2025 }).steps.find((s) => s.key === 'signed')!.count;
    const created = placements.filter((x) =>
      applications.some((a) => a._id === x.application && cstYear(a.submittedAt) === 2025),
    ).length;
    expect(signed2025).toBe(created);
    expect(funnel(facts, { year: 2026 }).steps.map((s) => s.count)).toEqual([3, 2, 2, 1, 1, 1, 0, 0, 0]);
  });

  it('when an announcement is chosen, then only its vacancies count', () => {
    // A1 holds V1 only: a1–a6.
    expect(funnel(build(), { announcement: 'A1' }).steps.map((s) => s.count)).toEqual([6, 5, 4, 3, 2, 2, 2, 2, 1]);
    expect(shortage(build(), { announcement: 'A2' }).total).toEqual({ headcount: 2, hires: 0, unfilled: 2 });
  });

  it('when there are no applications, then every step is zero and no rate is invented', () => {
    const f = funnel(build([], [], vacancies), {});
    expect(f.steps.every((s) => s.count === 0 && (s.rate === null || s.rate === undefined))).toBe(true);
    expect(f.exits).toEqual([]);
  });
});

describe('time', () => {
  it('gives the median and 90th percentile of days to fill and to offer', () => {
    const tm = time(build(), {}, 'place');
    // To fill: V1 1 Mar → 10 Jun = 101 days, V3 1 May → 25 May = 24 days.
    expect(tm.all.fill).toEqual({ n: 2, median: 62.5, p90: 101 });
    // To offer: 17, 50, 88, 92.
    expect(tm.all.offer).toEqual({ n: 4, median: 69, p90: 92 });
    expect(tm.rows.map((r) => [r.key, r.fill.median, r.offer.median])).toEqual([
      ['1307', 101, 88],
      ['1310', 24, 17],
    ]);
    expect(time(build(), {}, 'postType').rows.map((r) => [r.key, r.offer.n])).toEqual([
      ['contract', 1],
      ['established', 1],
      ['special_post', 2],
    ]);
  });
});

describe('channels', () => {
  it('counts applications, hires and one-year retention by channel, a campus drive apart from its university', () => {
    expect(channels(build(), {}).map((r) => [r.channel, r.applications, r.hires, r.yearBase, r.retention])).toEqual([
      ['direct', 6, 1, 1, 0],
      ['partner:P', 2, 1, 1, 100],
      ['partner:S', 1, 1, 1, 0],
      ['drive:D', 1, 0, 0, null],
    ]);
  });

  it('ranks partners by hires into shortage subjects, then rural counties', () => {
    expect(topPartners(build(), {})).toEqual([
      { partner: 'P', hires: 1, shortage: 1, rural: 1 },
      { partner: 'S', hires: 1, shortage: 0, rural: 0 },
    ]);
    expect(topPartners(build(), {}, 1)).toHaveLength(1);
  });
});

describe('retention', () => {
  it('draws cohort curves at 1, 2 and 3 years over those old enough, and splits by mentor and post type', () => {
    const r = retentionCurves(build(), {});
    const pts = (c: { points: { percent: number | null }[] }) => c.points.map((x) => x.percent);
    expect(r.cohorts.map((c) => [c.key, pts(c)])).toEqual([
      ['2023', [100, 100, 0]],
      ['2025', [33, null, null]],
    ]);
    expect(r.all.points.map((x) => [x.base, x.stayed])).toEqual([
      [4, 2],
      [1, 1],
      [1, 0],
    ]);
    expect(r.mentor.map((c) => [c.key, pts(c)[0]])).toEqual([
      ['yes', 100],
      ['no', 33],
    ]);
    expect(r.postTypes.map((c) => [c.key, pts(c)[0]])).toEqual([
      ['contract', 50],
      ['special_post', 50],
    ]);
    expect(r.reasons).toEqual([
      { key: 'distance', count: 1 },
      { key: 'pay', count: 1 },
      { key: 'transferred', count: 1 },
    ]);
  });

  it('when one cohort is chosen, then only its placements count', () => {
    const r = retentionCurves(build(), { year: 2023 });
    expect(r.all.points.map((x) => x.percent)).toEqual([100, 100, 0]);
    expect(retentionCurves(build(), { year: 2030 }).cohorts).toEqual([]);
  });
});
