// Candidate profiles: one per candidate, pre-filling every application. The ID number is validated by its check
// digit, encrypted at rest, found again by a keyed hash, and shown in full only to its owner.
import type { FieldCipher } from '../crypto';
import { ForbiddenError, isDuplicateKey, ValidationError } from '../errors';
import { CandidateProfile, type ProfileDoc } from '../../models/CandidateProfile';
import type { EDUCATION_LEVELS, MANDARIN_LEVELS } from '../../models/Posting';
import type { Actor, Ctx } from './actor';
import { User } from '../../models/User';
import { hasConsent } from './privacy';
import type { Events } from './events';
import { evaluateEligibility } from './eligibility';
import { maskIdCard, parseIdCard } from './idcard';

export interface ProfileInput {
  legalName: string;
  /** Empty keeps the number already on file. */
  idNumber: string;
  phone: string;
  education: {
    institution: string;
    level: (typeof EDUCATION_LEVELS)[number];
    major: string;
    graduationDate: Date | null;
    fullTime: boolean;
    normalUniversity: boolean;
  }[];
  certificates: { type: string; subject: string; number: string; pending: boolean; expectedDate: Date | null }[];
  mandarinLevel: '' | (typeof MANDARIN_LEVELS)[number];
  stages: string[];
  subjects: string[];
  preferredUnits: string[];
  availableFrom: Date | null;
}

/** What a complete profile has, in the order the meter lists what is missing. */
const COMPLETENESS: { key: string; done: (p: ProfileDoc) => boolean }[] = [
  { key: 'legalName', done: (p) => Boolean(p.legalName) },
  { key: 'idNumber', done: (p) => Boolean(p.idCipher) },
  { key: 'phone', done: (p) => Boolean(p.phone) },
  { key: 'education', done: (p) => p.education.length > 0 },
  { key: 'certificates', done: (p) => p.certificates.length > 0 },
  { key: 'mandarinLevel', done: (p) => Boolean(p.mandarinLevel) },
  { key: 'subjects', done: (p) => p.subjects.length > 0 && p.stages.length > 0 },
  { key: 'cv', done: (p) => p.documents.some((d) => d.kind === 'cv') },
  { key: 'photo', done: (p) => p.documents.some((d) => d.kind === 'photo') },
];

export function completeness(profile: ProfileDoc | null) {
  if (!profile) return { percent: 0, missing: COMPLETENESS.map((c) => c.key) };
  const missing = COMPLETENESS.filter((c) => !c.done(profile)).map((c) => c.key);
  return { percent: Math.round((100 * (COMPLETENESS.length - missing.length)) / COMPLETENESS.length), missing };
}

/** 应届: graduating within a year, or within the two-year job-seeking period after graduating (as eligibility counts it). */
export function isFreshGraduate(education: { graduationDate?: Date | null }[], on: Date): boolean {
  return (
    evaluateEligibility({ stage: '', subject: '', freshGraduatesOnly: true }, { education }, on).outcome === 'eligible'
  );
}

export class Profiles {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly events: Events,
  ) {}

  private requireCandidate(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
  }

  async find(userId: string): Promise<ProfileDoc | null> {
    return CandidateProfile.findOne({ user: userId }).lean<ProfileDoc>();
  }

  /** The candidate's own profile, with the ID number in full (it is theirs). */
  async mine(actor: Actor) {
    this.requireCandidate(actor);
    const profile = await this.find(actor.id);
    return {
      profile,
      idNumber: profile?.idCipher ? this.cipher.decrypt(profile.idCipher) : '',
      completeness: completeness(profile),
      freshGraduate: profile ? isFreshGraduate(profile.education, new Date()) : null,
    };
  }

  decryptId(profile: Pick<ProfileDoc, 'idCipher'>): string {
    return profile.idCipher ? this.cipher.decrypt(profile.idCipher) : '';
  }

  /** The ID number as staff see it: masked. Reading it in full is a separate, audited act. */
  maskedId(profile: Pick<ProfileDoc, 'idCipher'> | null): string {
    return profile?.idCipher ? maskIdCard(this.cipher.decrypt(profile.idCipher)) : '';
  }

  async save(ctx: Ctx & { actor: Actor }, input: ProfileInput): Promise<void> {
    this.requireCandidate(ctx.actor);
    // The ID number is sensitive personal information: processed only with its own, separate consent.
    if (input.idNumber) {
      const user = await User.findById(ctx.actor.id).select({ consents: 1 }).lean();
      if (!hasConsent(user?.consents, 'sensitive'))
        throw new ValidationError({ sensitive: 'privacy.errors.sensitive' });
    }
    const existing = await this.find(ctx.actor.id);
    const set: Record<string, unknown> = {
      legalName: input.legalName,
      phone: input.phone,
      education: input.education,
      certificates: input.certificates,
      mandarinLevel: input.mandarinLevel,
      stages: input.stages,
      subjects: input.subjects,
      preferredUnits: input.preferredUnits,
      availableFrom: input.availableFrom,
    };
    if (input.idNumber) {
      const id = parseIdCard(input.idNumber);
      if (!id) throw new ValidationError({ idNumber: 'profile.errors.idNumber' });
      if (await this.idTakenByOther(ctx.actor.id, id.number))
        throw new ValidationError({ idNumber: 'profile.errors.idTaken' });
      Object.assign(set, {
        idCipher: this.cipher.encrypt(id.number),
        idHash: this.cipher.hash(id.number),
        birthDate: id.birthDate,
        gender: id.gender,
      });
    }
    try {
      if (existing) {
        // Whole arrays are assigned ($set), never $pull-ed: FerretDB ignores conditional pulls.
        await CandidateProfile.updateOne({ _id: existing._id }, { $set: set });
      } else {
        await CandidateProfile.create({ user: ctx.actor.id, idHash: `none:${ctx.actor.id}`, ...set });
      }
    } catch (err) {
      // One person, one profile: an ID number already on another account is refused (update duplicates surface
      // as code 11000 on MongoDB and as a server error on FerretDB, so check first as well).
      if (isDuplicateKey(err)) throw new ValidationError({ idNumber: 'profile.errors.idTaken' });
      throw err;
    }
    await this.events.record(
      ctx,
      'profile.saved',
      { type: 'CandidateProfile', id: ctx.actor.id },
      { idChanged: Boolean(input.idNumber) },
    );
  }

  /** Whether another account already holds this ID number (checked before saving: see save()). */
  async idTakenByOther(userId: string, idNumber: string): Promise<boolean> {
    const id = parseIdCard(idNumber);
    if (!id) return false;
    const holder = await CandidateProfile.findOne({ idHash: this.cipher.hash(id.number) })
      .select({ user: 1 })
      .lean();
    return Boolean(holder && String(holder.user) !== userId);
  }
}
