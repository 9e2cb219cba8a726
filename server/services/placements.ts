// Placements: created exactly once when an application is signed; onboarding checklist; service commitment with
// suspensions; the status a placement moves through. The rules are pure functions below, tested on their own.
import type { Awards } from './awards';
import crypto from 'node:crypto';
import { Types, trusted } from 'mongoose';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { CheckIn, type CheckInDoc } from '../../models/CheckIn';
import { User } from '../../models/User';
import type { Clock } from '../clock';
import { isLinkSignature, linkSignature } from '../crypto';
import { ConflictError, ForbiddenError, isDuplicateKey, LinkError, NotFoundError, ValidationError } from '../errors';
import { Application, type ApplicationDoc } from '../../models/Application';
import { Placement, type PlacementDoc, type LEAVE_REASONS } from '../../models/Placement';
import { Vacancy } from '../../models/Vacancy';
import { Organisation } from '../../models/Organisation';
import { MentorSlot } from '../../models/Mentor';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { posterOrganisation } from './postings';
import { postTypeYears } from './taxonomy';
import { cstDate } from '../views/present';
import { wholeNumber } from './formats';
import { claimOnce, releaseClaim } from './claims';

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

/**
 * Retention, as the registry reports it:
 * - at one year: of the placements that started at least a year ago, the share still in post a year after the
 *   start (not left early or transferred before then);
 * - at commitment end: of the placements whose commitment has ended, the share that served it out (completed, or
 *   still in post).
 */
export function retention(
  placements: {
    startDate: Date;
    status: string;
    leftAt?: Date | null;
    commitmentYears: number;
    suspensions: { from?: Date | null; to?: Date | null }[];
  }[],
  now: Date,
) {
  const yearOn = placements.filter((p) => addMonths(p.startDate, 12) <= now);
  const stayedYear = yearOn.filter(
    (p) => !(['left_early', 'transferred'].includes(p.status) && p.leftAt && p.leftAt < addMonths(p.startDate, 12)),
  );
  const ended = placements.filter((p) => {
    const end = commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now);
    return end !== null && end <= now;
  });
  const served = ended.filter((p) => !['left_early', 'transferred'].includes(p.status));
  const share = (a: number, b: number) => (b === 0 ? null : Math.round((100 * a) / b));
  return {
    oneYear: { base: yearOn.length, stayed: stayedYear.length, percent: share(stayedYear.length, yearOn.length) },
    commitment: { base: ended.length, stayed: served.length, percent: share(served.length, ended.length) },
  };
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
  notify: Notify;
  outbox: Outbox;
  baseUrl: string;
  secret: string;
  /** Incentive awards: places reserved when a placement is created, released or ended when it ends. */
  awards?: Awards;
}

const REMIND_AFTER = 14 * DAY;
const MISSED_AFTER = 28 * DAY;

export const checkInSignature = (id: string, secret: string) => linkSignature(secret, 'checkin', id, 22);

/**
 * A placement the actor may act on: the staff of the organisation that manages it, or a coordinator whose scope holds
 * it. Anything else is a 404, so that other schools' placements cannot be told from missing ones.
 */
export async function placementInReach(actor: Actor, id: string): Promise<PlacementDoc> {
  const p = Types.ObjectId.isValid(id) ? await Placement.findById(id).lean<PlacementDoc>() : null;
  if (!p) throw new NotFoundError();
  if (actor.role === 'coordinator') {
    if (actor.scopeUnit && actor.scopeUnit !== p.unitCode) throw new NotFoundError();
    return p;
  }
  const org = await posterOrganisation(actor);
  if (String(p.postedBy) !== String(org._id)) throw new NotFoundError();
  return p;
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
    const template = await this.templateOf(app.postedBy);
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
        awardsPendingSince: this.d.awards ? this.d.clock.now() : null,
        postType: vacancy.postType,
        sourcePartner: app.sourcePartner ?? null,
        startDate: start,
        commitmentYears: postTypeYears(vacancy.postType),
        checklist: template.map((c) => ({
          key: c.key,
          label: c.label,
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
      if (this.d.awards) {
        await this.d.awards.reserveFor(placement);
        await Placement.updateOne({ _id: placement._id }, { $set: { awardsPendingSince: null } });
      }
      return placement;
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /**
   * The sweeper: signed applications whose placement is missing (a crash right after signing) get one, and a
   * placement whose sponsored places were never reserved (a crash right after creating it) gets them, as offered
   * when it was created. Returns the placements created.
   */
  async sweep(): Promise<number> {
    if (this.d.awards) {
      // Left alone for a minute: the request that created it is most likely still reserving.
      const settled = new Date(this.d.clock.now().getTime() - 60_000);
      const cut = await Placement.find({ awardsPendingSince: trusted({ $lte: settled }) }).lean<PlacementDoc[]>();
      for (const p of cut) {
        await this.d.awards.reserveFor(p, p.awardsPendingSince ?? undefined);
        await Placement.updateOne({ _id: p._id }, { $set: { awardsPendingSince: null } });
      }
    }
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

  checkInLink(id: string): string {
    return `${this.d.baseUrl}/checkins/${encodeURIComponent(id)}/${checkInSignature(id, this.d.secret)}`;
  }

  /**
   * The scheduled job: every check-in that has fallen due is created once (its id is the placement and the date)
   * and its email sent; a check-in unanswered after 14 days is reminded once, after 28 days it is missed. Dates
   * before the placement was recorded are not sent; nothing due is skipped by a restart (each run looks at all).
   */
  async runCheckIns(now: Date): Promise<{ sent: number; reminded: number; missed: number }> {
    const counts = { sent: 0, reminded: 0, missed: 0 };
    const live = await Placement.find({ status: trusted({ $in: ['onboarding', 'active', 'suspended'] }) }).lean<
      PlacementDoc[]
    >();
    for (const p of live) {
      const end = commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now);
      for (const due of checkInSchedule(p.startDate, end)) {
        if (due > now || due.getTime() < new Date(p.createdAt).getTime() - DAY) continue;
        const id = `${p._id}:${due.toISOString().slice(0, 10)}`;
        try {
          await CheckIn.create({ _id: id, placement: p._id, postedBy: p.postedBy, dueAt: due, sentAt: now });
        } catch (err) {
          if (isDuplicateKey(err)) continue; // already there: sent by an earlier run or another instance
          throw err;
        }
        await this.sendCheckIn(p, id, 'checkIn');
        counts.sent += 1;
      }
    }
    const open = await CheckIn.find({ status: 'sent' }).lean<CheckInDoc[]>();
    for (const c of open) {
      const age = now.getTime() - c.sentAt.getTime();
      if (age > MISSED_AFTER) {
        await CheckIn.updateOne({ _id: c._id, status: 'sent' }, { $set: { status: 'missed' } });
        counts.missed += 1;
      } else if (age > REMIND_AFTER && !c.remindedAt) {
        const p = await Placement.findById(c.placement).lean<PlacementDoc>();
        if (!p) continue;
        await CheckIn.updateOne({ _id: c._id, remindedAt: null }, { $set: { remindedAt: now } });
        await this.sendCheckIn(p, c._id, 'checkInReminder');
        counts.reminded += 1;
      }
    }
    if (counts.sent + counts.reminded > 0) this.d.outbox.nudge();
    return counts;
  }

  private async sendCheckIn(p: PlacementDoc, id: string, template: 'checkIn' | 'checkInReminder') {
    const teacher = await User.findById(p.teacher).lean();
    if (!teacher) return;
    await this.d.notify.checkIn(
      { email: teacher.email, name: teacher.name, locale: teacher.locale ?? 'zh-CN' },
      { id, template, school: p.schoolName, link: this.checkInLink(id) },
    );
  }

  /** The check-in behind a signed link, for the form that needs no sign-in. */
  async checkIn(id: string, signature: string) {
    if (!isLinkSignature(this.d.secret, 'checkin', id, signature, 22)) throw new NotFoundError();
    const c = await CheckIn.findById(id).lean<CheckInDoc>();
    if (!c) throw new NotFoundError();
    const p = await Placement.findById(c.placement).lean<PlacementDoc>();
    if (!p) throw new NotFoundError();
    // The link works while the placement runs: once it has ended (completed, left, transferred) it stops.
    if (!['onboarding', 'active', 'suspended'].includes(p.status)) throw new LinkError('tokens.ended');
    return { checkIn: c, placement: p };
  }

  /** The teacher's answer; a low intention to stay (or not in post) flags the placement. */
  async answer(
    id: string,
    signature: string,
    a: {
      inPost: boolean;
      workload: number;
      support: number;
      housing: number;
      intention: number;
      text: string;
      mentoring: string;
    },
  ) {
    const { checkIn, placement } = await this.checkIn(id, signature);
    if (checkIn.status === 'answered') throw new ConflictError('placements.errors.answered');
    const now = this.d.clock.now();
    // One answer per check-in, whichever of several submits arrives first (the engine's conditional updates are not
    // atomic, so the claim is a unique insert); the others are told it is answered, and record nothing.
    const claim = `checkin:${id}`;
    if (!(await claimOnce(claim, now))) throw new ConflictError('placements.errors.answered');
    let announced: number;
    try {
      // Sponsors hear of the award periods this answer makes due (emails guarded by the answer below).
      announced = a.inPost ? ((await this.d.awards?.announceDue(placement, id)) ?? 0) : 0;
      const written = await CheckIn.updateOne(
        { _id: id, status: checkIn.status },
        { $set: { status: 'answered', answeredAt: now, answer: a } },
      );
      if (written.modifiedCount !== 1) throw new ConflictError('placements.errors.answered');
    } catch (err) {
      await releaseClaim(claim);
      throw err;
    }
    if (!a.inPost || a.intention <= 2) {
      await Placement.updateOne({ _id: placement._id }, { $set: { flagged: true, flaggedAt: now } });
    }
    await this.d.events.record(
      { actor: null },
      'placement.checkin_answered',
      { type: 'Placement', id: String(placement._id) },
      { checkIn: id, flagged: !a.inPost || a.intention <= 2 },
    );
    if (announced > 0) this.d.outbox.nudge();
  }

  async checkInsOf(placementId: Types.ObjectId) {
    return CheckIn.find({ placement: placementId }).sort({ dueAt: 1 }).lean<CheckInDoc[]>();
  }

  /** The coordinator's registry: placements in scope, filtered; every filter a plain equality. */
  async registry(
    actor: Actor,
    f: {
      unit?: string;
      county?: string;
      school?: string;
      postType?: string;
      partner?: string;
      cohort?: number;
      status?: string;
      flagged?: boolean;
    },
  ) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const query: Record<string, unknown> = {};
    if (actor.scopeUnit) query.unitCode = actor.scopeUnit;
    else if (f.unit) query.unitCode = f.unit;
    if (f.county) query.countyCode = f.county;
    if (f.school && Types.ObjectId.isValid(f.school)) query.school = f.school;
    if (f.postType) query.postType = f.postType;
    if (f.partner && Types.ObjectId.isValid(f.partner)) query.sourcePartner = f.partner;
    if (f.status) query.status = f.status;
    if (f.flagged) query.flagged = true;
    if (f.cohort)
      query.startDate = trusted({
        $gte: new Date(Date.UTC(f.cohort, 0, 1)),
        $lt: new Date(Date.UTC(f.cohort + 1, 0, 1)),
      });
    return Placement.find(query).sort({ startDate: -1 }).limit(5000).lean<PlacementDoc[]>();
  }

  async forStaffList(actor: Actor) {
    const org = await posterOrganisation(actor);
    return Placement.find({ postedBy: org._id }).sort({ startDate: -1 }).limit(500).lean<PlacementDoc[]>();
  }

  /**
   * The weekly reminder of overdue onboarding items: one email per staff member of each school with overdue items,
   * at most once per week (the dedupe key names the week), whatever instances or restarts there are.
   */
  async remindOverdue(now: Date): Promise<number> {
    const open = await Placement.find({ status: trusted({ $in: ['onboarding', 'active', 'suspended'] }) })
      .select({ postedBy: 1, teacherName: 1, checklist: 1 })
      .lean<PlacementDoc[]>();
    const bySchool = new Map<string, { teacher: string; key: string; label: string; due: string; id: string }[]>();
    for (const p of open) {
      for (const c of p.checklist) {
        if (c.doneAt || !c.dueAt || c.dueAt >= now) continue;
        const list = bySchool.get(String(p.postedBy)) ?? [];
        list.push({
          teacher: p.teacherName,
          key: c.key ?? '',
          label: c.label ?? '',
          due: cstDate(c.dueAt),
          id: String(p._id),
        });
        bySchool.set(String(p.postedBy), list);
      }
    }
    const week = Math.floor((now.getTime() + 8 * 3600 * 1000 - 4 * DAY) / (7 * DAY)); // weeks start on Monday, CST
    let sent = 0;
    for (const [org, items] of bySchool) {
      const staff = await User.find({ organisation: org, role: 'staff', membership: 'active' })
        .select({ name: 1, email: 1, locale: 1 })
        .lean();
      for (const person of staff) {
        const fresh = await this.d.notify.overdueChecklist(
          { name: person.name, email: person.email, locale: person.locale === 'en' ? 'en' : 'zh-CN' },
          {
            key: `${org}:${String(person._id)}:${week}`,
            items: items.map((i) => ({ ...i, link: `${this.d.baseUrl}/manage/placements/${i.id}` })),
            link: `${this.d.baseUrl}/manage/placements`,
          },
        );
        if (fresh) sent += 1;
      }
    }
    if (sent) this.d.outbox.nudge();
    return sent;
  }

  /** The onboarding checklist a school's new placements start with: its own template, or the default list. */
  async templateOf(orgId: Types.ObjectId | string): Promise<{ key: string; label: string; days: number }[]> {
    const org = await Organisation.findById(orgId).select({ checklistTemplate: 1 }).lean();
    const own = (org?.checklistTemplate ?? []).map((c) => ({
      key: c.key ?? '',
      label: c.label ?? '',
      days: c.days ?? 0,
    }));
    return own.length ? own : CHECKLIST.map((c) => ({ ...c, label: '' }));
  }

  async template(actor: Actor) {
    const org = await posterOrganisation(actor);
    return this.templateOf(org._id);
  }

  /**
   * Saves the school's checklist template (for placements created from now on): default items can be dropped or
   * moved in time, own items added with a label. Each needs a due day from 0 to 365 after the start.
   */
  async saveTemplate(ctx: Ctx & { actor: Actor }, rows: { key: string; label: string; days: string; drop: boolean }[]) {
    const org = await posterOrganisation(ctx.actor);
    const errors: Record<string, string> = {};
    const kept: { key: string; label: string; days: number }[] = [];
    rows.forEach((r, i) => {
      const builtIn = CHECKLIST.some((c) => c.key === r.key);
      const label = builtIn ? '' : r.label.trim().slice(0, 60);
      if (r.drop || (!builtIn && !label && !r.days.trim())) return; // dropped, or an empty new row
      const days = wholeNumber(r.days);
      if (!builtIn && !label) errors[`label${i}`] = 'placements.template.errors.label';
      if (days === null || days < 0 || days > 365) errors[`days${i}`] = 'placements.template.errors.days';
      kept.push({
        key: builtIn ? r.key : r.key || `own_${crypto.randomBytes(4).toString('hex')}`,
        label,
        days: days ?? 0,
      });
    });
    if (!kept.length) errors.template = 'placements.template.errors.empty';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    await Organisation.updateOne({ _id: org._id }, { $set: { checklistTemplate: kept } });
    await this.d.events.record(
      ctx,
      'organisation.checklist_template',
      { type: 'Organisation', id: String(org._id) },
      {
        items: kept.length,
      },
    );
  }

  /** One placement for a coordinator, within their scope. */
  async forCoordinator(actor: Actor, id: string) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    return placementInReach(actor, id);
  }

  /** The schools and source partners the registry can be filtered by, within the coordinator's scope. */
  async registryChoices(actor: Actor) {
    const placed = await Placement.find(actor.scopeUnit ? { unitCode: actor.scopeUnit } : {})
      .select({ school: 1, schoolName: 1, sourcePartner: 1 })
      .lean();
    const schools = new Map(placed.map((p) => [String(p.school), p.schoolName]));
    const partnerIds = [...new Set(placed.filter((p) => p.sourcePartner).map((p) => String(p.sourcePartner)))];
    const partners = partnerIds.length
      ? await Organisation.find({ _id: trusted({ $in: partnerIds }) })
          .select({ name: 1 })
          .lean()
      : [];
    return {
      schools: [...schools].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
      partners: partners.map((o) => ({ id: String(o._id), name: o.name })),
    };
  }

  async forStaff(actor: Actor, id: string) {
    if (actor.role !== 'staff') throw new ForbiddenError();
    return placementInReach(actor, id);
  }

  async forTeacher(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    return Placement.find({ teacher: actor.id }).sort({ startDate: -1 }).lean<PlacementDoc[]>();
  }

  async tick(ctx: Ctx & { actor: Actor }, id: string, key: string, done: boolean) {
    const p = await this.forStaff(ctx.actor, id);
    const item = p.checklist.find((c) => c.key === key);
    if (!item) throw new NotFoundError();
    // Ticking what is ticked (or undoing what is not) changes nothing and records nothing.
    if (Boolean(item.doneAt) === done) return;
    const read = new Date(p.updatedAt ?? 0).getTime();
    if (!(await claimOnce(`tick:${id}:${read}:${key}:${done ? 1 : 0}`, this.d.clock.now()))) return;
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
    if (p.commitmentYears === years && p.commitmentReason === reason) return;
    const read = new Date(p.updatedAt ?? 0).getTime();
    if (!(await claimOnce(`commitment:${id}:${read}:${years}`, this.d.clock.now()))) return;
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
    // Already there by this very move (a resent form): nothing happens again.
    if (p.status === MOVES[move].to) return;
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
    // One move out of the status read, however many requests arrive together.
    const read = new Date(p.updatedAt ?? 0).getTime();
    if (!(await claimOnce(`placement:${id}:${p.status}:${read}`, this.d.clock.now())))
      throw new ConflictError('postings.errors.changedMeanwhile');
    const result = await Placement.updateOne({ _id: p._id, status: p.status }, { $set: set });
    if (result.modifiedCount !== 1) throw new ConflictError('postings.errors.changedMeanwhile');
    // An ended placement frees its mentor's place for the next new teacher.
    if (['completed', 'left_early', 'transferred'].includes(to)) await MentorSlot.deleteMany({ placement: p._id });
    // Leaving before the start gives sponsored places back; leaving after it ends the awards.
    if (['left_early', 'transferred'].includes(to))
      await this.d.awards?.placementEnded(p._id, p.status !== 'onboarding');
    await this.d.events.record(ctx, `placement.${move}`, { type: 'Placement', id }, { from: p.status, to });
  }
}
