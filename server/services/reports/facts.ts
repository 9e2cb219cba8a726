// Turns vacancies, applications and placements into the report facts: groups of records that share every
// dimension a filter or a chart needs. Pure: the snapshot job feeds it from the database, the tests by hand.
import { addMonths } from '../placements';

const DAY = 86_400_000;
const CST = 8 * 3600 * 1000;

/** The recruitment funnel, in order; an application's `reach` is the index of the last step it got to. */
export const FUNNEL_STEPS = [
  'registered',
  'qualified',
  'written',
  'interviewed',
  'medical',
  'notice',
  'signed',
  'placed',
  'retained',
] as const;
export const SIGNED = FUNNEL_STEPS.indexOf('signed');
export const PLACED = FUNNEL_STEPS.indexOf('placed');
export const RETAINED = FUNNEL_STEPS.indexOf('retained');

/**
 * Where each pipeline stage sits on the funnel (templates share this order). A stage a pipeline does not have
 * (the contract template has no written exam, medical or notice) counts as passed by everyone who got beyond it.
 */
const STAGE_RANK: Record<string, number> = {
  submitted: 0,
  qualification_review: 1,
  written_exam: 2,
  interview: 3,
  medical: 4,
  background_check: 4,
  public_notice: 5,
  offer: 5,
  pre_service_training: 5,
  signed: 6,
};
/** The first of these in an application's history is its offer (pipelines without an offer stage offer by signing). */
const OFFER_STAGES = ['offer', 'pre_service_training', 'signed'];
const LEFT = ['left_early', 'transferred'];

export interface VacancyIn {
  _id: unknown;
  openedAt: Date;
  status: string;
  headcount: number;
  unitCode: string;
  countyCode: string;
  stage: string;
  subject: string;
  postType: string;
  announcement?: unknown;
}
export interface ApplicationIn {
  _id: unknown;
  vacancy: unknown;
  stage: string;
  outcome?: string | null;
  rejectReason?: string | null;
  scores?: { written?: number | null; interview?: number | null } | null;
  submittedAt: Date;
  contractDate?: Date | null;
  history?: { to?: string | null; at?: Date | null }[] | null;
  sourcePartner?: unknown;
  referral?: unknown;
}
export interface PlacementIn {
  application: unknown;
  vacancy: unknown;
  unitCode: string;
  countyCode: string;
  postType: string;
  startDate: Date;
  status: string;
  leftAt?: Date | null;
  leaveReason?: string | null;
  mentor?: unknown;
  sourcePartner?: unknown;
}

export type FactKind = 'vacancy' | 'application' | 'placement';
export interface Fact {
  kind: FactKind;
  year: number;
  unit: string;
  county: string;
  stage: string;
  subject: string;
  postType: string;
  announcement: string;
  channel: string;
  partner: string;
  reach: number;
  outcome: string;
  reason: string;
  status: string;
  mentor: boolean;
  due: number;
  served: number;
  n: number;
  headcount: number;
  hires: number;
  unfilled: number;
  days: number[];
}

/** The year in Beijing time (a vacancy opened at 1 a.m. on 1 January in Beijing belongs to the new year). */
export function cstYear(date: Date): number {
  return new Date(date.getTime() + CST).getUTCFullYear();
}

/** Whole calendar days in Beijing time from `from` to `to`, as a person counts them on a calendar. */
export function calendarDays(from: Date, to: Date): number {
  const day = (d: Date) => Math.floor((d.getTime() + CST) / DAY);
  return day(to) - day(from);
}

/** Whole years (0–3) from `start` to `end`: the anniversaries that have passed. */
export function wholeYears(start: Date, end: Date): number {
  let k = 0;
  while (k < 3 && addMonths(start, 12 * (k + 1)) <= end) k += 1;
  return k;
}

/** How far along the funnel an application got (see FUNNEL_STEPS), with its placement if it was signed. */
export function reachOf(app: ApplicationIn, placement: PlacementIn | undefined, now: Date): number {
  if (app.stage === 'signed') {
    if (!placement || placement.startDate > now) return SIGNED;
    return servedYears(placement, now) >= 1 ? RETAINED : PLACED;
  }
  const rank = STAGE_RANK[app.stage] ?? 0;
  if (rank >= 5) return 5; // on the notice (or the offer, or training)
  if (rank >= 4) return 4; // medical or background check
  if (app.scores?.interview != null) return 3; // interviewed, and went no further
  if (rank >= 3 || app.scores?.written != null) return 2; // sat the written exam (waiting for or absent at interview)
  return rank >= 2 ? 1 : 0; // passed qualification review, or not (yet)
}

/** Whole years (0–3) a placement was in post up to `now`: leaving or a transfer stops the count. */
export function servedYears(p: PlacementIn, now: Date): number {
  const end = LEFT.includes(p.status) && p.leftAt && p.leftAt < now ? p.leftAt : now;
  return wholeYears(p.startDate, end);
}

const id = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Groups records into facts; feed every application once, then ask for the facts. */
export class FactBuilder {
  private readonly groups = new Map<string, Fact>();
  private readonly vacancies = new Map<string, VacancyIn & { hires: number; firstSigned: Date | null }>();
  private readonly placements = new Map<string, PlacementIn>();
  private readonly channels = new Map<string, string>();

  constructor(
    private readonly now: Date,
    vacancies: VacancyIn[],
    placements: PlacementIn[],
    /** Referral id → the campus drive it came from. */
    private readonly drives: Map<string, string>,
  ) {
    for (const v of vacancies) this.vacancies.set(id(v._id), { ...v, hires: 0, firstSigned: null });
    for (const p of placements) this.placements.set(id(p.application), p);
  }

  addApplication(app: ApplicationIn): void {
    const vacancy = this.vacancies.get(id(app.vacancy));
    if (!vacancy) return; // a vacancy never published or since cancelled: not part of any report
    const placement = this.placements.get(id(app._id));
    const reach = reachOf(app, placement, this.now);
    const drive = this.drives.get(id(app.referral));
    const partner = id(app.sourcePartner);
    const channel = drive ? `drive:${drive}` : partner ? `partner:${partner}` : 'direct';
    this.channels.set(id(app._id), channel);
    const offered = app.history?.find((h) => h.to && OFFER_STAGES.includes(h.to) && h.at);
    if (app.stage === 'signed') {
      vacancy.hires += 1;
      const signed = app.history?.find((h) => h.to === 'signed' && h.at)?.at ?? app.contractDate ?? null;
      if (signed && (!vacancy.firstSigned || signed < vacancy.firstSigned)) vacancy.firstSigned = signed;
    }
    const outcome = app.outcome ?? '';
    this.add({
      ...this.dims('application', cstYear(app.submittedAt), vacancy),
      channel,
      partner,
      reach,
      outcome,
      reason: outcome === 'rejected' ? (app.rejectReason ?? 'other') : '',
      due: placement && addMonths(placement.startDate, 12) <= this.now ? 1 : 0,
      n: 1,
      hires: reach >= SIGNED ? 1 : 0,
      days: offered?.at ? [calendarDays(app.submittedAt, offered.at)] : [],
    });
  }

  facts(): Fact[] {
    for (const v of this.vacancies.values()) {
      const live = v.status === 'open' || v.status === 'closed';
      this.add({
        ...this.dims('vacancy', cstYear(v.openedAt), v),
        n: 1,
        headcount: v.headcount,
        hires: v.hires,
        unfilled: live ? Math.max(0, v.headcount - v.hires) : 0,
        days: v.firstSigned ? [calendarDays(v.openedAt, v.firstSigned)] : [],
      });
    }
    for (const p of this.placements.values()) {
      const vacancy = this.vacancies.get(id(p.vacancy));
      const partner = id(p.sourcePartner);
      this.add({
        ...this.dims('placement', cstYear(p.startDate), {
          unitCode: p.unitCode,
          countyCode: p.countyCode,
          stage: vacancy?.stage ?? '',
          subject: vacancy?.subject ?? '',
          postType: p.postType,
          announcement: vacancy?.announcement,
        }),
        channel: this.channels.get(id(p.application)) ?? (partner ? `partner:${partner}` : 'direct'),
        partner,
        status: p.status,
        reason:
          p.status === 'left_early' ? (p.leaveReason ?? 'other') : p.status === 'transferred' ? 'transferred' : '',
        mentor: Boolean(p.mentor),
        due: wholeYears(p.startDate, this.now),
        served: servedYears(p, this.now),
        n: 1,
      });
    }
    const out = [...this.groups.values()];
    for (const f of out) f.days.sort((a, b) => a - b);
    return out;
  }

  private dims(
    kind: FactKind,
    year: number,
    v: Pick<VacancyIn, 'unitCode' | 'countyCode' | 'stage' | 'subject' | 'postType' | 'announcement'>,
  ): Fact {
    return {
      kind,
      year,
      unit: v.unitCode,
      county: v.countyCode,
      stage: v.stage,
      subject: v.subject,
      postType: v.postType,
      announcement: id(v.announcement),
      channel: '',
      partner: '',
      reach: 0,
      outcome: '',
      reason: '',
      status: '',
      mentor: false,
      due: 0,
      served: 0,
      n: 0,
      headcount: 0,
      hires: 0,
      unfilled: 0,
      days: [],
    };
  }

  private add(f: Fact): void {
    const key = [
      f.kind,
      f.year,
      f.unit,
      f.county,
      f.stage,
      f.subject,
      f.postType,
      f.announcement,
      f.channel,
      f.partner,
      f.reach,
      f.outcome,
      f.reason,
      f.status,
      f.mentor,
      f.due,
      f.served,
    ].join('|');
    const group = this.groups.get(key);
    if (!group) {
      this.groups.set(key, { ...f, days: [...f.days] });
      return;
    }
    group.n += f.n;
    group.headcount += f.headcount;
    group.hires += f.hires;
    group.unfilled += f.unfilled;
    group.days.push(...f.days);
  }
}
