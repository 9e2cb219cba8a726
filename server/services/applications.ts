// Applications: applying (with the eligibility check), the candidate's view, and the one state machine through
// which an application moves. "Who takes version N+1" is a unique insert (ApplicationStep `<id>:<N+1>`), so of two
// staff acting at once exactly one wins, on MongoDB and on FerretDB alike.
import { trusted, Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, isDuplicateKey, NotFoundError, ValidationError } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { Announcement } from '../../models/Announcement';
import {
  Application,
  ApplicationNote,
  ApplicationStep,
  Notice,
  type ApplicationDoc,
  type NoticeDoc,
  type REJECT_REASONS,
} from '../../models/Application';
import { PIPELINE_STAGES } from '../../models/Posting';
import { User } from '../../models/User';
import { Vacancy, type VacancyDoc } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import { evaluateEligibility } from './eligibility';
import type { Events } from './events';
import { coordinatorCovers } from './organisations';
import { posterOrganisation } from './postings';
import { maskIdCard } from './idcard';
import type { Profiles } from './profiles';
import type { ProfileDoc } from '../../models/CandidateProfile';
import { cutOff, maskName, places, rank, rulesFor, total } from './selection';
import { Referrals } from './referrals';
import type { Placements } from './placements';
import { toCsv } from './csv';
import { cstDateTime } from '../views/present';
import { claimOnce, digest, releaseClaim } from './claims';

export type RejectReason = (typeof REJECT_REASONS)[number];
type Scores = { written: number | null; interview: number | null; total: number | null };
export type Move =
  | { action: 'advance'; contractDate?: Date | null }
  | { action: 'reject'; reason: RejectReason; message: string }
  | { action: 'absent' }
  | { action: 'return'; message: string }
  | { action: 'resubmit' }
  | { action: 'withdraw'; note: string };

export interface ApplicationDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
  profiles: Profiles;
  placements: Placements;
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
  app: Pick<ApplicationDoc, 'pipeline' | 'stage' | 'outcome'> & { returned?: { at?: Date | null } | null },
  move: Move,
  by: 'staff' | 'candidate',
) {
  if (app.outcome) throw new ConflictError('applications.errors.closed');
  if (move.action === 'withdraw') {
    if (by !== 'candidate') throw new ForbiddenError();
    if (app.stage === 'signed') throw new ConflictError('applications.errors.signed');
    return { stage: app.stage, outcome: 'withdrawn' as const };
  }
  if (move.action === 'resubmit') {
    if (by !== 'candidate') throw new ForbiddenError();
    if (!app.returned?.at) throw new ConflictError('applications.errors.notReturned');
    return { stage: app.stage, outcome: null };
  }
  if (move.action === 'return') {
    if (by !== 'staff') throw new ForbiddenError();
    if (!['submitted', 'qualification_review'].includes(app.stage))
      throw new ConflictError('applications.errors.returnOnlyAtReview');
    return { stage: app.stage, outcome: null };
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

/** A version claim older than this whose update never landed belongs to a writer that died. */
const STALE_STEP_MS = 60_000;

export class Applications {
  constructor(private readonly d: ApplicationDeps) {}

  private async openVacancy(id: string): Promise<VacancyDoc> {
    const vacancy = Types.ObjectId.isValid(id)
      ? await Vacancy.findById(id)
          .lean<VacancyDoc>()
          .then((v) => (v?.status === 'open' ? v : null))
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
    await this.notifyStaff(vacancy, String(id));
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
        // Where it came from is fixed here, never by the candidate afterwards.
        ...(await Referrals.sourceFor(ctx.actor.id, String(vacancy._id))),
        stage: 'submitted',
        statement: input.statement,
        consentAt: now,
        eligibility,
        ...fromProfile(profile!),
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

  /** The staff who manage a post and chose to hear of new applications this way (active members, not erased). */
  private async staffToTell(orgIds: (string | Types.ObjectId)[], choice: 'each' | 'daily') {
    const staff = await User.find({ organisation: trusted({ $in: orgIds }), membership: 'active', role: 'staff' })
      .select({ name: 1, email: 1, locale: 1, organisation: 1, applicationMail: 1, erasedAt: 1 })
      .lean();
    // Accounts from before the choice existed have none stored: they get the default, one email each.
    return staff.filter((u) => !u.erasedAt && (u.applicationMail ?? 'each') === choice);
  }

  /**
   * Tells the staff of the organisation that manages the post, each in their language, that an application
   * arrived (written before the application itself, and sent only once it exists: the outbox's guard).
   */
  private async notifyStaff(vacancy: VacancyDoc, applicationId: string) {
    for (const staff of await this.staffToTell([vacancy.postedBy], 'each')) {
      await this.d.notify.staffApplicationNew(
        { id: String(staff._id), email: staff.email, name: staff.name, locale: staff.locale ?? 'zh-CN' },
        {
          id: applicationId,
          ref: applicationRef(applicationId),
          title: vacancy.title,
          link: `${this.d.baseUrl}/manage/vacancies/${String(vacancy._id)}/applications`,
          settingsLink: `${this.d.baseUrl}/account`,
        },
      );
    }
  }

  /**
   * The scheduled daily digest: for each staff member who chose it, the applications their organisation's posts
   * received in the day that ended at `until` (counted per post, nothing about the people). Keyed by the day, so a
   * rerun, or a second instance, sends nothing twice.
   */
  async sendStaffDigests(until: Date): Promise<number> {
    const since = new Date(until.getTime() - 24 * 3600 * 1000);
    const apps = await Application.find({ submittedAt: trusted({ $gte: since, $lt: until }) })
      .select({ vacancy: 1, postedBy: 1 })
      .lean();
    if (apps.length === 0) return 0;
    const perOrg = new Map<string, Map<string, number>>();
    for (const a of apps) {
      const posts = perOrg.get(String(a.postedBy)) ?? new Map<string, number>();
      posts.set(String(a.vacancy), (posts.get(String(a.vacancy)) ?? 0) + 1);
      perOrg.set(String(a.postedBy), posts);
    }
    const staff = await this.staffToTell([...perOrg.keys()], 'daily');
    if (staff.length === 0) return 0;
    const titles = new Map(
      (
        await Vacancy.find({ _id: trusted({ $in: [...new Set(apps.map((a) => String(a.vacancy)))] }) })
          .select({ title: 1 })
          .lean()
      ).map((v) => [String(v._id), v.title]),
    );
    let sent = 0;
    for (const person of staff) {
      const posts = perOrg.get(String(person.organisation));
      if (!posts) continue;
      const list = [...posts]
        .map(([vacancyId, count]) => ({
          title: titles.get(vacancyId) ?? '',
          count,
          link: `${this.d.baseUrl}/manage/vacancies/${vacancyId}/applications`,
        }))
        .sort((x, y) => y.count - x.count || x.title.localeCompare(y.title, 'zh-CN'));
      await this.d.notify.staffApplicationDigest(
        { id: String(person._id), email: person.email, name: person.name, locale: person.locale ?? 'zh-CN' },
        {
          until: until.toISOString(),
          total: list.reduce((n, p) => n + p.count, 0),
          link: `${this.d.baseUrl}/manage/vacancies`,
          settingsLink: `${this.d.baseUrl}/account`,
        },
        list,
      );
      sent += 1;
    }
    this.d.outbox.nudge();
    return sent;
  }

  async mine(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    return Application.find({ candidate: actor.id }).sort({ submittedAt: -1 }).limit(200).lean<ApplicationDoc[]>();
  }

  /**
   * The candidate's own applications to these vacancies, by vacancy id: where each stands (its stage, or how it
   * ended). One query for a whole page of vacancies.
   */
  async statusesFor(
    actor: Actor,
    vacancyIds: (string | Types.ObjectId)[],
  ): Promise<Map<string, { id: string; state: string }>> {
    if (actor.role !== 'candidate' || vacancyIds.length === 0) return new Map();
    const rows = await Application.find({ vacancy: trusted({ $in: vacancyIds }), candidate: actor.id })
      .select({ vacancy: 1, stage: 1, outcome: 1 })
      .lean<Pick<ApplicationDoc, '_id' | 'vacancy' | 'stage' | 'outcome'>[]>();
    return new Map(rows.map((a) => [String(a.vacancy), { id: String(a._id), state: a.outcome ?? a.stage }]));
  }

  /** The candidate's own application; anyone else's does not exist for them. */
  async mineOne(actor: Actor, id: string) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    const app = Types.ObjectId.isValid(id)
      ? await Application.findById(id)
          .lean<ApplicationDoc>()
          .then((a) => (a && String(a.candidate) === actor.id ? a : null))
      : null;
    if (!app) throw new NotFoundError();
    const vacancy = await Vacancy.findById(app.vacancy).select({ title: 1, schoolName: 1, countyCode: 1 }).lean();
    return { app, vacancy };
  }

  /** A vacancy's applications: for the staff who manage it, and (read-only) for coordinators covering its unit. */
  async forVacancy(actor: Actor, vacancyId: string, options: { read?: boolean } = {}) {
    const vacancy = Types.ObjectId.isValid(vacancyId) ? await Vacancy.findById(vacancyId).lean<VacancyDoc>() : null;
    if (options.read && actor.role === 'coordinator') {
      if (!vacancy || !coordinatorCovers(actor, vacancy)) throw new NotFoundError();
    } else {
      const org = await posterOrganisation(actor);
      if (!vacancy || String(vacancy.postedBy) !== String(org._id)) throw new NotFoundError();
    }
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

  /**
   * Claims version `version` of an application for one writer (a unique insert). A claim left behind by a writer
   * that died before its update (a crash, or the database going away between the two writes) would block the
   * application for good: once it is a minute old and the application is still at the version before, it is
   * released and claimed again (deleting it by its timestamp, so only one of several recoverers wins).
   */
  private async claimStep(id: string, version: number, by: string, action: string, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await ApplicationStep.create({ _id: `${id}:${version}`, by, action, at: now });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const stale = await ApplicationStep.findById(`${id}:${version}`).lean();
      const current = await Application.findById(id).select({ version: 1 }).lean();
      const abandoned = stale && current?.version === version - 1 && now.getTime() - stale.at.getTime() > STALE_STEP_MS;
      if (!abandoned) break;
      await ApplicationStep.deleteOne({ _id: stale._id, at: stale.at });
    }
    throw new ConflictError('applications.errors.conflict');
  }

  /** Whether version `version` of an application was made by this same move (so a repeat of it changes nothing). */
  private async madeBy(id: string, version: number, move: Move): Promise<boolean> {
    const step = await ApplicationStep.findById(`${id}:${version}`).lean();
    return step?.action === move.action;
  }

  /**
   * The only way an application changes: checks the move, claims the next version, writes, records, notifies.
   * `seenVersion` is the version the form was shown with: when the application has moved on since by this very move
   * (a double click, a resent form), nothing happens again and false is returned; by another move, it is a conflict.
   */
  async move(
    ctx: Ctx & { actor: Actor },
    id: string,
    move: Move,
    options: { seenVersion?: number } = {},
  ): Promise<boolean> {
    const by = ctx.actor.role === 'candidate' ? 'candidate' : 'staff';
    const app = by === 'candidate' ? (await this.mineOne(ctx.actor, id)).app : (await this.forStaff(ctx.actor, id)).app;
    if (options.seenVersion !== undefined && options.seenVersion !== app.version) {
      if (options.seenVersion < app.version && (await this.madeBy(id, options.seenVersion + 1, move))) return false;
      throw new ConflictError('applications.errors.conflict');
    }
    const next = plan(app, move, by);
    const now = this.d.clock.now();
    const gate = move.action === 'advance' ? await this.gate(app, next.stage, move.contractDate ?? null) : { note: '' };
    const version = app.version + 1;
    await this.claimStep(id, version, ctx.actor.id, move.action, now);
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
      else if (move.action === 'return') await this.d.notify.applicationReturned(person, about, move.message);
      else if (move.action === 'withdraw') await this.d.notify.applicationWithdrawn(person, about);
      else if (move.action === 'advance') await this.d.notify.applicationAdvanced(person, about, next.stage);
    }
    const note =
      move.action === 'withdraw'
        ? move.note
        : move.action === 'reject'
          ? move.reason
          : move.action === 'return'
            ? 'returned'
            : move.action === 'resubmit'
              ? 'resubmitted'
              : gate.note;
    // Resubmitting after a return takes the profile as it is now: snapshot, documents and eligibility.
    const refreshed = move.action === 'resubmit' ? await this.refreshedFromProfile(app) : {};
    const result = await Application.updateOne(
      { _id: app._id, version: app.version },
      {
        $set: {
          stage: next.stage,
          outcome: next.outcome,
          version,
          ...(move.action === 'reject' ? { rejectReason: move.reason, rejectMessage: move.message } : {}),
          ...(next.stage === 'signed' && move.action === 'advance' ? { contractDate: move.contractDate } : {}),
          ...(move.action === 'return' ? { returned: { at: now, message: move.message } } : {}),
          ...(move.action === 'resubmit' ? { returned: { at: null, message: '' }, ...refreshed } : {}),
        },
        $push: { history: { at: now, by: ctx.actor.id, from: app.stage, to: next.outcome ?? next.stage, note } },
      },
    );
    if (result.modifiedCount !== 1) throw new ConflictError('applications.errors.conflict');
    // Signed: the placement starts (exactly once; the sweeper catches a crash between these two writes).
    if (next.stage === 'signed' && !next.outcome) {
      await this.d.placements.ensureFor({
        ...app,
        contractDate: move.action === 'advance' ? (move.contractDate ?? null) : null,
      });
    }
    await this.d.events.record(
      ctx,
      `application.${move.action}`,
      { type: 'Application', id },
      { from: app.stage, to: next.outcome ?? next.stage, version },
    );
    this.d.outbox.nudge();
    return true;
  }

  /**
   * The gate into `to`: interview admits the top ratio × headcount by written score, medical the top headcount by
   * total (ties at the cut-off all pass); an offer needs a public notice whose period has ended with every objection
   * resolved; signing needs the accepted offer (where the template has one) and the contract date.
   */
  private async gate(app: ApplicationDoc, to: string, contractDate: Date | null): Promise<{ note: string }> {
    if ((to === 'interview' && stagesOf(app.pipeline).includes('written_exam')) || to === 'medical') {
      const from = to === 'interview' ? 'written_exam' : 'interview';
      const stages = stagesOf(app.pipeline);
      const vacancy = await Vacancy.findById(app.vacancy).select({ headcount: 1 }).lean();
      const all = await Application.find({ vacancy: app.vacancy }).lean<ApplicationDoc[]>();
      const reached = all.filter((a) => stages.indexOf(a.stage) >= stages.indexOf(from));
      const score = (a: ApplicationDoc) => (to === 'interview' ? a.scores?.written : a.scores?.total);
      if (typeof score(app) !== 'number') throw new ConflictError('applications.errors.noScore');
      const open = places(to, app.pipeline, vacancy?.headcount ?? 1);
      const admitted = cutOff(
        rank(
          reached.filter((a) => !a.outcome),
          score,
        ),
        open,
      );
      if (!admitted.some((r) => String(r.item._id) === String(app._id)))
        throw new ConflictError('applications.errors.belowCutoff');
      // Admitted only because someone above dropped out: a back-fill, recorded as such.
      const firstTime = cutOff(rank(reached, score), open);
      return { note: firstTime.some((r) => String(r.item._id) === String(app._id)) ? '' : 'backfill' };
    }
    if (
      to === 'offer' ||
      (to === 'signed' && !stagesOf(app.pipeline).includes('offer')) ||
      to === 'pre_service_training'
    ) {
      if (stagesOf(app.pipeline).includes('public_notice')) {
        const notice = await Notice.findOne({ vacancy: app.vacancy, 'entries.application': app._id })
          .sort({ publishedAt: -1 })
          .lean<NoticeDoc>();
        if (!notice) throw new ConflictError('applications.errors.noNotice');
        if (notice.endsAt > this.d.clock.now()) throw new ConflictError('applications.errors.noticeRunning');
        if (notice.objections.some((o) => !o.resolvedAt)) throw new ConflictError('applications.errors.objections');
      }
    }
    if (to === 'signed') {
      if (stagesOf(app.pipeline).includes('offer') && !app.offer?.acceptedAt)
        throw new ConflictError('applications.errors.offerNotAccepted');
      if (!contractDate) throw new ValidationError({ contractDate: 'applications.errors.contractDate' });
    }
    return { note: '' };
  }

  /**
   * Which of a vacancy's scores a ranking or a notice has relied on: the written scores once the interview cut-off
   * has been applied (someone moved from the written exam to the interview), the interview scores (and so the totals)
   * once the medical cut-off has, and both of every application listed on a published notice.
   */
  async relied(vacancyId: Types.ObjectId | string): Promise<{
    written: boolean;
    interview: boolean;
    noticed: Set<string>;
  }> {
    const apps = await Application.find({ vacancy: vacancyId }).select({ history: 1 }).lean<ApplicationDoc[]>();
    const moved = (from: string, to: string) => apps.some((a) => a.history.some((h) => h.from === from && h.to === to));
    const notices = await Notice.find({ vacancy: vacancyId }).select({ entries: 1 }).lean<NoticeDoc[]>();
    return {
      written: moved('written_exam', 'interview'),
      interview: moved('interview', 'medical'),
      noticed: new Set(notices.flatMap((n) => n.entries.map((e) => String(e.application)))),
    };
  }

  /**
   * What a score sheet or form would change on one application: nothing (the same scores again), a plain entry,
   * a correction of scores already relied on (which needs a reason), or a refusal (signed: scores are final).
   */
  private scoreChange(
    app: ApplicationDoc,
    scores: { written: number | null; interview: number | null },
    relied: { written: boolean; interview: boolean; noticed: Set<string> },
  ) {
    const before = {
      written: app.scores?.written ?? null,
      interview: app.scores?.interview ?? null,
      total: app.scores?.total ?? null,
    };
    const written = scores.written ?? before.written;
    const interview = scores.interview ?? before.interview;
    const after = { written, interview, total: total(app.pipeline, written, interview) };
    const changedWritten = after.written !== before.written;
    const changedInterview = after.interview !== before.interview;
    if (!changedWritten && !changedInterview) return { kind: 'same' as const, before, after };
    if (app.stage === 'signed' && !app.outcome) return { kind: 'signed' as const, before, after };
    const noticed = relied.noticed.has(String(app._id));
    const correction =
      (changedWritten && (relied.written || noticed)) || (changedInterview && (relied.interview || noticed));
    return { kind: correction ? ('correction' as const) : ('entry' as const), before, after };
  }

  /**
   * Writes one application's new scores, once: of identical requests arriving together only one writes (a claim on
   * the application as read and the scores written). A correction keeps its reason, who, when, before and after.
   * Returns whether this call wrote.
   */
  private async writeScores(
    ctx: Ctx & { actor: Actor },
    app: ApplicationDoc,
    change: { kind: 'entry' | 'correction'; before: Scores; after: Scores },
    reason: string,
  ): Promise<boolean> {
    const now = this.d.clock.now();
    const read = new Date(app.updatedAt ?? 0).getTime();
    if (!(await claimOnce(`scores:${String(app._id)}:${read}:${digest(change.after)}`, now))) return false;
    const correction =
      change.kind === 'correction'
        ? { at: now, by: ctx.actor.id, byName: ctx.actor.name, reason, before: change.before, after: change.after }
        : null;
    await Application.updateOne(
      { _id: app._id },
      { $set: { scores: change.after }, ...(correction ? { $push: { scoreCorrections: correction } } : {}) },
    );
    const id = String(app._id);
    if (correction) {
      await this.d.events.record(
        ctx,
        'application.score_corrected',
        { type: 'Application', id },
        { vacancy: String(app.vacancy), reason, before: change.before, after: change.after },
      );
    } else {
      await this.d.events.record(
        ctx,
        'application.scored',
        { type: 'Application', id },
        {
          written: change.after.written,
          interview: change.after.interview,
        },
      );
    }
    return true;
  }

  /**
   * Written and interview scores (0–100, two decimals; empty keeps the score as it is); the total follows the
   * template's weights. The same scores again change and record nothing. Scores a cut-off or a published notice
   * relied on change only as a correction with a reason; a signed application's never. Returns whether anything
   * changed.
   */
  async recordScores(
    ctx: Ctx & { actor: Actor },
    id: string,
    scores: { written: number | null; interview: number | null; reason?: string },
  ): Promise<boolean> {
    const { app } = await this.forStaff(ctx.actor, id);
    const change = this.scoreChange(app, scores, await this.relied(app.vacancy));
    if (change.kind === 'same') return false;
    if (change.kind === 'signed') throw new ConflictError('applications.scores.errors.signed');
    const reason = (scores.reason ?? '').trim();
    if (change.kind === 'correction' && !reason)
      throw new ValidationError({ reason: 'applications.scores.errors.reasonRequired' });
    return this.writeScores(ctx, app, { ...change, kind: change.kind }, reason);
  }

  /**
   * Scores from a CSV sheet (报名编号,笔试成绩,面试成绩). Every row is checked first; if any is wrong, nothing is
   * written and the errors say which row and why. Rows that would correct scores already relied on need the
   * sheet's reason; a signed application's scores are refused. Rows that change nothing are counted as unchanged.
   */
  async importScores(ctx: Ctx & { actor: Actor }, vacancyId: string, csv: string, reason = '') {
    const { apps } = await this.forVacancy(ctx.actor, vacancyId);
    const relied = await this.relied(vacancyId);
    const byRef = new Map(apps.map((a) => [applicationRef(a._id), a]));
    const errors: { row: number; reason: string }[] = [];
    const updates: { app: ApplicationDoc; change: { kind: 'entry' | 'correction'; before: Scores; after: Scores } }[] =
      [];
    let rows = 0;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    lines.forEach((line, i) => {
      const row = i + 1;
      const [ref = '', w = '', iv = ''] = line.split(',').map((c) => c.trim());
      if (i === 0 && !/^[0-9a-f]{8}$/i.test(ref)) return; // a header row
      const app = byRef.get(ref.toLowerCase());
      const parse = (v: string) =>
        v === '' ? null : /^\d{1,3}(\.\d{1,2})?$/.test(v) && Number(v) <= 100 ? Number(v) : NaN;
      const written = parse(w);
      const interview = parse(iv);
      if (!app) errors.push({ row, reason: 'unknownRef' });
      else if (Number.isNaN(written) || Number.isNaN(interview)) errors.push({ row, reason: 'badScore' });
      else if (written === null && interview === null) errors.push({ row, reason: 'noScore' });
      else {
        rows += 1;
        const change = this.scoreChange(app, { written, interview }, relied);
        if (change.kind === 'signed') errors.push({ row, reason: 'signed' });
        else if (change.kind === 'correction' && !reason.trim()) errors.push({ row, reason: 'locked' });
        else if (change.kind !== 'same') updates.push({ app, change: { ...change, kind: change.kind } });
      }
    });
    if (errors.length > 0 || rows === 0) return { imported: 0, unchanged: 0, errors };
    let imported = 0;
    for (const u of updates) if (await this.writeScores(ctx, u.app, u.change, reason.trim())) imported += 1;
    if (imported > 0) {
      await this.d.events.record(
        ctx,
        'application.scores_imported',
        { type: 'Vacancy', id: vacancyId },
        { rows: imported, corrected: updates.filter((u) => u.change.kind === 'correction').length },
      );
    }
    return { imported, unchanged: rows - imported, errors };
  }

  /** Advances everyone at `from` who passes the next gate (the cut-off), one claimed move each. */
  async advanceAdmitted(ctx: Ctx & { actor: Actor }, vacancyId: string, from: string): Promise<number> {
    const { apps } = await this.forVacancy(ctx.actor, vacancyId);
    let moved = 0;
    for (const app of apps.filter((a) => a.stage === from && !a.outcome)) {
      try {
        await this.move(ctx, String(app._id), { action: 'advance' });
        moved += 1;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // below the cut-off, or changed meanwhile: stays
      }
    }
    return moved;
  }

  /** Publishes the public notice of a vacancy's provisional hires (those at the public_notice stage). */
  async publishNotice(ctx: Ctx & { actor: Actor }, vacancyId: string, days = 7): Promise<string> {
    const { vacancy, apps } = await this.forVacancy(ctx.actor, vacancyId);
    const listed = apps.filter((a) => a.stage === 'public_notice' && !a.outcome);
    if (listed.length === 0) throw new ConflictError('applications.errors.nobodyToList');
    const now = this.d.clock.now();
    const { publishScores } = rulesFor(vacancy.pipeline);
    const entries = listed.map((a) => ({
      application: a._id,
      maskedName: maskName(String((a.snapshot as { legalName?: string }).legalName ?? '')),
      ...(publishScores ? { written: a.scores?.written, interview: a.scores?.interview, total: a.scores?.total } : {}),
    }));
    // Publishing the same list again (a double click, a resent form) publishes nothing new: the notice stands.
    const key = digest(entries.map((e) => [String(e.application), e.written, e.interview, e.total]));
    const latest = await Notice.findOne({ vacancy: vacancy._id }).sort({ publishedAt: -1 }).lean<NoticeDoc>();
    const same = (n: NoticeDoc | null) =>
      n !== null && digest(n.entries.map((e) => [String(e.application), e.written, e.interview, e.total])) === key;
    if (same(latest)) return String(latest!._id);
    if (!(await claimOnce(`notice:${String(vacancy._id)}:${latest ? String(latest._id) : 'first'}:${key}`, now))) {
      const winner = await Notice.findOne({ vacancy: vacancy._id }).sort({ publishedAt: -1 }).lean<NoticeDoc>();
      if (same(winner)) return String(winner!._id);
      throw new ConflictError('applications.errors.conflict');
    }
    const notice = await Notice.create({
      vacancy: vacancy._id,
      postedBy: vacancy.postedBy,
      title: vacancy.title,
      schoolName: vacancy.schoolName,
      publishScores,
      entries,
      publishedAt: now,
      endsAt: new Date(now.getTime() + days * 86_400_000),
    });
    await this.d.events.record(
      ctx,
      'notice.published',
      { type: 'Notice', id: String(notice._id) },
      { vacancy: vacancyId, entries: listed.length },
    );
    return String(notice._id);
  }

  async notices(actor: Actor, vacancyId: string) {
    const { vacancy } = await this.forVacancy(actor, vacancyId);
    return Notice.find({ vacancy: vacancy._id }).sort({ publishedAt: -1 }).lean<NoticeDoc[]>();
  }

  async getNotice(id: string) {
    const notice = Types.ObjectId.isValid(id) ? await Notice.findById(id).lean<NoticeDoc>() : null;
    if (!notice) throw new NotFoundError();
    return notice;
  }

  private async noticeForStaff(actor: Actor, noticeId: string) {
    const org = await posterOrganisation(actor);
    const notice = await this.getNotice(noticeId);
    if (String(notice.postedBy) !== String(org._id)) throw new NotFoundError();
    return notice;
  }

  /** An objection received during the notice period (by phone, letter or in person), recorded by staff. */
  async addObjection(ctx: Ctx & { actor: Actor }, noticeId: string, text: string) {
    const notice = await this.noticeForStaff(ctx.actor, noticeId);
    // The same objection sent twice (a resent form) is recorded once.
    if (notice.objections.some((o) => o.text === text)) return;
    if (!(await claimOnce(`objection:${noticeId}:${digest(text)}`, this.d.clock.now()))) return;
    await Notice.updateOne(
      { _id: notice._id },
      { $push: { objections: { at: this.d.clock.now(), text, resolution: '', resolvedAt: null } } },
    );
    await this.d.events.record(ctx, 'notice.objection', { type: 'Notice', id: noticeId });
  }

  async resolveObjection(ctx: Ctx & { actor: Actor }, noticeId: string, index: number, resolution: string) {
    const notice = await this.noticeForStaff(ctx.actor, noticeId);
    if (!notice.objections[index]) throw new NotFoundError();
    // Resolved once: a resolution sent again (or a second one) does not overwrite the recorded one.
    if (notice.objections[index].resolvedAt) return;
    if (!(await claimOnce(`objection-resolved:${noticeId}:${index}`, this.d.clock.now()))) return;
    // The whole array is written back: FerretDB has no positional updates.
    const objections = notice.objections.map((o, i) =>
      i === index ? { ...o, resolution, resolvedAt: this.d.clock.now() } : o,
    );
    await Notice.updateOne({ _id: notice._id }, { $set: { objections } });
    await this.d.events.record(ctx, 'notice.objection_resolved', { type: 'Notice', id: noticeId }, { index });
  }

  /** The candidate's answer to an offer. Declining ends the application (withdrawn, "declined the offer"). */
  async answerOffer(ctx: Ctx & { actor: Actor }, id: string, accept: boolean): Promise<boolean> {
    const { app } = await this.mineOne(ctx.actor, id);
    // The same answer again (a double click, a resent form) changes nothing and records nothing.
    if (accept && app.offer?.acceptedAt) return false;
    if (!accept && app.offer?.declinedAt) return false;
    if (app.stage !== 'offer' || app.outcome || app.offer?.acceptedAt || app.offer?.declinedAt) {
      throw new ConflictError('applications.errors.noOffer');
    }
    const now = this.d.clock.now();
    // One answer per offer, whichever of several requests arrives first.
    const claim = `offer:${id}:${app.version}`;
    if (!(await claimOnce(claim, now))) {
      const after = await Application.findById(app._id).select({ offer: 1 }).lean();
      if ((accept ? after?.offer?.acceptedAt : after?.offer?.declinedAt) || !after) return false;
      throw new ConflictError('applications.errors.conflict');
    }
    if (accept) {
      await Application.updateOne({ _id: app._id, 'offer.acceptedAt': null }, { $set: { 'offer.acceptedAt': now } });
      await this.d.events.record(ctx, 'application.offer_accepted', { type: 'Application', id });
      return true;
    }
    try {
      await this.move(ctx, id, { action: 'withdraw', note: 'declined the offer' });
    } catch (err) {
      await releaseClaim(claim); // not withdrawn: the candidate can answer again
      throw err;
    }
    await Application.updateOne({ _id: app._id }, { $set: { 'offer.declinedAt': now } });
    return true;
  }

  /** Schedules (or reschedules) the interview; the candidate gets an invitation with a calendar file. */
  async scheduleInterview(
    ctx: Ctx & { actor: Actor },
    id: string,
    input: { at: Date; minutes: number; place: string; panel: string },
  ) {
    const { app, vacancy } = await this.forStaff(ctx.actor, id);
    if (app.stage !== 'interview' || app.outcome) throw new ConflictError('applications.errors.notAtInterview');
    const current = app.interview;
    const same = (x: typeof current) =>
      x?.at?.getTime() === input.at.getTime() &&
      x.minutes === input.minutes &&
      x.place === input.place &&
      x.panel === input.panel;
    // The same appointment again sends no second invitation and records nothing.
    if (same(current)) return false;
    const sequence = (app.interview?.sequence ?? 0) + 1;
    const claim = `interview:${id}:${sequence}`;
    if (!(await claimOnce(claim, this.d.clock.now()))) {
      const after = await Application.findById(app._id).select({ interview: 1 }).lean();
      if (same(after?.interview)) return false;
      throw new ConflictError('applications.errors.conflict');
    }
    try {
      await this.inviteToInterview(app, vacancy, id, input, sequence);
    } catch (err) {
      await releaseClaim(claim); // nothing sent or written: the same appointment can be sent again
      throw err;
    }
    await this.d.events.record(
      ctx,
      sequence > 1 ? 'interview.rescheduled' : 'interview.scheduled',
      { type: 'Application', id },
      { at: input.at, sequence },
    );
    this.d.outbox.nudge();
    return true;
  }

  /** The invitation (a calendar file; a reschedule updates the same event) and the appointment it announces. */
  private async inviteToInterview(
    app: ApplicationDoc,
    vacancy: VacancyDoc,
    id: string,
    input: { at: Date; minutes: number; place: string; panel: string },
    sequence: number,
  ) {
    const candidate = await User.findById(app.candidate).lean();
    if (candidate) {
      const locale = candidate.locale === 'en' ? 'en' : 'zh-CN';
      const local = new Intl.DateTimeFormat(locale, {
        timeZone: 'Asia/Shanghai',
        dateStyle: 'full',
        timeStyle: 'short',
      }).format(input.at);
      await this.d.notify.interviewScheduled(
        { email: candidate.email, name: candidate.name, locale },
        { id, title: vacancy.title, school: vacancy.schoolName, link: `${this.d.baseUrl}/me/applications/${id}` },
        { at: input.at, minutes: input.minutes, place: input.place, sequence, local },
      );
    }
    await Application.updateOne({ _id: app._id }, { $set: { interview: { ...input, sequence, confirmedAt: null } } });
  }

  async confirmInterview(ctx: Ctx & { actor: Actor }, id: string) {
    const { app } = await this.mineOne(ctx.actor, id);
    if (!app.interview?.at || app.stage !== 'interview' || app.outcome)
      throw new ConflictError('applications.errors.notAtInterview');
    // Confirmed once per appointment: a second confirmation of the same one records nothing.
    if (app.interview.confirmedAt) return;
    if (!(await claimOnce(`interview-confirmed:${id}:${app.interview.sequence}`, this.d.clock.now()))) return;
    await Application.updateOne(
      { _id: app._id, 'interview.sequence': app.interview.sequence },
      { $set: { 'interview.confirmedAt': this.d.clock.now() } },
    );
    await this.d.events.record(
      ctx,
      'interview.confirmed',
      { type: 'Application', id },
      { sequence: app.interview.sequence },
    );
  }

  async notesFor(actor: Actor, id: string) {
    await this.forStaff(actor, id);
    return ApplicationNote.find({ application: id }).sort({ at: 1 }).lean();
  }

  async addNote(ctx: Ctx & { actor: Actor }, id: string, text: string) {
    await this.forStaff(ctx.actor, id);
    // A note sent twice at once (a double click) is kept once; the same words later are a new note.
    const count = await ApplicationNote.countDocuments({ application: id });
    if (!(await claimOnce(`note:${id}:${count}:${digest(text)}`, this.d.clock.now()))) return;
    await ApplicationNote.create({
      application: id,
      author: ctx.actor.id,
      authorName: ctx.actor.name,
      text,
      at: this.d.clock.now(),
    });
    await this.d.events.record(ctx, 'application.note', { type: 'Application', id });
  }

  /** Qualification review on a selection: pass or reject many at once, each through the state machine. */
  async bulk(
    ctx: Ctx & { actor: Actor },
    vacancyId: string,
    selection: { id: string; version?: number }[],
    move: Move,
  ) {
    const { apps } = await this.forVacancy(ctx.actor, vacancyId);
    const mine = new Set(apps.map((a) => String(a._id)));
    let done = 0;
    const failed: string[] = [];
    for (const { id, version } of selection.filter((x) => mine.has(x.id))) {
      try {
        if (await this.move(ctx, id, move, { seenVersion: version })) done += 1;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        failed.push(id);
      }
    }
    return { done, failed };
  }

  /**
   * The applicants as CSV (UTF-8 with a BOM so that Excel reads Chinese), recorded as an event. ID numbers are
   * masked; cells that a spreadsheet would run as formulas are neutralised.
   */
  async exportCsv(ctx: Ctx & { actor: Actor }, vacancyId: string, t: (key: string) => string): Promise<string> {
    const { vacancy, apps } = await this.forVacancy(ctx.actor, vacancyId, { read: true });
    const profiles = await Promise.all(apps.map((a) => this.d.profiles.find(String(a.candidate))));
    const header = [
      'ref',
      'name',
      'idNumber',
      'phone',
      'stage',
      'eligibility',
      'written',
      'interview',
      'total',
      'submitted',
    ].map((k) => t(`applications.export.${k}`));
    const rows = apps.map((a, i) => {
      const snap = a.snapshot as { legalName?: string; phone?: string };
      const profile = profiles[i];
      return [
        applicationRef(a._id),
        snap.legalName,
        profile?.idCipher ? maskIdCard(this.d.profiles.decryptId(profile)) : '',
        snap.phone,
        t(`applications.stages.${a.outcome ?? a.stage}`),
        t(`eligibility.outcomes.${(a.eligibility as { outcome?: string })?.outcome ?? 'eligible'}`),
        a.scores?.written,
        a.scores?.interview,
        a.scores?.total,
        cstDateTime(a.submittedAt),
      ];
    });
    await this.d.events.record(
      ctx,
      'application.exported',
      { type: 'Vacancy', id: String(vacancy._id) },
      { rows: apps.length },
    );
    return toCsv([header, ...rows]);
  }

  private async refreshedFromProfile(app: ApplicationDoc) {
    const profile = await this.d.profiles.find(String(app.candidate));
    const vacancy = await Vacancy.findById(app.vacancy).lean<VacancyDoc>();
    if (!profile || !vacancy) return {};
    const announcement = vacancy.announcement ? await Announcement.findById(vacancy.announcement).lean() : null;
    return {
      eligibility: evaluateEligibility(
        { ...vacancy.requirements, stage: vacancy.stage, subject: vacancy.subject },
        profile,
        announcement?.openedAt ?? vacancy.openedAt ?? this.d.clock.now(),
      ),
      ...fromProfile(profile),
    };
  }

  /**
   * Applicants per stage (or side outcome) for a page of the staff's vacancy list: one query for the whole page,
   * counted by the engine, and only over the applications of the actor's own organisation.
   */
  async countsForVacancies(actor: Actor, vacancyIds: Types.ObjectId[]): Promise<Map<string, Record<string, number>>> {
    const org = await posterOrganisation(actor);
    const out = new Map<string, Record<string, number>>();
    if (vacancyIds.length === 0) return out;
    const rows = await Application.aggregate<{
      _id: { vacancy: Types.ObjectId; stage: string; outcome: string | null };
      n: number;
    }>([
      { $match: { postedBy: org._id, vacancy: { $in: vacancyIds } } },
      { $group: { _id: { vacancy: '$vacancy', stage: '$stage', outcome: '$outcome' }, n: { $sum: 1 } } },
    ]);
    for (const { _id, n } of rows) {
      const counts = out.get(String(_id.vacancy)) ?? {};
      const state = _id.outcome ?? _id.stage;
      counts[state] = (counts[state] ?? 0) + n;
      out.set(String(_id.vacancy), counts);
    }
    return out;
  }

  /** Counts per stage for a vacancy's board. */
  static countByStage(apps: ApplicationDoc[]) {
    const counts: Record<string, number> = {};
    for (const a of apps) counts[a.outcome ?? a.stage] = (counts[a.outcome ?? a.stage] ?? 0) + 1;
    return counts;
  }
}

/** The short reference staff use on score sheets: the last 8 characters of the application id. */
export function applicationRef(id: unknown): string {
  return String(id).slice(-8).toLowerCase();
}

/** What an application keeps of the profile when it is made (never the ID number) and the documents it shares. */
export function fromProfile(profile: ProfileDoc) {
  return {
    snapshot: {
      legalName: profile.legalName,
      phone: profile.phone,
      gender: profile.gender,
      birthDate: profile.birthDate,
      education: profile.education,
      certificates: profile.certificates,
      mandarinLevel: profile.mandarinLevel,
    },
    documents: profile.documents.map((d) => d.id),
    documentMeta: profile.documents.map((d) => ({ id: d.id, kind: d.kind, name: d.name, mime: d.mime, size: d.size })),
  };
}
