// Applications: applying (with the eligibility check), the candidate's view, and the one state machine through
// which an application moves. "Who takes version N+1" is a unique insert (ApplicationStep `<id>:<N+1>`), so of two
// staff acting at once exactly one wins, on MongoDB and on FerretDB alike.
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, isDuplicateKey, NotFoundError, ValidationError } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { Announcement } from '../../models/Announcement';
import { Application, ApplicationStep, type ApplicationDoc, type REJECT_REASONS } from '../../models/Application';
import { PIPELINE_STAGES } from '../../models/Posting';
import { User } from '../../models/User';
import { Vacancy, type VacancyDoc } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import { evaluateEligibility } from './eligibility';
import type { Events } from './events';
import { posterOrganisation } from './postings';
import type { Profiles } from './profiles';

export type RejectReason = (typeof REJECT_REASONS)[number];
export type Move =
  | { action: 'advance' }
  | { action: 'reject'; reason: RejectReason; message: string }
  | { action: 'absent' }
  | { action: 'withdraw'; note: string };

export interface ApplicationDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
  profiles: Profiles;
  baseUrl: string;
}

export function stagesOf(pipeline: string): string[] {
  return PIPELINE_STAGES[pipeline as keyof typeof PIPELINE_STAGES] ?? PIPELINE_STAGES.open_recruitment;
}

/** The stage after `stage` in its template, or null at the end. */
export function nextStage(pipeline: string, stage: string): string | null {
  const stages = stagesOf(pipeline);
  const i = stages.indexOf(stage);
  return i >= 0 && i + 1 < stages.length ? stages[i + 1]! : null;
}

/** What a move does to an application, or why it cannot happen. Pure: the rules of the pipeline in one place. */
export function plan(
  app: Pick<ApplicationDoc, 'pipeline' | 'stage' | 'outcome'>,
  move: Move,
  by: 'staff' | 'candidate',
) {
  if (app.outcome) throw new ConflictError('applications.errors.closed');
  if (move.action === 'withdraw') {
    if (by !== 'candidate') throw new ForbiddenError();
    if (app.stage === 'signed') throw new ConflictError('applications.errors.signed');
    return { stage: app.stage, outcome: 'withdrawn' as const };
  }
  if (by !== 'staff') throw new ForbiddenError();
  if (app.stage === 'signed') throw new ConflictError('applications.errors.signed');
  if (move.action === 'advance') {
    const next = nextStage(app.pipeline, app.stage);
    if (!next) throw new ConflictError('applications.errors.lastStage');
    return { stage: next, outcome: null };
  }
  return { stage: app.stage, outcome: move.action === 'reject' ? ('rejected' as const) : ('absent' as const) };
}

export class Applications {
  constructor(private readonly d: ApplicationDeps) {}

  private async openVacancy(id: string): Promise<VacancyDoc> {
    const vacancy = Types.ObjectId.isValid(id)
      ? await Vacancy.findOne({ _id: id, status: 'open' }).lean<VacancyDoc>()
      : null;
    if (!vacancy) throw new NotFoundError();
    return vacancy;
  }

  /** Everything the apply page needs, and whether applying is possible now (with the reason if not). */
  async prepare(actor: Actor, vacancyId: string) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    const vacancy = await this.openVacancy(vacancyId);
    const now = this.d.clock.now();
    const announcement = vacancy.announcement ? await Announcement.findById(vacancy.announcement).lean() : null;
    const profile = await this.d.profiles.find(actor.id);
    const on = announcement?.openedAt ?? vacancy.openedAt ?? now;
    const eligibility = evaluateEligibility(
      { ...vacancy.requirements, stage: vacancy.stage, subject: vacancy.subject },
      profile ?? {},
      on,
    );
    let blocked: string | null = null;
    const registration = announcement?.phases.find((p) => p.kind === 'registration');
    if (vacancy.deadline < now) blocked = 'applications.errors.deadline';
    else if (registration?.start && registration.start > now) blocked = 'applications.errors.notYet';
    else if (registration?.end && registration.end < now) blocked = 'applications.errors.deadline';
    else if (!actor.emailVerified) blocked = 'auth.verifyFirst';
    else if (!profile?.idCipher || !profile.legalName) blocked = 'applications.errors.profile';
    else if (eligibility.outcome === 'ineligible') blocked = 'applications.errors.ineligible';
    else if (await Application.exists({ vacancy: vacancy._id, candidate: actor.id }))
      blocked = 'applications.errors.duplicate';
    else if (
      announcement?.programme === 'open_recruitment' &&
      (await Application.exists({ announcement: announcement._id, candidate: actor.id, outcome: null }))
    ) {
      blocked = 'applications.errors.oneperAnnouncement';
    }
    return { vacancy, announcement, profile, eligibility, blocked };
  }

  async apply(
    ctx: Ctx & { actor: Actor },
    vacancyId: string,
    input: { statement: string; consent: boolean },
  ): Promise<string> {
    if (!input.consent) throw new ValidationError({ consent: 'applications.errors.consent' });
    const { vacancy, profile, eligibility, blocked } = await this.prepare(ctx.actor, vacancyId);
    if (blocked) throw new ConflictError(blocked);
    const now = this.d.clock.now();
    const id = new Types.ObjectId();
    await this.d.notify.applicationReceived(
      { email: ctx.actor.email, name: ctx.actor.name, locale: ctx.actor.locale },
      {
        id: String(id),
        title: vacancy.title,
        school: vacancy.schoolName,
        link: `${this.d.baseUrl}/me/applications/${id}`,
      },
    );
    try {
      await Application.create({
        _id: id,
        vacancy: vacancy._id,
        candidate: ctx.actor.id,
        postedBy: vacancy.postedBy,
        school: vacancy.school,
        announcement: vacancy.announcement ?? null,
        unitCode: vacancy.unitCode,
        pipeline: vacancy.pipeline,
        stage: 'submitted',
        statement: input.statement,
        consentAt: now,
        eligibility,
        snapshot: {
          legalName: profile!.legalName,
          phone: profile!.phone,
          gender: profile!.gender,
          birthDate: profile!.birthDate,
          education: profile!.education,
          certificates: profile!.certificates,
          mandarinLevel: profile!.mandarinLevel,
        },
        history: [{ at: now, by: ctx.actor.id, from: null, to: 'submitted', note: '' }],
        submittedAt: now,
      });
    } catch (err) {
      // The unique index {vacancy, candidate} settles a double submit: one application.
      if (isDuplicateKey(err)) throw new ConflictError('applications.errors.duplicate');
      throw err;
    }
    await this.d.events.record(
      ctx,
      'application.submitted',
      { type: 'Application', id: String(id) },
      { vacancy: vacancyId, eligibility: eligibility.outcome },
    );
    this.d.outbox.nudge();
    return String(id);
  }

  async mine(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    return Application.find({ candidate: actor.id }).sort({ submittedAt: -1 }).limit(200).lean<ApplicationDoc[]>();
  }

  /** The candidate's own application; anyone else's does not exist for them. */
  async mineOne(actor: Actor, id: string) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    const app = Types.ObjectId.isValid(id)
      ? await Application.findOne({ _id: id, candidate: actor.id }).lean<ApplicationDoc>()
      : null;
    if (!app) throw new NotFoundError();
    const vacancy = await Vacancy.findById(app.vacancy).select({ title: 1, schoolName: 1, countyCode: 1 }).lean();
    return { app, vacancy };
  }

  /** A vacancy's applications for the staff who manage it. */
  async forVacancy(actor: Actor, vacancyId: string) {
    const org = await posterOrganisation(actor);
    const vacancy = Types.ObjectId.isValid(vacancyId) ? await Vacancy.findById(vacancyId).lean<VacancyDoc>() : null;
    if (!vacancy || String(vacancy.postedBy) !== String(org._id)) throw new NotFoundError();
    const apps = await Application.find({ vacancy: vacancy._id })
      .sort({ submittedAt: 1 })
      .limit(2000)
      .lean<ApplicationDoc[]>();
    return { vacancy, apps };
  }

  async forStaff(actor: Actor, id: string) {
    const org = await posterOrganisation(actor);
    const app = Types.ObjectId.isValid(id) ? await Application.findById(id).lean<ApplicationDoc>() : null;
    if (!app || String(app.postedBy) !== String(org._id)) throw new NotFoundError();
    const [vacancy, profile, candidate] = await Promise.all([
      Vacancy.findById(app.vacancy).lean<VacancyDoc>(),
      this.d.profiles.find(String(app.candidate)),
      User.findById(app.candidate).select({ email: 1 }).lean(),
    ]);
    return { app, vacancy: vacancy!, maskedId: this.d.profiles.maskedId(profile), email: candidate?.email ?? '' };
  }

  /** The only way an application changes: checks the move, claims the next version, writes, records, notifies. */
  async move(ctx: Ctx & { actor: Actor }, id: string, move: Move): Promise<void> {
    const by = ctx.actor.role === 'candidate' ? 'candidate' : 'staff';
    const app = by === 'candidate' ? (await this.mineOne(ctx.actor, id)).app : (await this.forStaff(ctx.actor, id)).app;
    const next = plan(app, move, by);
    const now = this.d.clock.now();
    const version = app.version + 1;
    try {
      await ApplicationStep.create({ _id: `${id}:${version}`, by: ctx.actor.id, action: move.action, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError('applications.errors.conflict');
      throw err;
    }
    const vacancy = await Vacancy.findById(app.vacancy).select({ title: 1, schoolName: 1 }).lean();
    const candidate = await User.findById(app.candidate).lean();
    if (candidate && vacancy) {
      const person = { email: candidate.email, name: candidate.name, locale: candidate.locale ?? 'zh-CN' };
      const about = {
        id,
        version,
        title: vacancy.title,
        school: vacancy.schoolName,
        link: `${this.d.baseUrl}/me/applications/${id}`,
      };
      if (move.action === 'reject') await this.d.notify.applicationRejected(person, about, move.reason, move.message);
      else if (move.action === 'withdraw') await this.d.notify.applicationWithdrawn(person, about);
      else if (move.action === 'advance') await this.d.notify.applicationAdvanced(person, about, next.stage);
    }
    const note = move.action === 'withdraw' ? move.note : move.action === 'reject' ? move.reason : '';
    const result = await Application.updateOne(
      { _id: app._id, version: app.version },
      {
        $set: {
          stage: next.stage,
          outcome: next.outcome,
          version,
          ...(move.action === 'reject' ? { rejectReason: move.reason, rejectMessage: move.message } : {}),
        },
        $push: { history: { at: now, by: ctx.actor.id, from: app.stage, to: next.outcome ?? next.stage, note } },
      },
    );
    if (result.modifiedCount !== 1) throw new ConflictError('applications.errors.conflict');
    await this.d.events.record(
      ctx,
      `application.${move.action}`,
      { type: 'Application', id },
      { from: app.stage, to: next.outcome ?? next.stage, version },
    );
    this.d.outbox.nudge();
  }

  /** Counts per stage for a vacancy's board. */
  static countByStage(apps: ApplicationDoc[]) {
    const counts: Record<string, number> = {};
    for (const a of apps) counts[a.outcome ?? a.stage] = (counts[a.outcome ?? a.stage] ?? 0) + 1;
    return counts;
  }
}
