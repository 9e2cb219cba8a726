// The figures of the coordinator's reports, computed from snapshot facts: every chart, table and CSV reads one of
// these, so that they all agree. Pure functions; names and translations are added by the presenter.
import { isShortage } from '../taxonomy';
import { isRuralCounty } from '../regions';
import { FUNNEL_STEPS, PLACED, RETAINED, SIGNED, type Fact, type FactKind } from './facts';

export interface Filters {
  year?: number;
  unit?: string;
  county?: string;
  stage?: string;
  subject?: string;
  postType?: string;
  announcement?: string;
}

export const FILTER_KEYS = ['year', 'unit', 'county', 'stage', 'subject', 'postType', 'announcement'] as const;

/** The facts of one kind that pass every filter (the year is the vacancy's, application's or cohort's year). */
export function select(facts: Fact[], kind: FactKind, f: Filters): Fact[] {
  return facts.filter(
    (x) =>
      x.kind === kind &&
      (f.year === undefined || x.year === f.year) &&
      (!f.unit || x.unit === f.unit) &&
      (!f.county || x.county === f.county) &&
      (!f.stage || x.stage === f.stage) &&
      (!f.subject || x.subject === f.subject) &&
      (!f.postType || x.postType === f.postType) &&
      (!f.announcement || x.announcement === f.announcement),
  );
}

const sum = (facts: Fact[], pick: (f: Fact) => number) => facts.reduce((s, f) => s + pick(f), 0);

/** A share in whole percent, or null when there is nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((100 * part) / whole);
}

/** The median of sorted values: the middle one, or the mean of the two middle ones; null when empty. */
export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The 90th percentile of sorted values by nearest rank (a value that really occurred); null when empty. */
export function p90(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.ceil(0.9 * sorted.length) - 1]!;
}

function sortedDays(facts: Fact[]): number[] {
  return facts.flatMap((f) => f.days).sort((a, b) => a - b);
}

// ---- Shortage ----------------------------------------------------------------------------------------------------

export interface ShortageCell {
  row: string;
  subject: string;
  vacancies: number;
  headcount: number;
  hires: number;
  unfilled: number;
}
export interface Shortage {
  by: 'unit' | 'county';
  rows: string[];
  subjects: string[];
  cells: ShortageCell[];
  total: { headcount: number; hires: number; unfilled: number };
}

/**
 * Unfilled headcount (headcount minus signed hires, of vacancies still open or closed unfilled) by unit, or by
 * county once a unit is chosen, and subject. Rows and columns are those with any published headcount.
 */
export function shortage(facts: Fact[], f: Filters): Shortage {
  const by = f.unit ? 'county' : 'unit';
  const chosen = select(facts, 'vacancy', f);
  const cells = new Map<string, ShortageCell>();
  for (const x of chosen) {
    const row = by === 'unit' ? x.unit : x.county;
    const key = `${row}|${x.subject}`;
    const cell = cells.get(key) ?? { row, subject: x.subject, vacancies: 0, headcount: 0, hires: 0, unfilled: 0 };
    cell.vacancies += x.n;
    cell.headcount += x.headcount;
    cell.hires += x.hires;
    cell.unfilled += x.unfilled;
    cells.set(key, cell);
  }
  const list = [...cells.values()];
  const rowTotals = new Map<string, number>();
  for (const c of list) rowTotals.set(c.row, (rowTotals.get(c.row) ?? 0) + c.unfilled);
  return {
    by,
    // Rows with the most unfilled posts first (ties by code, which follows the official order).
    rows: [...rowTotals.keys()].sort((a, b) => rowTotals.get(b)! - rowTotals.get(a)! || a.localeCompare(b)),
    subjects: [...new Set(list.map((c) => c.subject))],
    cells: list,
    total: {
      headcount: sum(chosen, (x) => x.headcount),
      hires: sum(chosen, (x) => x.hires),
      unfilled: sum(chosen, (x) => x.unfilled),
    },
  };
}

// ---- Funnel ------------------------------------------------------------------------------------------------------

export interface FunnelStep {
  key: (typeof FUNNEL_STEPS)[number];
  count: number;
  /** Of the previous step, the share that got here; for "retained", of those placed a year or more ago. */
  rate: number | null;
  base: number;
}
export interface Funnel {
  steps: FunnelStep[];
  /** Why applications left: each rejection reason, then withdrawn and absent. */
  exits: { key: string; count: number }[];
}

export function funnel(facts: Fact[], f: Filters): Funnel {
  const chosen = select(facts, 'application', f);
  const reached = (k: number) => sum(chosen, (x) => (x.reach >= k ? x.n : 0));
  const steps = FUNNEL_STEPS.map((key, k): FunnelStep => {
    const count = reached(k);
    if (k === 0) return { key, count, rate: null, base: count };
    // A placement can only be "in post after a year" once a year has passed: the base is those placed that long ago.
    const base = k === RETAINED ? sum(chosen, (x) => (x.reach >= PLACED && x.due ? x.n : 0)) : reached(k - 1);
    return { key, count, rate: percent(count, base), base };
  });
  const exits = new Map<string, number>();
  for (const x of chosen) {
    if (!x.outcome) continue;
    const key = x.outcome === 'rejected' ? x.reason : x.outcome;
    exits.set(key, (exits.get(key) ?? 0) + x.n);
  }
  return {
    steps,
    exits: [...exits.entries()]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
  };
}

// ---- Time --------------------------------------------------------------------------------------------------------

export interface Spread {
  n: number;
  median: number | null;
  p90: number | null;
}
export interface TimeRow {
  key: string;
  fill: Spread;
  offer: Spread;
}

function spread(facts: Fact[]): Spread {
  const days = sortedDays(facts);
  return { n: days.length, median: median(days), p90: p90(days) };
}

/**
 * Days from a vacancy's opening to its first signed hire (time to fill), and from an application to its offer,
 * by unit (by county once a unit is chosen) or by post type; the first row is everything together.
 */
export function time(facts: Fact[], f: Filters, by: 'place' | 'postType'): { all: TimeRow; rows: TimeRow[] } {
  const vacancies = select(facts, 'vacancy', f);
  const applications = select(facts, 'application', f);
  const keyOf = (x: Fact) => (by === 'postType' ? x.postType : f.unit ? x.county : x.unit);
  const keys = [...new Set([...vacancies, ...applications].filter((x) => x.days.length > 0).map(keyOf))].sort();
  return {
    all: { key: '', fill: spread(vacancies), offer: spread(applications) },
    rows: keys.map((key) => ({
      key,
      fill: spread(vacancies.filter((x) => keyOf(x) === key)),
      offer: spread(applications.filter((x) => keyOf(x) === key)),
    })),
  };
}

// ---- Channels ----------------------------------------------------------------------------------------------------

export interface ChannelRow {
  channel: string;
  applications: number;
  hires: number;
  /** Hires placed a year or more ago, and of those the ones still in post. */
  yearBase: number;
  retained: number;
  retention: number | null;
}
export interface PartnerRow {
  partner: string;
  hires: number;
  shortage: number;
  rural: number;
}

/** Applications, hires and one-year retention by where the application came from; busiest channel first. */
export function channels(facts: Fact[], f: Filters): ChannelRow[] {
  const rows = new Map<string, ChannelRow>();
  for (const x of select(facts, 'application', f)) {
    const row = rows.get(x.channel) ?? {
      channel: x.channel,
      applications: 0,
      hires: 0,
      yearBase: 0,
      retained: 0,
      retention: null,
    };
    row.applications += x.n;
    if (x.reach >= SIGNED) row.hires += x.n;
    if (x.reach >= PLACED && x.due) row.yearBase += x.n;
    if (x.reach >= RETAINED) row.retained += x.n;
    rows.set(x.channel, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, retention: percent(r.retained, r.yearBase) }))
    .sort((a, b) => b.hires - a.hires || b.applications - a.applications || a.channel.localeCompare(b.channel));
}

/** Partners (drives included) by hires into shortage subjects, then into rural counties; the top `limit`. */
export function topPartners(facts: Fact[], f: Filters, limit = 10): PartnerRow[] {
  const rows = new Map<string, PartnerRow>();
  for (const x of select(facts, 'application', f)) {
    if (!x.partner || x.reach < SIGNED) continue;
    const row = rows.get(x.partner) ?? { partner: x.partner, hires: 0, shortage: 0, rural: 0 };
    row.hires += x.n;
    if (isShortage(x.subject)) row.shortage += x.n;
    if (isRuralCounty(x.county)) row.rural += x.n;
    rows.set(x.partner, row);
  }
  return [...rows.values()]
    .sort(
      (a, b) => b.shortage - a.shortage || b.rural - a.rural || b.hires - a.hires || a.partner.localeCompare(b.partner),
    )
    .slice(0, limit);
}

// ---- Retention ---------------------------------------------------------------------------------------------------

export interface Curve {
  key: string;
  /** At 1, 2 and 3 years: placements old enough, those still in post, and the share. */
  points: { base: number; stayed: number; percent: number | null }[];
}

function curve(key: string, facts: Fact[]): Curve {
  return {
    key,
    points: [1, 2, 3].map((k) => {
      const base = sum(facts, (x) => (x.due >= k ? x.n : 0));
      const stayed = sum(facts, (x) => (x.due >= k && x.served >= k ? x.n : 0));
      return { base, stayed, percent: percent(stayed, base) };
    }),
  };
}

function curvesBy(facts: Fact[], keyOf: (x: Fact) => string): Curve[] {
  const keys = [...new Set(facts.map(keyOf))].sort();
  return keys.map((key) =>
    curve(
      key,
      facts.filter((x) => keyOf(x) === key),
    ),
  );
}

export interface Retention {
  all: Curve;
  cohorts: Curve[];
  postTypes: Curve[];
  mentor: Curve[];
  /** Why teachers left before their commitment ended (transfers included), most frequent first. */
  reasons: { key: string; count: number }[];
}

/** Share still in post 1, 2 and 3 years after the start, by start year, post type and whether a mentor was assigned. */
export function retentionCurves(facts: Fact[], f: Filters): Retention {
  const chosen = select(facts, 'placement', f);
  const reasons = new Map<string, number>();
  for (const x of chosen) if (x.reason) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + x.n);
  return {
    all: curve('', chosen),
    cohorts: curvesBy(chosen, (x) => String(x.year)),
    postTypes: curvesBy(chosen, (x) => x.postType),
    mentor: curvesBy(chosen, (x) => (x.mentor ? 'yes' : 'no')).sort((a, b) => b.key.localeCompare(a.key)),
    reasons: [...reasons.entries()]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
  };
}

/** The years, announcements and counties the facts cover (for the filter form). */
export function coverage(facts: Fact[]) {
  return {
    years: [...new Set(facts.map((x) => x.year))].sort((a, b) => b - a),
    announcements: [...new Set(facts.map((x) => x.announcement).filter(Boolean))],
    partners: [...new Set(facts.map((x) => x.partner).filter(Boolean))],
    drives: [...new Set(facts.map((x) => x.channel).filter((c) => c.startsWith('drive:')))].map((c) => c.slice(6)),
  };
}
