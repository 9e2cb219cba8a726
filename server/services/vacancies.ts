// Vacancies: staff post them for the schools they hire for, coordinators review them, the deadline closes them.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { Announcement } from '../../models/Announcement';
import { Organisation, type OrganisationDoc } from '../../models/Organisation';
import {
  transition,
  type EDUCATION_LEVELS,
  type MANDARIN_LEVELS,
  type PIPELINES,
  type PostingState,
} from '../../models/Posting';
import { Vacancy, type VacancyDoc } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { coordinatorCovers } from './organisations';
import { askForReview, decideReview, move, posterOrganisation, type Updatable } from './postings';
import { findPlace, type Place } from './regions';
import { documentTerms } from './search';
import { isShortage, postTypeName, stageName, subject as subjectOf, subjectNames } from './taxonomy';
import { yearsAfter } from './formats';

/** A deadline further ahead than this is a typo (2029 for 2027), and would keep a post open for years. */
const MAX_DEADLINE_YEARS = 2;

export interface VacancyInput {
  title: string;
  /** The hiring school; the vacancy's location (unit and county) is always the school's, never the form's. */
  schoolId: string;
  stage: string;
  subject: string;
  postType: string;
  headcount: number;
  announcementId: string | null;
  education: (typeof EDUCATION_LEVELS)[number];
  certificateType: string;
  certificateSubjectMatch: boolean;
  acceptExamPass: boolean;
  maxAge: number | null;
  mandarinLevel: '' | (typeof MANDARIN_LEVELS)[number];
  freshGraduatesOnly: boolean;
  hukouLimit: string;
  payMin: number | null;
  payMax: number | null;
  housing: boolean;
  ruralSubsidy: number | null;
  benefits: string;
  description: string;
  /** End of the application period; null takes the announcement's registration end. */
  deadline: Date | null;
  pipeline: (typeof PIPELINES)[number];
}

/**
 * What the public sees was approved: any change to an open vacancy's shown fields sends it back to review, except the
 * minor edits a coordinator explicitly allowed when approving (headcount, deadline, requirements).
 */
const MINOR = ['headcount', 'deadline', 'requirements'] as const;

/** The staff vacancy list's page size and its order by state: what needs attention first, what is over last. */
const STAFF_PAGE = 50;
const STATUS_ORDER: PostingState[] = ['in_review', 'open', 'draft', 'closed', 'filled', 'cancelled'];
export const STAFF_SORTS = ['updated', 'deadline', 'status'] as const;

export interface StaffVacancyFilters {
  status: PostingState | '';
  announcement: string;
  q: string;
  sort: (typeof STAFF_SORTS)[number];
  page: number;
}

export interface VacancyDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
}

type Lean = VacancyDoc;
const model = Vacancy as unknown as Updatable;

/** A vacancy's stored fields from its input, including what is derived for filters and search. */
export function vacancyRecord(
  input: VacancyInput,
  org: Pick<OrganisationDoc, '_id' | 'province'>,
  school: Pick<OrganisationDoc, '_id' | 'name' | 'alliances'>,
  place: Place,
  deadline: Date,
) {
  return {
    school: school._id,
    postedBy: org._id,
    announcement: input.announcementId ? new Types.ObjectId(input.announcementId) : null,
    title: input.title,
    stage: input.stage,
    subject: input.subject,
    postType: input.postType,
    unitCode: place.unitCode,
    countyCode: place.countyCode,
    headcount: input.headcount,
    requirements: {
      education: input.education,
      certificateType: input.certificateType,
      certificateSubjectMatch: input.certificateSubjectMatch,
      acceptExamPass: input.acceptExamPass,
      maxAge: input.maxAge,
      mandarinLevel: input.mandarinLevel,
      freshGraduatesOnly: input.freshGraduatesOnly,
      hukouLimit: input.hukouLimit,
    },
    payMin: input.payMin,
    payMax: input.payMax,
    housing: input.housing,
    ruralSubsidy: input.ruralSubsidy,
    benefits: input.benefits,
    description: input.description,
    deadline,
    pipeline: input.pipeline,
    // Derived, so that filters and search are plain indexed equality and $all queries.
    shortage: isShortage(input.subject),
    corridor: place.unitCode === '1310' || (school.alliances ?? []).includes('twl'),
    partnerPosted: org.province !== 'hebei',
    schoolName: school.name,
    searchTerms: documentTerms(
      input.title,
      school.name,
      input.description,
      ...subjectNames(input.subject),
      stageName(input.stage, 'zh-CN'),
      stageName(input.stage, 'en'),
      postTypeName(input.postType, 'zh-CN'),
      place.countyName,
      place.unitName.zh,
      place.unitName.en,
    ),
  };
}

export class Vacancies {
  constructor(private readonly d: VacancyDeps) {}

  /** The Hebei schools an organisation may post for: itself, its Hebei branches and pairs, or a bureau's schools. */
  async hiringOptions(org: OrganisationDoc): Promise<OrganisationDoc[]> {
    const or: Record<string, unknown>[] = [{ parent: org._id }, { _id: trusted({ $in: org.pairedWith ?? [] }) }];
    if (org.province === 'hebei' && org.kind === 'school') or.push({ _id: org._id });
    if (org.province === 'hebei' && org.kind === 'bureau') or.push({ unitCode: org.unitCode, kind: 'school' });
    return Organisation.find({ $or: or, province: 'hebei', kind: 'school', 'verification.state': 'verified' })
      .sort({ name: 1 })
      .lean<OrganisationDoc[]>();
  }

  /** Announcements a vacancy of this school may join: the poster's own, its unit's, and campus drives. */
  async announcementOptions(org: OrganisationDoc) {
    return Announcement.find({
      status: trusted({ $in: ['draft', 'in_review', 'open'] }),
      $or: [{ issuer: org._id }, { unitCode: org.unitCode }, { programme: 'campus_drive' }],
    })
      .sort({ createdAt: -1 })
      .limit(100)
      .lean();
  }

  private async check(org: OrganisationDoc, input: VacancyInput) {
    const errors: FieldErrors = {};
    const schools = await this.hiringOptions(org);
    const school = schools.find((s) => String(s._id) === input.schoolId);
    // Where a vacancy is decides whose review queue and area it falls into: it is where its school is.
    const place = school ? findPlace(school.countyCode) : undefined;
    if (!school || !place || place.province !== 'hebei') errors.schoolId = 'validation.choose';
    const subject = subjectOf(input.subject);
    if (subject && !subject.stages.includes(input.stage)) errors.subject = 'vacancies.errors.subjectStage';
    if (input.payMin !== null && input.payMax !== null && input.payMin > input.payMax)
      errors.payMax = 'vacancies.errors.payRange';
    let deadline = input.deadline;
    if (input.announcementId) {
      const allowed = await this.announcementOptions(org);
      const announcement = allowed.find((a) => String(a._id) === input.announcementId);
      if (!announcement) errors.announcementId = 'validation.choose';
      deadline ??= announcement?.phases.find((p) => p.kind === 'registration')?.end ?? null;
    }
    if (!deadline) errors.deadline = 'vacancies.errors.deadline';
    else if (deadline <= this.d.clock.now()) errors.deadline = 'vacancies.errors.deadlinePast';
    else if (deadline > yearsAfter(this.d.clock.now(), MAX_DEADLINE_YEARS))
      errors.deadline = 'vacancies.errors.deadlineTooFar';
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return { school: school!, place: place!, deadline: deadline! };
  }

  async create(ctx: Ctx & { actor: Actor }, input: VacancyInput): Promise<string> {
    const org = await posterOrganisation(ctx.actor);
    const { school, place, deadline } = await this.check(org, input);
    const vacancy = await Vacancy.create({ ...vacancyRecord(input, org, school, place, deadline), status: 'draft' });
    await this.d.events.record(
      ctx,
      'vacancy.created',
      { type: 'Vacancy', id: String(vacancy._id) },
      { school: String(school._id) },
    );
    return String(vacancy._id);
  }

  /** A vacancy the actor's organisation manages; any other is "not found". */
  async getForStaff(actor: Actor, id: string): Promise<{ vacancy: Lean; org: OrganisationDoc }> {
    const org = await posterOrganisation(actor);
    const vacancy = Types.ObjectId.isValid(id) ? await Vacancy.findById(id).lean<Lean>() : null;
    if (!vacancy || String(vacancy.postedBy) !== String(org._id)) throw new NotFoundError();
    return { vacancy, org };
  }

  async listForStaff(actor: Actor) {
    const org = await posterOrganisation(actor);
    const vacancies = await Vacancy.find({ postedBy: org._id }).sort({ updatedAt: -1 }).limit(500).lean<Lean[]>();
    return { org, vacancies };
  }

  /**
   * A page of the organisation's vacancies for its staff: filtered by state, drive and a keyword (title or school),
   * sorted by last change, deadline or state. An organisation's list is short (at most 500 are read, as the list
   * always did), so it is sorted and cut here; the drives it can be filtered by are those its vacancies belong to.
   */
  async pageForStaff(actor: Actor, f: StaffVacancyFilters) {
    const org = await posterOrganisation(actor);
    const all = await Vacancy.find({ postedBy: org._id })
      .sort({ updatedAt: -1 })
      .limit(500)
      .select({ searchTerms: 0, description: 0 })
      .lean<Lean[]>();
    const keyword = f.q.toLowerCase();
    const shown = all
      .filter((v) => !f.status || v.status === f.status)
      .filter((v) => !f.announcement || String(v.announcement ?? '') === f.announcement)
      .filter(
        (v) => !keyword || v.title.toLowerCase().includes(keyword) || v.schoolName.toLowerCase().includes(keyword),
      );
    if (f.sort === 'deadline') shown.sort((a, b) => a.deadline.getTime() - b.deadline.getTime());
    if (f.sort === 'status')
      shown.sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status as PostingState) - STATUS_ORDER.indexOf(b.status as PostingState) ||
          a.deadline.getTime() - b.deadline.getTime(),
      );
    const pages = Math.max(1, Math.ceil(shown.length / STAFF_PAGE));
    const page = Math.min(f.page, pages);
    const driveIds = [...new Set(all.map((v) => (v.announcement ? String(v.announcement) : '')).filter(Boolean))];
    const drives = driveIds.length
      ? await Announcement.find({ _id: trusted({ $in: driveIds }) })
          .select({ title: 1 })
          .lean()
      : [];
    return {
      org,
      vacancies: shown.slice((page - 1) * STAFF_PAGE, page * STAFF_PAGE),
      total: shown.length,
      page,
      pages,
      drives: drives.map((a) => ({ id: String(a._id), title: a.title })),
    };
  }

  async update(ctx: Ctx & { actor: Actor }, id: string, input: VacancyInput): Promise<{ backToReview: boolean }> {
    const { vacancy, org } = await this.getForStaff(ctx.actor, id);
    if (!['draft', 'open'].includes(vacancy.status)) throw new ForbiddenError('vacancies.errors.notEditable');
    const { school, place, deadline } = await this.check(org, input);
    const next = vacancyRecord(input, org, school, place, deadline);
    const changed = Object.keys(next).filter(
      (k) =>
        !['searchTerms', 'schoolName', 'shortage', 'corridor', 'partnerPosted', 'postedBy'].includes(k) &&
        JSON.stringify((vacancy as Record<string, unknown>)[k] ?? null) !==
          JSON.stringify((next as Record<string, unknown>)[k] ?? null),
    );
    if (changed.length === 0) return { backToReview: false };
    const reviewed = changed.some((k) => !vacancy.minorEditsAllowed || !(MINOR as readonly string[]).includes(k));
    const backToReview = vacancy.status === 'open' && reviewed;
    if (backToReview && !transition(vacancy.status, 'material_edit', 'staff'))
      throw new ConflictError('postings.errors.notNow');
    if (backToReview) await this.notifyReviewers(vacancy, next.title);
    const result = await Vacancy.updateOne(
      { _id: vacancy._id, status: vacancy.status, updatedAt: vacancy.updatedAt },
      { $set: { ...next, ...(backToReview ? { status: 'in_review' } : {}) } },
    );
    if (result.modifiedCount !== 1) throw new ValidationError({ _form: 'postings.errors.changedMeanwhile' });
    await this.d.events.record(
      ctx,
      'vacancy.edited',
      { type: 'Vacancy', id },
      {
        changed,
        before: Object.fromEntries(changed.map((k) => [k, (vacancy as Record<string, unknown>)[k] ?? null])),
        status: vacancy.status,
        backToReview,
      },
    );
    if (backToReview) this.d.outbox.nudge();
    return { backToReview };
  }

  private async notifyReviewers(vacancy: Lean, title: string) {
    const poster = await Organisation.findById(vacancy.postedBy).lean();
    await askForReview(this.d, 'vacancy', { ...vacancy, title }, poster?.name ?? '');
  }

  /** Staff actions: submit, withdraw, close, fill, cancel. */
  async act(ctx: Ctx & { actor: Actor }, id: string, action: 'submit' | 'withdraw' | 'close' | 'fill' | 'cancel') {
    const { vacancy } = await this.getForStaff(ctx.actor, id);
    const now = this.d.clock.now();
    if (action === 'submit') {
      if (vacancy.deadline <= now) throw new ValidationError({ deadline: 'vacancies.errors.deadlinePast' });
      await this.notifyReviewers(vacancy, vacancy.title);
    }
    const to = await move(model, vacancy, action, 'staff', action === 'close' ? { closedAt: now } : {});
    await this.d.events.record(ctx, `vacancy.${action}`, { type: 'Vacancy', id }, { from: vacancy.status, to });
    this.d.outbox.nudge();
    return to;
  }

  async duplicate(ctx: Ctx & { actor: Actor }, id: string): Promise<string> {
    const { vacancy } = await this.getForStaff(ctx.actor, id);
    const copy = { ...vacancy } as Record<string, unknown>;
    for (const key of ['_id', '__v', 'createdAt', 'updatedAt', 'openedAt', 'closedAt', 'reviewComment'])
      delete copy[key];
    const created = await Vacancy.create({ ...copy, status: 'draft', minorEditsAllowed: false });
    await this.d.events.record(ctx, 'vacancy.duplicated', { type: 'Vacancy', id: String(created._id) }, { from: id });
    return String(created._id);
  }

  async reviewQueue(actor: Actor) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const filter: Record<string, unknown> = { status: 'in_review' };
    if (actor.scopeUnit) filter.unitCode = actor.scopeUnit;
    return Vacancy.find(filter).sort({ updatedAt: 1 }).limit(200).lean<Lean[]>();
  }

  async getForCoordinator(actor: Actor, id: string): Promise<Lean> {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const vacancy = Types.ObjectId.isValid(id) ? await Vacancy.findById(id).lean<Lean>() : null;
    // A draft is the staff's own work until they submit it (a returned one too, once they edit it again).
    if (!vacancy || vacancy.status === 'draft' || !coordinatorCovers(actor, vacancy)) throw new NotFoundError();
    return vacancy;
  }

  /** in_review → open (public) or → draft with comments; the posting's staff are emailed either way. */
  async review(
    ctx: Ctx & { actor: Actor },
    id: string,
    decision: 'approve' | 'return',
    comment: string,
    minorEditsAllowed: boolean,
  ): Promise<void> {
    const vacancy = await this.getForCoordinator(ctx.actor, id);
    await decideReview(this.d, ctx, 'vacancy', model, vacancy, vacancy.postedBy, decision, comment, {
      minorEditsAllowed,
    });
  }

  /** The scheduled job: open vacancies past their deadline close. */
  async closeExpired(now: Date): Promise<number> {
    const due = await Vacancy.find({ status: 'open', deadline: trusted({ $lt: now }) })
      .select({ _id: 1, status: 1 })
      .lean();
    let closed = 0;
    for (const v of due) {
      try {
        await move(model, v, 'deadline', 'system', { closedAt: now });
        await this.d.events.record({ actor: null }, 'vacancy.closed_by_deadline', {
          type: 'Vacancy',
          id: String(v._id),
        });
        closed += 1;
      } catch {
        // changed meanwhile (closed by hand, edited): the next run looks again
      }
    }
    return closed;
  }
}
