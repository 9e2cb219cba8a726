// Mentoring: Beijing/Tianjin teachers registered by their school, matched to Hebei placements within a capacity,
// introduced by email, and an activity log kept by both sides (the mentor through a signed link, no account needed).
import { claimOnce, digest, releaseClaim } from './claims';
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { isLinkSignature, linkSignature } from '../crypto';
import { ConflictError, ForbiddenError, isDuplicateKey, LinkError, NotFoundError, ValidationError } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import {
  ACTIVITY_KINDS,
  Mentor,
  MentorActivity,
  MentorSlot,
  type MentorActivityDoc,
  type MentorDoc,
} from '../../models/Mentor';
import { CheckIn } from '../../models/CheckIn';
import { Organisation, type OrganisationDoc } from '../../models/Organisation';
import { Placement, type PlacementDoc } from '../../models/Placement';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { posterOrganisation } from './postings';
import { placementInReach } from './placements';
import { STAGE_KEYS, SUBJECT_KEYS } from './taxonomy';
import { cstDayStart, wholeNumber } from './formats';

export interface MentorDeps {
  clock: Clock;
  events: Events;
  notify: Notify;
  outbox: Outbox;
  baseUrl: string;
  secret: string;
}

/** A mentor link signs the mentor and the link's version (version 0: the id alone, as links were first sent). */
const signed = (id: string, version: number) => (version ? `${id}.${version}` : id);
export const mentorSignature = (id: string, secret: string, version = 0) =>
  linkSignature(secret, 'mentor', signed(id, version), 22);

const OPEN_STATES = ['onboarding', 'active', 'suspended'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Suggestion {
  mentor: MentorDoc;
  load: number;
  remaining: number;
  sameSubject: boolean;
  sameStage: boolean;
  paired: boolean;
}

/** The matching order: same subject, then same stage, then the paired school, then the most places left. */
export function rankSuggestions(list: Suggestion[]): Suggestion[] {
  const key = (s: Suggestion) => [Number(s.sameSubject), Number(s.sameStage), Number(s.paired), s.remaining];
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const i = ka.findIndex((v, n) => v !== kb[n]);
    if (i >= 0) return (kb[i] ?? 0) - (ka[i] ?? 0);
    return a.mentor.name.localeCompare(b.mentor.name, 'zh-CN');
  });
}

export class Mentors {
  constructor(private readonly d: MentorDeps) {}

  /** The Beijing/Tianjin school whose staff registers mentors. */
  private async mentorSchool(actor: Actor): Promise<OrganisationDoc> {
    const org = await posterOrganisation(actor);
    if (org.province === 'hebei' || org.kind !== 'school') throw new ForbiddenError('mentors.errors.notBjTjSchool');
    return org;
  }

  async register(
    ctx: Ctx & { actor: Actor },
    input: { name: string; email: string; subject: string; stage: string; capacity: string },
  ) {
    const org = await this.mentorSchool(ctx.actor);
    const errors: Record<string, string> = {};
    const name = input.name.trim();
    const email = input.email.trim().toLowerCase();
    const capacity = wholeNumber(input.capacity);
    if (!name) errors.name = 'validation.required';
    if (!EMAIL.test(email)) errors.email = 'validation.email';
    if (!SUBJECT_KEYS.includes(input.subject)) errors.subject = 'validation.choose';
    if (!STAGE_KEYS.includes(input.stage)) errors.stage = 'validation.choose';
    if (capacity === null || capacity < 1 || capacity > 10) errors.capacity = 'mentors.errors.capacity';
    if (capacity === null || Object.keys(errors).length) throw new ValidationError(errors);
    try {
      const m = await Mentor.create({
        organisation: org._id,
        organisationName: org.name,
        name,
        email,
        subject: input.subject,
        stage: input.stage,
        capacity,
      });
      await this.d.events.record(ctx, 'mentor.registered', { type: 'Mentor', id: String(m._id) }, {});
      return m;
    } catch (err) {
      if (isDuplicateKey(err)) throw new ValidationError({ email: 'mentors.errors.duplicate' });
      throw err;
    }
  }

  async ofSchool(actor: Actor) {
    const org = await this.mentorSchool(actor);
    const mentors = await Mentor.find({ organisation: org._id }).sort({ name: 1 }).lean<MentorDoc[]>();
    const loads = await this.loads(mentors.map((m) => m._id));
    return mentors.map((m) => ({ ...m, load: loads.get(String(m._id)) ?? 0 }));
  }

  private async loads(ids: Types.ObjectId[]): Promise<Map<string, number>> {
    const slots = await MentorSlot.find({ mentor: trusted({ $in: ids }) })
      .select({ mentor: 1 })
      .lean();
    const map = new Map<string, number>();
    for (const s of slots) map.set(String(s.mentor), (map.get(String(s.mentor)) ?? 0) + 1);
    return map;
  }

  async suggestions(actor: Actor, placementId: string): Promise<Suggestion[]> {
    const p = await placementInReach(actor, placementId);
    const vacancy = await Vacancy.findById(p.vacancy).select({ subject: 1, stage: 1 }).lean();
    const school = await Organisation.findById(p.school).select({ pairedWith: 1, parent: 1 }).lean<OrganisationDoc>();
    const paired = new Set([
      ...(school?.pairedWith ?? []).map(String),
      ...(school?.parent ? [String(school.parent)] : []),
    ]);
    const mentors = await Mentor.find({ active: true }).lean<MentorDoc[]>();
    const loads = await this.loads(mentors.map((m) => m._id));
    const list = mentors
      .map((m) => {
        const load = loads.get(String(m._id)) ?? 0;
        return {
          mentor: m,
          load,
          remaining: m.capacity - load,
          sameSubject: m.subject === vacancy?.subject,
          sameStage: m.stage === vacancy?.stage,
          paired: paired.has(String(m.organisation)),
        };
      })
      .filter((s) => s.remaining > 0 && String(s.mentor._id) !== String(p.mentor ?? ''));
    return rankSuggestions(list);
  }

  /**
   * Matches a mentor: claims one of the mentor's places (refused when all are taken), releases the previous
   * mentor's place, records the match and introduces mentor and mentee by email.
   */
  async assign(ctx: Ctx & { actor: Actor }, placementId: string, mentorId: string) {
    const p = await placementInReach(ctx.actor, placementId);
    if (!OPEN_STATES.includes(p.status)) throw new ConflictError('placements.errors.notNow');
    const mentor = Types.ObjectId.isValid(mentorId)
      ? await Mentor.findById(mentorId)
          .lean<MentorDoc>()
          .then((m) => (m?.active ? m : null))
      : null;
    if (!mentor) throw new ValidationError({ mentor: 'validation.choose' });
    if (String(p.mentor ?? '') === String(mentor._id)) return;
    // The same match sent twice at once takes one of the mentor's places, not two, and is recorded once.
    const read = new Date(p.updatedAt ?? 0).getTime();
    const claim = `mentor-assign:${placementId}:${read}:${String(mentor._id)}`;
    if (!(await claimOnce(claim, this.d.clock.now()))) return;
    let claimed = false;
    for (let n = 0; n < mentor.capacity && !claimed; n += 1) {
      try {
        await MentorSlot.create({ _id: `${mentor._id}:${n}`, mentor: mentor._id, placement: p._id });
        claimed = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (!claimed) {
      await releaseClaim(claim); // full now; a retry once a place is free must not be taken for a repeat
      throw new ConflictError('mentors.errors.full');
    }
    await this.d.notify.mentorIntro(
      { name: mentor.name, email: mentor.email, locale: 'zh-CN' },
      {
        key: `${p._id}:${mentor._id}:mentor`,
        placementId: String(p._id),
        mentorId: String(mentor._id),
        other: p.teacherName,
        school: p.schoolName,
        link: this.mentorLink(String(mentor._id), mentor.linkVersion ?? 0),
        template: 'mentorIntroMentor',
      },
    );
    const teacher = await User.findById(p.teacher).select({ name: 1, email: 1, locale: 1 }).lean();
    if (teacher) {
      await this.d.notify.mentorIntro(
        { name: teacher.name, email: teacher.email, locale: teacher.locale === 'en' ? 'en' : 'zh-CN' },
        {
          key: `${p._id}:${mentor._id}:teacher`,
          placementId: String(p._id),
          mentorId: String(mentor._id),
          other: `${mentor.name}（${mentor.organisationName}）`,
          school: p.schoolName,
          link: `${this.d.baseUrl}/me/placement`,
          template: 'mentorIntroTeacher',
        },
      );
    }
    await Placement.updateOne(
      { _id: p._id },
      { $set: { mentor: mentor._id, mentorName: `${mentor.name}（${mentor.organisationName}）` } },
    );
    if (p.mentor) await MentorSlot.deleteMany({ placement: p._id, mentor: p.mentor });
    this.d.outbox.nudge();
    await this.d.events.record(
      ctx,
      'placement.mentor',
      { type: 'Placement', id: String(p._id) },
      { mentor: String(mentor._id) },
    );
  }

  mentorLink(id: string, version = 0): string {
    return `${this.d.baseUrl}/mentoring/${id}/${mentorSignature(id, this.d.secret, version)}`;
  }

  /**
   * The mentor's own page, reached through the signed link of the introduction email. The link works only in its
   * current version (the school can withdraw it) and while the mentor is active.
   */
  async forMentorLink(id: string, signature: string) {
    const mentor = Types.ObjectId.isValid(id) ? await Mentor.findById(id).lean<MentorDoc>() : null;
    if (!mentor) throw new NotFoundError();
    const version = mentor.linkVersion ?? 0;
    if (!isLinkSignature(this.d.secret, 'mentor', signed(id, version), signature, 22)) {
      for (let v = 0; v < version; v += 1)
        if (isLinkSignature(this.d.secret, 'mentor', signed(id, v), signature, 22))
          throw new LinkError('tokens.revoked');
      throw new NotFoundError();
    }
    if (!mentor.active) throw new LinkError('tokens.ended');
    const mentees = await Placement.find({ mentor: mentor._id }).sort({ startDate: -1 }).lean<PlacementDoc[]>();
    return { mentor, mentees };
  }

  /** One of the school's mentors, for its staff; another school's is "not found". */
  private async ownMentor(actor: Actor, id: string): Promise<MentorDoc> {
    const org = await this.mentorSchool(actor);
    const mentor = Types.ObjectId.isValid(id) ? await Mentor.findById(id).lean<MentorDoc>() : null;
    if (!mentor || String(mentor.organisation) !== String(org._id)) throw new NotFoundError();
    return mentor;
  }

  /** The school withdraws the mentor's link (lost, forwarded…): links sent so far stop working. */
  async revokeLink(ctx: Ctx & { actor: Actor }, id: string) {
    const mentor = await this.ownMentor(ctx.actor, id);
    await Mentor.updateOne({ _id: mentor._id }, { $inc: { linkVersion: 1 } });
    await this.d.events.record(ctx, 'mentor.link_revoked', { type: 'Mentor', id }, {});
  }

  /** The mentor stops mentoring: not offered for matching any more, and their link stops working. */
  async deactivate(ctx: Ctx & { actor: Actor }, id: string) {
    const mentor = await this.ownMentor(ctx.actor, id);
    if (!mentor.active) return;
    await Mentor.updateOne({ _id: mentor._id, active: true }, { $set: { active: false } });
    await this.d.events.record(ctx, 'mentor.deactivated', { type: 'Mentor', id }, {});
  }

  async log(
    ctx: Ctx,
    who: { side: 'mentor'; mentorId: string; signature: string } | { side: 'teacher'; actor: Actor },
    placementId: string,
    input: { kind: string; date: string; minutes: string; note: string },
  ) {
    const p = Types.ObjectId.isValid(placementId) ? await Placement.findById(placementId).lean<PlacementDoc>() : null;
    if (!p || !p.mentor) throw new NotFoundError();
    if (who.side === 'mentor') {
      const { mentor } = await this.forMentorLink(who.mentorId, who.signature);
      if (String(p.mentor) !== String(mentor._id)) throw new NotFoundError();
      // An ended placement's log is closed to the mentor's link.
      if (!OPEN_STATES.includes(p.status)) throw new LinkError('tokens.ended');
    } else if (String(p.teacher) !== who.actor.id) throw new NotFoundError();
    const errors: Record<string, string> = {};
    const minutes = wholeNumber(input.minutes);
    const kind = ACTIVITY_KINDS.find((k) => k === input.kind);
    const date = cstDayStart(input.date);
    if (!kind) errors.kind = 'validation.choose';
    if (!date || date > this.d.clock.now()) errors.date = 'mentors.errors.date';
    if (minutes === null || minutes < 1 || minutes > 1440) errors.minutes = 'mentors.errors.minutes';
    if (!kind || !date || minutes === null || Object.keys(errors).length) throw new ValidationError(errors);
    // The same entry sent twice at once (a double click) is logged once; the same entry later is a new one.
    const logged = await MentorActivity.countDocuments({ placement: p._id });
    const entry = digest([who.side, kind, input.date, minutes, input.note.trim()]);
    if (!(await claimOnce(`activity:${placementId}:${logged}:${entry}`, this.d.clock.now()))) return;
    await MentorActivity.create({
      placement: p._id,
      mentor: p.mentor,
      side: who.side,
      kind,
      date,
      minutes,
      note: input.note.trim().slice(0, 500),
    });
    await this.d.events.record(ctx, 'mentor.activity', { type: 'Placement', id: String(p._id) }, { side: who.side });
  }

  /** The mentor's feedback on a check-in of one of their mentees (once per check-in). */
  async feedback(ctx: Ctx, mentorId: string, signature: string, checkInId: string, text: string) {
    const { mentor } = await this.forMentorLink(mentorId, signature);
    const c = await CheckIn.findById(checkInId).lean();
    const p = c ? await Placement.findById(c.placement).select({ mentor: 1, status: 1 }).lean() : null;
    if (!c || !p || String(p.mentor) !== String(mentor._id)) throw new NotFoundError();
    if (!OPEN_STATES.includes(p.status)) throw new LinkError('tokens.ended');
    if (!text.trim()) throw new ValidationError({ feedback: 'mentors.errors.feedback' });
    if (c.mentorFeedbackAt) throw new ConflictError('placements.errors.answered');
    if (!(await claimOnce(`feedback:${String(c._id)}`, this.d.clock.now())))
      throw new ConflictError('placements.errors.answered');
    const written = await CheckIn.updateOne(
      { _id: c._id, mentorFeedbackAt: null },
      { $set: { mentorFeedback: text.trim().slice(0, 2000), mentorFeedbackAt: this.d.clock.now() } },
    );
    if (written.modifiedCount !== 1) throw new ConflictError('placements.errors.answered');
    await this.d.events.record(ctx, 'mentor.feedback', { type: 'Placement', id: String(p._id) }, { checkIn: c._id });
  }

  async activitiesOf(placementId: Types.ObjectId) {
    return MentorActivity.find({ placement: placementId }).sort({ date: -1 }).lean<MentorActivityDoc[]>();
  }
}
