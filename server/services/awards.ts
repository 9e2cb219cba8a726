// Awards of incentive programmes: a place reserved for a teacher when their placement is created on a vacancy the
// programme funds (so places go first to the earliest contracts), accepted by the teacher, released if the placement
// never starts and ended if the teacher leaves early. Payments are not stored as a plan but derived: a period falls
// due only when the check-in covering it (the first on or after the period's end) confirms the teacher in post; a
// missed or negative check-in pauses the periods it covers. Sponsors record what they paid; nothing moves money.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import type { AwardMail, Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { ConflictError, ForbiddenError, isDuplicateKey, NotFoundError } from '../errors';
import { claimOnce } from './claims';
import { Award, AwardPayment, AwardPlace, type AwardDoc } from '../../models/Award';
import type { CheckInDoc } from '../../models/CheckIn';
import { CheckIn } from '../../models/CheckIn';
import { IncentiveProgramme, type ProgrammeDoc } from '../../models/IncentiveProgramme';
import { Organisation } from '../../models/Organisation';
import { Placement, type PlacementDoc } from '../../models/Placement';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { admitsTeacher, approvedProgrammes, criteriaOf, isOffered, matches, wholeAward } from './incentives';
import { activeStaff, recipientOf } from './people';
import { addMonths, retention } from './placements';

export type PeriodStatus = 'awaiting_acceptance' | 'scheduled' | 'due' | 'paid' | 'paused' | 'cancelled';

export interface PeriodRow {
  period: number;
  endsAt: Date;
  amount: number;
  status: PeriodStatus;
}

/** When period `k` (from 1) of an award ends: a month or a year after the previous; a one-off grant at the start. */
export function periodEnd(start: Date, period: string, k: number): Date {
  if (period === 'once') return start;
  return addMonths(start, period === 'year' ? 12 * k : k);
}

/** The places a programme can fund: the fewer of its places and the whole awards its budget covers. */
export function capOf(p: Pick<ProgrammeDoc, 'places' | 'budget' | 'amount' | 'periods'>): number {
  return Math.min(p.places, Math.floor(p.budget / wholeAward(p)));
}

/**
 * An award's periods and where each stands. `checkIns` are the placement's, `paid` the periods recorded as paid.
 */
export function scheduleOf(
  award: Pick<AwardDoc, 'status' | 'amount' | 'period' | 'periods'>,
  placement: Pick<PlacementDoc, 'startDate' | 'leftAt'>,
  checkIns: Pick<CheckInDoc, 'dueAt' | 'status' | 'answer'>[],
  paid: Set<number>,
): PeriodRow[] {
  if (award.status === 'released') return [];
  const ordered = [...checkIns].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  const rows: PeriodRow[] = [];
  for (let k = 1; k <= award.periods; k += 1) {
    const endsAt = periodEnd(placement.startDate, award.period, k);
    let status: PeriodStatus;
    if (paid.has(k)) status = 'paid';
    else if (award.status === 'reserved') status = 'awaiting_acceptance';
    else if (placement.leftAt && placement.leftAt.getTime() < endsAt.getTime()) status = 'cancelled';
    else {
      const covering = ordered.find((c) => c.dueAt.getTime() >= endsAt.getTime());
      if (!covering || covering.status === 'sent') status = 'scheduled';
      else if (covering.status === 'answered' && covering.answer?.inPost) status = 'due';
      else status = 'paused';
    }
    rows.push({ period: k, endsAt, amount: award.amount, status });
  }
  return rows;
}

/** Period numbers for a sentence: "4" or "4–6" when consecutive, else "2, 5". */
function periodList(periods: number[]): string {
  const sorted = [...periods].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return '';
  if (first === last) return String(first);
  return last - first === sorted.length - 1 ? `${first}–${last}` : sorted.join(', ');
}

function awardById(id: string): Promise<AwardDoc | null> {
  return Types.ObjectId.isValid(id) ? Award.findById(id).lean<AwardDoc>() : Promise.resolve(null);
}

/** What the award emails say about an award (its terms are translated when the email is rendered). */
async function mailFacts(
  a: Pick<AwardDoc, '_id' | 'programme' | 'sponsor' | 'name' | 'kind' | 'amount' | 'period' | 'periods'>,
  school: string,
): Promise<AwardMail> {
  const sponsor = await Organisation.findById(a.sponsor).select({ name: 1 }).lean();
  return {
    id: String(a._id),
    programmeId: String(a.programme),
    programme: a.name,
    sponsor: sponsor?.name ?? '',
    school,
    kind: a.kind,
    cadence: a.period,
    amount: a.amount.toLocaleString('zh-CN'),
    count: a.periods,
  };
}

export class Awards {
  constructor(private readonly d: { clock: Clock; events: Events; notify: Notify; outbox: Outbox }) {}

  /**
   * Reserves a place in every programme that funds this placement's vacancy and was offered `at` (by default now),
   * while places remain, and tells the teacher. Called when the placement is created (a signed contract), so places
   * go to contracts in the order they are signed; the sweeper calls it again, with the placement's creation time,
   * for a placement whose reservation a crash interrupted (a second call reserves nothing twice).
   */
  async reserveFor(
    placement: Pick<PlacementDoc, '_id' | 'vacancy' | 'teacher' | 'sourcePartner'>,
    at?: Date,
  ): Promise<number> {
    const vacancy = await Vacancy.findById(placement.vacancy)
      .select({ unitCode: 1, countyCode: 1, stage: 1, subject: 1, postType: 1, shortage: 1, schoolName: 1 })
      .lean();
    if (!vacancy) return 0;
    const now = this.d.clock.now();
    const programmes = (await approvedProgrammes()).filter(
      (p) => isOffered(p, at ?? now) && matches(criteriaOf(p), vacancy) && admitsTeacher(criteriaOf(p), placement),
    );
    const teacherDoc = programmes.length > 0 ? await User.findById(placement.teacher).lean() : null;
    const teacher = teacherDoc && !teacherDoc.erasedAt ? recipientOf(teacherDoc) : null;
    let reserved = 0;
    for (const p of programmes) {
      if (await Award.exists({ programme: p._id, placement: placement._id })) continue;
      const placeNo = await this.claimPlace(p);
      if (placeNo === null) continue;
      const award = {
        _id: new Types.ObjectId(),
        programme: p._id,
        sponsor: p.sponsor,
        name: p.name,
        kind: p.kind,
        amount: p.amount,
        period: p.period,
        periods: p.periods,
      };
      // The email first, guarded by the award: it goes out once the award exists, and never if it is not created.
      if (teacher) await this.d.notify.awardReserved(teacher, await mailFacts(award, vacancy.schoolName));
      try {
        await Award.create({
          ...award,
          placement: placement._id,
          teacher: placement.teacher,
          placeNo,
          reservedAt: now,
        });
      } catch (err) {
        // Another call reserved for this placement meanwhile: give this place back.
        await AwardPlace.deleteOne({ _id: `${String(p._id)}:${placeNo}` });
        if (!isDuplicateKey(err)) throw err;
        await this.recount(p._id);
        continue;
      }
      // Outside the try: once the award exists its place stays claimed, whatever happens to this record.
      reserved += 1;
      await this.d.events.record(
        { actor: null },
        'award.reserved',
        { type: 'Placement', id: String(placement._id) },
        { programme: String(p._id), placeNo },
      );
      await this.recount(p._id);
    }
    if (reserved > 0) this.d.outbox.nudge();
    return reserved;
  }

  /** The first free place below the programme's cap, claimed by a unique insert; null when none is left. */
  private async claimPlace(p: ProgrammeDoc): Promise<number | null> {
    const cap = capOf(p);
    for (let n = 0; n < cap; n += 1) {
      try {
        await AwardPlace.create({ _id: `${String(p._id)}:${n}`, programme: p._id, at: this.d.clock.now() });
        return n;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return null;
  }

  /** The programme's count of places taken, for display and for hiding a full programme from the board. */
  private async recount(programmeId: Types.ObjectId): Promise<void> {
    const used = await AwardPlace.countDocuments({ programme: programmeId });
    await IncentiveProgramme.updateOne({ _id: programmeId }, { $set: { placesUsed: used } });
  }

  /**
   * The placement ended: before it started (still onboarding) its places go back to the programmes; after, the
   * awards end and nothing more falls due.
   */
  async placementEnded(placementId: Types.ObjectId, startedBefore: boolean): Promise<void> {
    const awards = await Award.find({ placement: placementId }).lean<AwardDoc[]>();
    for (const a of awards) {
      if (a.status === 'released' || a.status === 'ended') continue;
      if (startedBefore) {
        await Award.updateOne(
          { _id: a._id, status: a.status },
          { $set: { status: 'ended', endedAt: this.d.clock.now() } },
        );
      } else {
        const done = await Award.updateOne(
          { _id: a._id, status: a.status },
          { $set: { status: 'released', endedAt: this.d.clock.now() } },
        );
        if (done.modifiedCount === 1) {
          await AwardPlace.deleteOne({ _id: `${String(a.programme)}:${a.placeNo}` });
          await this.recount(a.programme);
        }
      }
    }
  }

  /**
   * Called before a check-in's "in post" answer is written: the periods of the placement's accepted awards that this
   * answer makes due are announced to each sponsor's staff (by the teacher's name only where the teacher agreed).
   * The emails wait, guarded, until the answer is visible, and are never sent if it is not written.
   */
  async announceDue(
    placement: Pick<PlacementDoc, '_id' | 'startDate' | 'leftAt' | 'schoolName'>,
    checkInId: string,
  ): Promise<number> {
    const awards = await Award.find({ placement: placement._id, status: 'active' }).lean<AwardDoc[]>();
    if (awards.length === 0) return 0;
    const checkIns = await CheckIn.find({ placement: placement._id }).lean<CheckInDoc[]>();
    const withAnswer = checkIns.map((c) =>
      c._id === checkInId ? { ...c, status: 'answered', answer: { ...c.answer, inPost: true } } : c,
    ) as CheckInDoc[];
    let announced = 0;
    for (const a of awards) {
      const paid = new Set(
        (await AwardPayment.find({ award: a._id }).select({ period: 1 }).lean()).map((x) => x.period),
      );
      const before = scheduleOf(a, placement, checkIns, paid);
      const newlyDue = scheduleOf(a, placement, withAnswer, paid).filter(
        (r, i) => r.status === 'due' && before[i]?.status !== 'due',
      );
      if (newlyDue.length === 0) continue;
      const facts = await mailFacts(a, placement.schoolName);
      const teacher = a.shareName ? ((await User.findById(a.teacher).select({ name: 1 }).lean())?.name ?? null) : null;
      for (const person of await activeStaff(a.sponsor)) {
        await this.d.notify.awardDue(person, {
          ...facts,
          checkInId,
          periods: periodList(newlyDue.map((r) => r.period)),
          total: newlyDue.reduce((sum, r) => sum + r.amount, 0).toLocaleString('zh-CN'),
          teacher,
          placeNo: a.placeNo + 1,
        });
        announced += 1;
      }
    }
    return announced;
  }

  /** The teacher's awards with their schedules. */
  async forTeacher(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    const awards = await Award.find({ teacher: actor.id, status: trusted({ $ne: 'released' }) })
      .sort({ reservedAt: -1 })
      .lean<AwardDoc[]>();
    return Promise.all(awards.map((a) => this.withSchedule(a)));
  }

  private async withSchedule(a: AwardDoc) {
    const [placement, checkIns, payments, programme] = await Promise.all([
      Placement.findById(a.placement).lean<PlacementDoc>(),
      CheckIn.find({ placement: a.placement }).lean<CheckInDoc[]>(),
      AwardPayment.find({ award: a._id }).lean(),
      IncentiveProgramme.findById(a.programme).lean<ProgrammeDoc>(),
    ]);
    const schedule = placement ? scheduleOf(a, placement, checkIns, new Set(payments.map((p) => p.period))) : [];
    return { award: a, placement, programme, schedule };
  }

  /** The teacher accepts the award's terms, and says whether the sponsor may see their name. */
  async accept(ctx: Ctx & { actor: Actor }, awardId: string, shareName: boolean): Promise<void> {
    const award = await awardById(awardId);
    if (!award || String(award.teacher) !== ctx.actor.id) throw new NotFoundError();
    // Accepted already with this same choice (a resent form): nothing changes, nothing is recorded.
    if (award.status === 'active' && award.acceptedAt && award.shareName === shareName) return;
    if (award.status !== 'reserved') throw new ConflictError('incentives.errors.notAwaitingAcceptance');
    // One acceptance per award, whichever of several requests arrives first.
    if (!(await claimOnce(`award-accepted:${awardId}`, this.d.clock.now())))
      throw new ConflictError('incentives.errors.notAwaitingAcceptance');
    const done = await Award.updateOne(
      { _id: award._id, status: 'reserved' },
      { $set: { status: 'active', acceptedAt: this.d.clock.now(), shareName } },
    );
    if (done.modifiedCount !== 1) throw new ConflictError('incentives.errors.notAwaitingAcceptance');
    await this.d.events.record(
      ctx,
      'award.accepted',
      { type: 'Placement', id: String(award.placement) },
      {
        award: awardId,
        shareName,
      },
    );
  }

  /** A sponsor's view of one programme's awards: names only where the teacher agreed; amounts due and paid. */
  async forSponsor(actor: Actor, programme: ProgrammeDoc) {
    if (actor.role !== 'staff' || String(programme.sponsor) !== actor.organisationId) throw new NotFoundError();
    const awards = await Award.find({ programme: programme._id, status: trusted({ $ne: 'released' }) })
      .sort({ placeNo: 1 })
      .lean<AwardDoc[]>();
    const rows = await Promise.all(awards.map((a) => this.withSchedule(a)));
    const teachers = new Map(
      (
        await User.find({ _id: trusted({ $in: awards.filter((a) => a.shareName).map((a) => a.teacher) }) })
          .select({ name: 1 })
          .lean()
      ).map((u) => [String(u._id), u.name]),
    );
    const sum = (list: PeriodRow[], statuses: PeriodStatus[]) =>
      list.filter((r) => statuses.includes(r.status)).reduce((s, r) => s + r.amount, 0);
    // Retention after a year: the funded teachers against comparable unfunded ones (placements on vacancies the
    // programme would fund, without its award). Counts only; shares of fewer than three are not shown.
    const funded = rows.map((r) => r.placement).filter((p): p is PlacementDoc => p !== null);
    const fundedIds = new Set(funded.map((p) => String(p._id)));
    const all = await Placement.find({}).lean<PlacementDoc[]>();
    const facts = new Map(
      (
        await Vacancy.find({ _id: trusted({ $in: [...new Set(all.map((p) => String(p.vacancy)))] }) })
          .select({ unitCode: 1, countyCode: 1, stage: 1, subject: 1, postType: 1, shortage: 1 })
          .lean()
      ).map((v) => [String(v._id), v]),
    );
    const comparable = all.filter((p) => {
      const v = facts.get(String(p.vacancy));
      return (
        !fundedIds.has(String(p._id)) &&
        v !== undefined &&
        matches(criteriaOf(programme), v) &&
        admitsTeacher(criteriaOf(programme), p)
      );
    });
    const now = this.d.clock.now();
    const oneYear = (list: PlacementDoc[]) => {
      const r = retention(list, now).oneYear;
      return { ...r, percent: r.base >= 3 ? r.percent : null };
    };
    return {
      retention: { funded: oneYear(funded), comparable: oneYear(comparable) },
      rows: rows.map((r) => ({
        ...r,
        teacherName: r.award.shareName ? (teachers.get(String(r.award.teacher)) ?? null) : null,
        due: sum(r.schedule, ['due']),
        paid: sum(r.schedule, ['paid']),
      })),
      committed: rows.reduce(
        (s, r) =>
          s +
          (r.award.status === 'ended' ? sum(r.schedule, ['due', 'paid', 'paused']) : r.award.amount * r.award.periods),
        0,
      ),
      paid: rows.reduce((s, r) => s + sum(r.schedule, ['paid']), 0),
      due: rows.reduce((s, r) => s + sum(r.schedule, ['due']), 0),
    };
  }

  /**
   * For coordinators, within their scope: hires (placements) with and without a sponsored award, and how many of
   * each were still in post a year after starting.
   */
  async summary(actor: Actor) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const placements = await Placement.find(actor.scopeUnit ? { unitCode: actor.scopeUnit } : {}).lean<
      PlacementDoc[]
    >();
    const awarded = new Set(
      (
        await Award.find({ status: trusted({ $ne: 'released' }) })
          .select({ placement: 1 })
          .lean()
      ).map((a) => String(a.placement)),
    );
    const withAward = placements.filter((p) => awarded.has(String(p._id)));
    const without = placements.filter((p) => !awarded.has(String(p._id)));
    const now = this.d.clock.now();
    return {
      with: { hires: withAward.length, oneYear: retention(withAward, now).oneYear },
      without: { hires: without.length, oneYear: retention(without, now).oneYear },
    };
  }

  /** The sponsor records a due period as paid, once. */
  async markPaid(ctx: Ctx & { actor: Actor }, awardId: string, period: number): Promise<string> {
    const award = await awardById(awardId);
    if (!award || String(award.sponsor) !== ctx.actor.organisationId || ctx.actor.role !== 'staff') {
      throw new NotFoundError();
    }
    const { schedule, placement } = await this.withSchedule(award);
    const row = schedule.find((r) => r.period === period);
    if (!row || row.status !== 'due') throw new ConflictError('incentives.errors.notDue');
    // The teacher's email first, guarded by the payment record: sent once it exists.
    const teacher = await User.findById(award.teacher).lean();
    if (teacher && !teacher.erasedAt) {
      await this.d.notify.awardPaid(recipientOf(teacher), {
        ...(await mailFacts(award, placement?.schoolName ?? '')),
        period,
      });
    }
    try {
      await AwardPayment.create({
        _id: `${awardId}:${period}`,
        award: award._id,
        period,
        amount: row.amount,
        at: this.d.clock.now(),
        by: ctx.actor.id,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('incentives.errors.notDue');
      throw err;
    }
    this.d.outbox.nudge();
    await this.d.events.record(
      ctx,
      'award.paid',
      { type: 'Placement', id: String(award.placement) },
      {
        award: awardId,
        period,
        amount: row.amount,
      },
    );
    return String(award.programme);
  }
}
