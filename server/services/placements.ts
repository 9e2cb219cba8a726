// Placements: created exactly once when an application is signed; onboarding checklist; service commitment with
// suspensions; the status a placement moves through. The rules are pure functions below, tested on their own.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, isDuplicateKey, NotFoundError, ValidationError } from '../errors';
import { Application, type ApplicationDoc } from '../../models/Application';
import { Placement, type PlacementDoc, type LEAVE_REASONS } from '../../models/Placement';
import { Vacancy } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { posterOrganisation } from './postings';
import { postTypeYears } from './taxonomy';

const DAY = 86_400_000;

/** Default onboarding checklist: item and days after the start date it is due. */
export const CHECKLIST: { key: string; days: number }[] = [
  { key: 'report_for_duty', days: 0 },
  { key: 'contract_filed', days: 7 },
  { key: 'pre_service_training', days: 14 },
  { key: 'housing_arranged', days: 7 },
  { key: 'mentor_assigned', days: 30 },
  { key: 'first_month_checkin', days: 30 },
];

/** Adds calendar months (the 31st of a short month falls back to its last day). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Days suspended up to `asOf` (an open suspension counts until then). */
export function suspendedDays(suspensions: { from?: Date | null; to?: Date | null }[], asOf: Date): number {
  return suspensions.reduce((sum, s) => {
    if (!s.from) return sum;
    const end = s.to ?? asOf;
    return sum + Math.max(0, Math.round((end.getTime() - s.from.getTime()) / DAY));
  }, 0);
}

/** End of the commitment: start + years, pushed back by every day suspended (suspended time does not count). */
export function commitmentEnd(
  start: Date,
  years: number,
  suspensions: { from?: Date | null; to?: Date | null }[],
  asOf: Date,
): Date | null {
  if (!years) return null;
  return new Date(addMonths(start, years * 12).getTime() + suspendedDays(suspensions, asOf) * DAY);
}

/** Retention check-ins: 1, 3, 6, 12, 24 and 36 months after the start and at the commitment's end, within the commitment plus a year. */
export function checkInSchedule(start: Date, end: Date | null): Date[] {
  const horizon = end ? addMonths(end, 12) : addMonths(start, 12);
  const dates = [1, 3, 6, 12, 24, 36].map((m) => addMonths(start, m));
  if (end) dates.push(end);
  return [...new Set(dates.map((d) => d.getTime()))]
    .sort((a, b) => a - b)
    .map((t) => new Date(t))
    .filter((d) => d <= horizon);
}

type Move = 'activate' | 'suspend' | 'resume' | 'complete' | 'leave' | 'transfer';
const MOVES: Record<Move, { from: string[]; to: string }> = {
  activate: { from: ['onboarding'], to: 'active' },
  suspend: { from: ['onboarding', 'active'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'active' },
  complete: { from: ['active'], to: 'completed' },
  leave: { from: ['onboarding', 'active', 'suspended'], to: 'left_early' },
  transfer: { from: ['onboarding', 'active', 'suspended'], to: 'transferred' },
};

export function nextStatus(status: string, move: Move): string {
  const rule = MOVES[move];
  if (!rule.from.includes(status)) throw new ConflictError('placements.errors.notNow');
  return rule.to;
}

export interface PlacementDeps {
  clock: Clock;
  events: Events;
}

export class Placements {
  constructor(private readonly d: PlacementDeps) {}

  /**
   * Creates the placement of a signed application. Exactly once: the unique index on `application` turns a second
   * call (a retried transition, the sweeper, another instance) into a no-op.
   */
  async ensureFor(
    app: Pick<
      ApplicationDoc,
      | '_id'
      | 'candidate'
      | 'school'
      | 'postedBy'
      | 'vacancy'
      | 'unitCode'
      | 'contractDate'
      | 'snapshot'
      | 'sourcePartner'
    >,
  ) {
    const vacancy = await Vacancy.findById(app.vacancy)
      .select({ title: 1, schoolName: 1, postType: 1, countyCode: 1 })
      .lean();
    if (!vacancy) return null;
    const start = app.contractDate ?? this.d.clock.now();
    try {
      const placement = await Placement.create({
        application: app._id,
        teacher: app.candidate,
        teacherName: (app.snapshot as { legalName?: string })?.legalName ?? '',
        school: app.school,
        schoolName: vacancy.schoolName,
        postedBy: app.postedBy,
        vacancy: app.vacancy,
        title: vacancy.title,
        unitCode: app.unitCode,
        countyCode: vacancy.countyCode,
        postType: vacancy.postType,
        sourcePartner: app.sourcePartner ?? null,
        startDate: start,
        commitmentYears: postTypeYears(vacancy.postType),
        checklist: CHECKLIST.map((c) => ({
          key: c.key,
          dueAt: new Date(start.getTime() + c.days * DAY),
          doneAt: null,
          doneBy: '',
        })),
      });
      await this.d.events.record(
        { actor: null },
        'placement.created',
        { type: 'Placement', id: String(placement._id) },
        { application: String(app._id) },
      );
      return placement;
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** The sweeper: signed applications whose placement is missing (a crash right after signing) get one. */
  async sweep(): Promise<number> {
    const signed = await Application.find({ stage: 'signed', outcome: null }).select({ _id: 1 }).lean();
    const have = new Set(
      (
        await Placement.find({ application: trusted({ $in: signed.map((a) => a._id) }) })
          .select({ application: 1 })
          .lean()
      ).map((p) => String(p.application)),
    );
    let created = 0;
    for (const a of signed.filter((x) => !have.has(String(x._id)))) {
      const app = await Application.findById(a._id).lean<ApplicationDoc>();
      if (app && (await this.ensureFor(app))) created += 1;
    }
    return created;
  }

  async forStaffList(actor: Actor) {
    const org = await posterOrganisation(actor);
    return Placement.find({ postedBy: org._id }).sort({ startDate: -1 }).limit(500).lean<PlacementDoc[]>();
  }

  async forStaff(actor: Actor, id: string) {
    const org = await posterOrganisation(actor);
    const p = Types.ObjectId.isValid(id) ? await Placement.findById(id).lean<PlacementDoc>() : null;
    if (!p || String(p.postedBy) !== String(org._id)) throw new NotFoundError();
    return p;
  }

  async forTeacher(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    return Placement.find({ teacher: actor.id }).sort({ startDate: -1 }).lean<PlacementDoc[]>();
  }

  async tick(ctx: Ctx & { actor: Actor }, id: string, key: string, done: boolean) {
    const p = await this.forStaff(ctx.actor, id);
    if (!p.checklist.some((c) => c.key === key)) throw new NotFoundError();
    // The whole list is written back: no positional updates on the embedded engine.
    const checklist = p.checklist.map((c) =>
      c.key === key ? { ...c, doneAt: done ? this.d.clock.now() : null, doneBy: done ? ctx.actor.name : '' } : c,
    );
    await Placement.updateOne({ _id: p._id }, { $set: { checklist } });
    await this.d.events.record(ctx, 'placement.checklist', { type: 'Placement', id }, { key, done });
  }

  async setCommitment(ctx: Ctx & { actor: Actor }, id: string, years: number, reason: string) {
    const p = await this.forStaff(ctx.actor, id);
    if (!reason.trim()) throw new ValidationError({ commitmentReason: 'placements.errors.reason' });
    await Placement.updateOne({ _id: p._id }, { $set: { commitmentYears: years, commitmentReason: reason } });
    await this.d.events.record(
      ctx,
      'placement.commitment',
      { type: 'Placement', id },
      { from: p.commitmentYears, to: years, reason },
    );
  }

  async move(
    ctx: Ctx & { actor: Actor },
    id: string,
    move: Move,
    detail: { reason?: (typeof LEAVE_REASONS)[number]; at?: Date; note?: string; converted?: boolean } = {},
  ) {
    const p = await this.forStaff(ctx.actor, id);
    const to = nextStatus(p.status, move);
    const now = detail.at ?? this.d.clock.now();
    const set: Record<string, unknown> = { status: to };
    if (move === 'suspend') set.suspensions = [...p.suspensions, { from: now, to: null, reason: detail.note ?? '' }];
    if (move === 'resume') set.suspensions = p.suspensions.map((s) => (s.to ? s : { ...s, to: now }));
    if (move === 'leave') {
      if (!detail.reason) throw new ValidationError({ reason: 'placements.errors.leaveReason' });
      Object.assign(set, { leftAt: now, leaveReason: detail.reason });
    }
    if (move === 'complete' && detail.converted && p.postType === 'special_post') set.convertedToEstablished = true;
    const result = await Placement.updateOne({ _id: p._id, status: p.status }, { $set: set });
    if (result.modifiedCount !== 1) throw new ConflictError('postings.errors.changedMeanwhile');
    await this.d.events.record(ctx, `placement.${move}`, { type: 'Placement', id }, { from: p.status, to });
  }
}
