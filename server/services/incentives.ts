// Incentive programmes of sponsors (issue: social forces). A sponsor's staff draft a programme and submit it; a
// regional coordinator approves it or returns it with a comment; once approved, and while its dates run and places
// remain, it is shown on the vacancies it matches. Awards tied to retention build on this.
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { Organisation, type OrganisationDoc } from '../../models/Organisation';
import {
  IncentiveProgramme,
  type IncentiveKind,
  type IncentivePeriod,
  type ProgrammeDoc,
  type ProgrammeState,
} from '../../models/IncentiveProgramme';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { countyInUnit, findPlace, isRuralCounty, ruralCounties } from './regions';
import { trusted } from 'mongoose';

export interface ProgrammeCriteria {
  units: string[];
  counties: string[];
  ruralOnly: boolean;
  stages: string[];
  subjects: string[];
  postTypes: string[];
  shortageOnly: boolean;
  /** A partner university's id: only its graduates (hired through its referral or campus drive) qualify. */
  graduatesOf?: string | Types.ObjectId | null;
}

export interface ProgrammeInput {
  name: string;
  kind: IncentiveKind;
  amount: number;
  period: IncentivePeriod;
  periods: number;
  criteria: ProgrammeCriteria;
  places: number;
  budget: number;
  startsOn: Date;
  endsOn: Date;
  termsZh: string;
  termsEn: string;
}

/** What a programme needs to know of a vacancy to decide whether it qualifies. */
export interface VacancyFacts {
  unitCode: string;
  countyCode: string;
  stage: string;
  subject: string;
  postType: string;
  shortage: boolean;
}

/** Does the vacancy qualify? Every criterion left empty admits any value. */
export function matches(criteria: ProgrammeCriteria, v: VacancyFacts): boolean {
  const admits = (list: string[], value: string) => list.length === 0 || list.includes(value);
  return (
    admits(criteria.units, v.unitCode) &&
    admits(criteria.counties, v.countyCode) &&
    admits(criteria.stages, v.stage) &&
    admits(criteria.subjects, v.subject) &&
    admits(criteria.postTypes, v.postType) &&
    (!criteria.ruralOnly || isRuralCounty(v.countyCode)) &&
    (!criteria.shortageOnly || v.shortage)
  );
}

/** Does the teacher qualify (beyond the vacancy)? Graduates of the named university: hired through it. */
export function admitsTeacher(criteria: ProgrammeCriteria, placement: { sourcePartner?: unknown }): boolean {
  return !criteria.graduatesOf || String(placement.sourcePartner ?? '') === String(criteria.graduatesOf);
}

/** The same test as `matches`, as a database filter on vacancies. */
export function criteriaFilter(c: ProgrammeCriteria): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const inList = (list: string[]) => trusted({ $in: list });
  if (c.units.length) filter.unitCode = inList(c.units);
  let counties = c.counties.length ? c.counties : null;
  if (c.ruralOnly) counties = (counties ?? ruralCounties()).filter(isRuralCounty);
  if (counties) filter.countyCode = inList(counties);
  if (c.stages.length) filter.stage = inList(c.stages);
  if (c.subjects.length) filter.subject = inList(c.subjects);
  if (c.postTypes.length) filter.postType = inList(c.postTypes);
  if (c.shortageOnly) filter.shortage = true;
  return filter;
}

/** Approved programmes (few: a region has tens); whether each is offered at a given moment is `isOffered`. */
export function approvedProgrammes(): Promise<ProgrammeDoc[]> {
  return IncentiveProgramme.find({ status: 'approved' }).lean<ProgrammeDoc[]>();
}

/** One award's whole amount: the amount for every period. */
export function wholeAward(p: { amount: number; periods: number }): number {
  return p.amount * p.periods;
}

/** Places an award can still take: by places and by what the budget still covers. */
export function placesLeft(p: { places: number; placesUsed: number; budget: number; amount: number; periods: number }) {
  const byBudget = Math.floor(p.budget / wholeAward(p)) - p.placesUsed;
  return Math.max(0, Math.min(p.places - p.placesUsed, byBudget));
}

/** When a programme stops being offered: the end of its last day (China time). */
const offerEnds = (p: Pick<ProgrammeDoc, 'endsOn'>) => p.endsOn.getTime() + 24 * 3600 * 1000;

/**
 * The next moment after `now` at which one of these programmes starts or stops being offered (Infinity if none):
 * pages showing incentives are valid until then.
 */
/** Of these approved programmes, those a vacancy offers at `now`, and when that can next change (see offeredOn). */
export function offeredAmong(
  approved: ProgrammeDoc[],
  v: VacancyFacts,
  now: number,
): { offered: ProgrammeDoc[]; changesAt: number } {
  const matching = approved.filter((p) => matches(criteriaOf(p), v));
  return { offered: matching.filter((p) => isOffered(p, new Date(now))), changesAt: nextOfferChange(matching, now) };
}

export function nextOfferChange(programmes: Pick<ProgrammeDoc, 'startsOn' | 'endsOn'>[], now: number): number {
  const next = programmes.flatMap((p) => [p.startsOn.getTime(), offerEnds(p)]).filter((t) => t > now);
  return next.length ? Math.min(...next) : Infinity;
}

/** Offered to candidates now: approved, within its dates (China time, whole days), with a place left. */
export function isOffered(
  p: Pick<ProgrammeDoc, 'status' | 'startsOn' | 'endsOn' | 'places' | 'placesUsed' | 'budget' | 'amount' | 'periods'>,
  at: Date,
): boolean {
  return (
    p.status === 'approved' && p.startsOn.getTime() <= at.getTime() && at.getTime() < offerEnds(p) && placesLeft(p) > 0
  );
}

/** Criteria that admit every vacancy and teacher. */
export const NO_CRITERIA: ProgrammeCriteria = {
  units: [],
  counties: [],
  ruralOnly: false,
  stages: [],
  subjects: [],
  postTypes: [],
  shortageOnly: false,
  graduatesOf: null,
};
export const criteriaOf = (p: Pick<ProgrammeDoc, 'criteria'>): ProgrammeCriteria => p.criteria ?? NO_CRITERIA;

const EDITABLE: ProgrammeState[] = ['draft', 'returned'];

export class Incentives {
  constructor(private readonly d: { clock: Clock; events: Events }) {}

  /** The sponsor the actor works for: active, verified staff of a verified sponsor. */
  private async sponsorOf(actor: Actor): Promise<OrganisationDoc> {
    if (actor.role !== 'staff' || actor.membership !== 'active' || !actor.organisationId) throw new ForbiddenError();
    if (!actor.emailVerified) throw new ForbiddenError('auth.verifyFirst');
    const org = await Organisation.findById(actor.organisationId).lean<OrganisationDoc>();
    if (!org || org.kind !== 'sponsor') throw new ForbiddenError('incentives.errors.sponsorsOnly');
    if (org.verification?.state !== 'verified') throw new ForbiddenError('organisations.errors.notVerified');
    return org;
  }

  /** A programme of the actor's sponsor; another sponsor's is "not found". */
  private async own(actor: Actor, id: string): Promise<{ org: OrganisationDoc; programme: ProgrammeDoc }> {
    const org = await this.sponsorOf(actor);
    const programme = Types.ObjectId.isValid(id) ? await IncentiveProgramme.findById(id).lean<ProgrammeDoc>() : null;
    if (!programme || String(programme.sponsor) !== String(org._id)) throw new NotFoundError();
    return { org, programme };
  }

  private static check(input: ProgrammeInput): void {
    const fields: Record<string, string> = {};
    if (input.period === 'once' && input.periods !== 1) fields.periods = 'incentives.errors.oncePeriods';
    if (input.endsOn.getTime() < input.startsOn.getTime()) fields.endsOn = 'incentives.errors.endsBeforeStart';
    if (input.budget < wholeAward(input)) fields.budget = 'incentives.errors.budgetTooSmall';
    const { units, counties } = input.criteria;
    if (counties.some((c) => findPlace(c)?.province !== 'hebei')) fields.counties = 'validation.choose';
    // Both lists must hold, so a county outside every city ticked would match nothing.
    else if (units.length && counties.some((c) => !units.some((u) => countyInUnit(c, u))))
      fields.counties = 'incentives.errors.countyOutsideUnits';
    if (Object.keys(fields).length) throw new ValidationError(fields);
  }

  async mine(actor: Actor): Promise<ProgrammeDoc[]> {
    const org = await this.sponsorOf(actor);
    return IncentiveProgramme.find({ sponsor: org._id }).sort({ updatedAt: -1 }).lean<ProgrammeDoc[]>();
  }

  async get(actor: Actor, id: string): Promise<ProgrammeDoc> {
    return (await this.own(actor, id)).programme;
  }

  /** The name of the university whose graduates a programme is for ('' for none); refuses anything else. */
  private static async universityName(criteria: ProgrammeCriteria): Promise<string> {
    if (!criteria.graduatesOf) return '';
    const id = String(criteria.graduatesOf);
    const org = Types.ObjectId.isValid(id) ? await Organisation.findById(id).lean<OrganisationDoc>() : null;
    if (!org || org.kind !== 'university' || org.verification?.state !== 'verified') {
      throw new ValidationError({ graduatesOf: 'validation.choose' });
    }
    return org.name;
  }

  /** Verified partner universities, for the "graduates of" choice. */
  async universities(): Promise<{ value: string; label: string }[]> {
    const found = await Organisation.find({ kind: 'university', 'verification.state': 'verified' })
      .select({ name: 1 })
      .sort({ name: 1 })
      .lean();
    return found.map((o) => ({ value: String(o._id), label: o.name }));
  }

  async create(ctx: Ctx & { actor: Actor }, input: ProgrammeInput): Promise<string> {
    const org = await this.sponsorOf(ctx.actor);
    Incentives.check(input);
    const graduatesOfName = await Incentives.universityName(input.criteria);
    const created = await IncentiveProgramme.create({
      ...input,
      graduatesOfName,
      sponsor: org._id,
      sponsorName: org.name,
    });
    await this.d.events.record(ctx, 'programme.created', { type: 'IncentiveProgramme', id: String(created._id) });
    return String(created._id);
  }

  async update(ctx: Ctx & { actor: Actor }, id: string, input: ProgrammeInput): Promise<void> {
    const { programme } = await this.own(ctx.actor, id);
    if (!EDITABLE.includes(programme.status as ProgrammeState))
      throw new ConflictError('incentives.errors.notEditable');
    Incentives.check(input);
    const graduatesOfName = await Incentives.universityName(input.criteria);
    const result = await IncentiveProgramme.updateOne(
      { _id: programme._id, status: programme.status, updatedAt: programme.updatedAt },
      { $set: { ...input, graduatesOfName } },
    );
    if (result.modifiedCount === 0) throw new ConflictError('incentives.errors.changed');
    await this.d.events.record(ctx, 'programme.updated', { type: 'IncentiveProgramme', id });
  }

  async submit(ctx: Ctx & { actor: Actor }, id: string): Promise<void> {
    const { programme } = await this.own(ctx.actor, id);
    if (!EDITABLE.includes(programme.status as ProgrammeState))
      throw new ConflictError('incentives.errors.notEditable');
    const result = await IncentiveProgramme.updateOne(
      { _id: programme._id, status: programme.status },
      { $set: { status: 'submitted', reviewComment: '' } },
    );
    if (result.modifiedCount === 0) throw new ConflictError('incentives.errors.changed');
    await this.d.events.record(ctx, 'programme.submitted', { type: 'IncentiveProgramme', id });
  }

  /** Programmes for coordinators: those awaiting a decision, or all approved ones. */
  async queue(actor: Actor, state: 'submitted' | 'approved'): Promise<ProgrammeDoc[]> {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const found = await IncentiveProgramme.find({ status: state }).sort({ updatedAt: 1 }).lean<ProgrammeDoc[]>();
    // A unit's coordinator sees the programmes that can fund posts in their unit.
    return actor.scopeUnit
      ? found.filter((p) => criteriaOf(p).units.length === 0 || criteriaOf(p).units.includes(actor.scopeUnit!))
      : found;
  }

  async forCoordinator(actor: Actor, id: string): Promise<ProgrammeDoc> {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const programme = Types.ObjectId.isValid(id) ? await IncentiveProgramme.findById(id).lean<ProgrammeDoc>() : null;
    if (!programme || programme.status === 'draft') throw new NotFoundError();
    if (
      actor.scopeUnit &&
      criteriaOf(programme).units.length &&
      !criteriaOf(programme).units.includes(actor.scopeUnit)
    ) {
      throw new NotFoundError();
    }
    return programme;
  }

  /**
   * A regional coordinator approves a submitted programme, or returns it to the sponsor with a comment (required).
   * Programmes can fund posts across units, so the regional office decides.
   */
  async decide(ctx: Ctx & { actor: Actor }, id: string, approve: boolean, comment: string): Promise<void> {
    const actor = ctx.actor;
    if (actor.role !== 'coordinator' || actor.scopeUnit) throw new ForbiddenError('incentives.errors.regionalOnly');
    const programme = await this.forCoordinator(actor, id);
    if (programme.status !== 'submitted') throw new ConflictError('incentives.errors.notSubmitted');
    if (!approve && !comment.trim()) throw new ValidationError({ comment: 'incentives.errors.commentRequired' });
    const result = await IncentiveProgramme.updateOne(
      { _id: programme._id, status: 'submitted' },
      {
        $set: approve
          ? { status: 'approved', approvedAt: this.d.clock.now(), reviewComment: comment }
          : { status: 'returned', reviewComment: comment },
      },
    );
    if (result.modifiedCount === 0) throw new ConflictError('incentives.errors.changed');
    await this.d.events.record(ctx, approve ? 'programme.approved' : 'programme.returned', {
      type: 'IncentiveProgramme',
      id,
    });
  }

  /**
   * The programmes a vacancy offers now (approved, in their dates, with places left, matching it), and the next
   * moment that can change without a write: a matching programme's start or end (for the public page cache).
   */
  async offeredOn(v: VacancyFacts): Promise<{ offered: ProgrammeDoc[]; changesAt: number }> {
    return offeredAmong(await approvedProgrammes(), v, this.d.clock.now().getTime());
  }
}
