// Announcements (招聘公告): recruitment drives with dated phases, issued by bureaus, schools and universities,
// reviewed like vacancies before they go public.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { Announcement, type AnnouncementDoc } from '../../models/Announcement';
import { transition, type PHASES, type PROGRAMMES } from '../../models/Posting';
import { Vacancy } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { coordinatorCovers } from './organisations';
import { askForReview, decideReview, move, posterOrganisation, type Updatable } from './postings';

export interface AnnouncementInput {
  programme: (typeof PROGRAMMES)[number];
  title: string;
  body: string;
  venue: string;
  phases: { kind: (typeof PHASES)[number]; start: Date | null; end: Date | null }[];
}

export interface AnnouncementDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
}

const model = Announcement as unknown as Updatable;

export class Announcements {
  constructor(private readonly d: AnnouncementDeps) {}

  private check(input: AnnouncementInput) {
    const errors: FieldErrors = {};
    for (const phase of input.phases) {
      if (phase.start && phase.end && phase.start > phase.end)
        errors[`${phase.kind}End`] = 'announcements.errors.phaseOrder';
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return input.phases.filter((p) => p.start || p.end);
  }

  async create(ctx: Ctx & { actor: Actor }, input: AnnouncementInput): Promise<string> {
    const org = await posterOrganisation(ctx.actor);
    const phases = this.check(input);
    const created = await Announcement.create({
      issuer: org._id,
      issuerName: org.name,
      unitCode: org.unitCode,
      programme: input.programme,
      title: input.title,
      body: input.body,
      venue: input.venue,
      phases,
    });
    await this.d.events.record(ctx, 'announcement.created', { type: 'Announcement', id: String(created._id) });
    return String(created._id);
  }

  async getForStaff(actor: Actor, id: string): Promise<AnnouncementDoc> {
    const org = await posterOrganisation(actor);
    const a = Types.ObjectId.isValid(id) ? await Announcement.findById(id).lean<AnnouncementDoc>() : null;
    if (!a || String(a.issuer) !== String(org._id)) throw new NotFoundError();
    return a;
  }

  async listForStaff(actor: Actor) {
    const org = await posterOrganisation(actor);
    return Announcement.find({ issuer: org._id }).sort({ updatedAt: -1 }).limit(200).lean<AnnouncementDoc[]>();
  }

  /**
   * Saves the staff's changes. An open announcement is public, and what the public sees was approved: a change to
   * anything it shows takes it back to review (off the public pages until a coordinator approves it again).
   */
  async update(ctx: Ctx & { actor: Actor }, id: string, input: AnnouncementInput): Promise<{ backToReview: boolean }> {
    const a = await this.getForStaff(ctx.actor, id);
    if (!['draft', 'open'].includes(a.status)) throw new ForbiddenError('vacancies.errors.notEditable');
    const phases = this.check(input);
    const next = { programme: input.programme, title: input.title, body: input.body, venue: input.venue, phases };
    const shown = (p: { kind: string; start?: Date | null; end?: Date | null }[]) =>
      p.map((x) => ({ kind: x.kind, start: x.start?.getTime() ?? null, end: x.end?.getTime() ?? null }));
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) =>
      k === 'phases'
        ? JSON.stringify(shown(a.phases)) !== JSON.stringify(shown(phases))
        : (a as Record<string, unknown>)[k] !== next[k],
    );
    if (changed.length === 0) return { backToReview: false };
    const backToReview = a.status === 'open';
    if (backToReview && !transition(a.status, 'material_edit', 'staff'))
      throw new ConflictError('postings.errors.notNow');
    if (backToReview) await askForReview(this.d, 'announcement', { ...a, title: input.title }, a.issuerName);
    const result = await Announcement.updateOne(
      { _id: a._id, status: a.status, updatedAt: a.updatedAt },
      { $set: { ...next, ...(backToReview ? { status: 'in_review' } : {}) } },
    );
    if (result.modifiedCount !== 1) throw new ValidationError({ _form: 'postings.errors.changedMeanwhile' });
    await this.d.events.record(
      ctx,
      'announcement.edited',
      { type: 'Announcement', id },
      { status: a.status, changed, backToReview },
    );
    if (backToReview) this.d.outbox.nudge();
    return { backToReview };
  }

  async act(ctx: Ctx & { actor: Actor }, id: string, action: 'submit' | 'withdraw' | 'close' | 'cancel') {
    const a = await this.getForStaff(ctx.actor, id);
    if (action === 'submit') await askForReview(this.d, 'announcement', a, a.issuerName);
    const to = await move(model, a, action, 'staff');
    await this.d.events.record(ctx, `announcement.${action}`, { type: 'Announcement', id }, { from: a.status, to });
    this.d.outbox.nudge();
  }

  async reviewQueue(actor: Actor) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const filter: Record<string, unknown> = { status: 'in_review' };
    if (actor.scopeUnit) filter.unitCode = actor.scopeUnit;
    return Announcement.find(filter).sort({ updatedAt: 1 }).limit(200).lean<AnnouncementDoc[]>();
  }

  async getForCoordinator(actor: Actor, id: string): Promise<AnnouncementDoc> {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const a = Types.ObjectId.isValid(id) ? await Announcement.findById(id).lean<AnnouncementDoc>() : null;
    // A draft is the staff's own work until they submit it (a returned one too, once they edit it again).
    if (!a || a.status === 'draft' || !coordinatorCovers(actor, a)) throw new NotFoundError();
    return a;
  }

  async review(ctx: Ctx & { actor: Actor }, id: string, decision: 'approve' | 'return', comment: string) {
    const a = await this.getForCoordinator(ctx.actor, id);
    await decideReview(this.d, ctx, 'announcement', model, a, a.issuer, decision, comment);
  }

  /** Public: open and closed announcements, newest first. */
  /** The public list, newest first: open drives, and closed ones too when asked for. */
  async listPublic(page: number, options: { closed?: boolean } = {}) {
    const filter: Record<string, unknown> = {
      status: options.closed ? trusted({ $in: ['open', 'closed'] }) : 'open',
    };
    const [items, total] = await Promise.all([
      Announcement.find(filter)
        .sort({ openedAt: -1, _id: -1 })
        .skip((page - 1) * 20)
        .limit(20)
        .lean<AnnouncementDoc[]>(),
      Announcement.countDocuments(filter),
    ]);
    return { items, total, pages: Math.max(1, Math.ceil(total / 20)) };
  }

  async getPublic(id: string) {
    const a = Types.ObjectId.isValid(id)
      ? await Announcement.findById(id)
          .lean<AnnouncementDoc>()
          .then((x) => (x && ['open', 'closed'].includes(x.status) ? x : null))
      : null;
    if (!a) throw new NotFoundError();
    const vacancies = await Vacancy.find({
      announcement: a._id,
      status: trusted({ $in: ['open', 'closed', 'filled'] }),
    })
      .sort({ deadline: 1 })
      .limit(200)
      .lean();
    return { announcement: a, vacancies };
  }
}
