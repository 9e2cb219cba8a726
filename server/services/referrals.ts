// Partner referrals: universities and paired schools in Beijing/Tianjin nominate graduates, invite them, recommend
// vacancies, and follow each one; partners see only what the graduate consented to and never a group under 3.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { isLinkSignature, linkSignature } from '../crypto';
import { Placement, type PlacementDoc } from '../../models/Placement';
import { retention } from './placements';
import { ConflictError, ForbiddenError, isDuplicateKey, LinkError, NotFoundError, ValidationError } from '../errors';
import type { Locale } from '../i18n';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { hashSecret, newSecret } from '../auth/tokens';
import type { Passwords } from '../auth/passwords';
import { Announcement } from '../../models/Announcement';
import { Application, type ApplicationDoc } from '../../models/Application';
import type { OrganisationDoc } from '../../models/Organisation';
import { Referral, type CONSENT_LEVELS, type ReferralDoc } from '../../models/Referral';
import { Token, TokenUse } from '../../models/Token';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';
import { consentRecord } from './privacy';
import { claimOnce } from './claims';
import type { Accounts } from './accounts';
import type { Events } from './events';
import { posterOrganisation } from './postings';

export type Consent = (typeof CONSENT_LEVELS)[number];
export const INVITATION_TTL_MS = 30 * 24 * 3600 * 1000;
/** Groups smaller than this are shown as "<3" on dashboards. */
export const MIN_GROUP = 3;
export const REFERRALS_PER_PAGE = 50;

export interface ReferralFilters {
  cohort?: number;
  major?: string;
  status?: string;
  /** Part of the graduate's name, any case. */
  name?: string;
}

export const FUNNEL = ['invited', 'registered', 'applied', 'in_process', 'hired'] as const;
export type ReferralStatus = (typeof FUNNEL)[number] | 'declined' | 'expired' | 'not_hired' | 'revoked';

export interface ReferralInput {
  name: string;
  email: string;
  phone: string;
  major: string;
  graduationYear: number;
  degree: string;
  certificates: string;
  subjects: string[];
  stages: string[];
  preferredUnits: string[];
  note: string;
}

export interface ReferralDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
  passwords: Passwords;
}

/**
 * Where a referred graduate stands, from the referral and the applications that came through it:
 * invited → registered → applied → in process → hired; or declined, expired (invitation unused after 30 days),
 * not hired (every application ended without a contract), revoked. Placement and retention come with placements.
 */
export function referralStatus(
  r: Pick<ReferralDoc, 'revokedAt' | 'declinedAt' | 'candidate' | 'expiresAt'>,
  apps: Pick<ApplicationDoc, 'stage' | 'outcome'>[],
  now: Date,
): ReferralStatus {
  if (r.revokedAt) return 'revoked';
  if (r.declinedAt) return 'declined';
  if (!r.candidate) return r.expiresAt < now ? 'expired' : 'invited';
  if (apps.length === 0) return 'registered';
  if (apps.some((a) => a.stage === 'signed' && !a.outcome)) return 'hired';
  if (apps.some((a) => !a.outcome && a.stage !== 'submitted')) return 'in_process';
  if (apps.some((a) => !a.outcome)) return 'applied';
  return 'not_hired';
}

/** How far along the funnel a status is (statuses off the funnel reached the step before they left it). */
function reached(status: ReferralStatus): number {
  const i = (FUNNEL as readonly string[]).indexOf(status);
  if (i >= 0) return i;
  return status === 'not_hired' ? 2 : status === 'declined' ? 0 : 0;
}

/** Counts that could identify someone (1 or 2) are suppressed. */
export function suppress(n: number): number | '<3' {
  return n > 0 && n < MIN_GROUP ? '<3' : n;
}

export function funnel(statuses: ReferralStatus[]) {
  const counts = FUNNEL.map((_s, i) => statuses.filter((s) => reached(s) >= i).length);
  return FUNNEL.map((step, i) => ({
    step,
    count: counts[i]!,
    shown: suppress(counts[i]!),
    rate:
      i === 0 || counts[i - 1]! < MIN_GROUP || counts[i]! < MIN_GROUP
        ? null
        : Math.round((100 * counts[i]!) / counts[i - 1]!),
  }));
}

export class Referrals {
  constructor(private readonly d: ReferralDeps) {}

  /** Staff of a verified university, or of a Beijing/Tianjin school (paired schools refer too). */
  async partnerOf(actor: Actor): Promise<OrganisationDoc> {
    const org = await posterOrganisation(actor);
    if (org.kind !== 'university' && !(org.kind === 'school' && org.province !== 'hebei'))
      throw new ForbiddenError('referrals.errors.notPartner');
    return org;
  }

  private async invite(
    referral: { _id: Types.ObjectId; name: string; email: string; partnerName: string },
    locale: Locale,
  ) {
    const secret = newSecret();
    const tokenId = hashSecret(secret);
    await this.d.notify.referralInvitation(
      { email: referral.email, name: referral.name, locale },
      { id: String(referral._id), partner: referral.partnerName, secret, tokenId },
    );
    const now = this.d.clock.now();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    await Token.create({ _id: tokenId, purpose: 'referral', email: referral.email, expiresAt });
    return { tokenId, invitedAt: now, expiresAt };
  }

  /** One referral: created and invited, or refused if this partner already referred the address. */
  async refer(ctx: Ctx & { actor: Actor }, input: ReferralInput): Promise<string> {
    const org = await this.partnerOf(ctx.actor);
    const id = new Types.ObjectId();
    const email = input.email.toLowerCase();
    if (await Referral.exists({ partner: org._id, email }))
      throw new ValidationError({ email: 'referrals.errors.duplicate' });
    const invitation = await this.invite({ _id: id, name: input.name, email, partnerName: org.name }, ctx.actor.locale);
    try {
      await Referral.create({
        // The graduate's details first: who referred them is the actor's, whatever the input carries.
        ...input,
        _id: id,
        partner: org._id,
        partnerName: org.name,
        referredBy: ctx.actor.id,
        email,
        ...invitation,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ValidationError({ email: 'referrals.errors.duplicate' });
      throw err;
    }
    await this.d.events.record(ctx, 'referral.created', { type: 'Referral', id: String(id) });
    this.d.outbox.nudge();
    return String(id);
  }

  /** Rows of a CSV import: each created and invited, skipped if already referred, or rejected with its reasons. */
  async importRows(ctx: Ctx & { actor: Actor }, rows: { row: number; input?: ReferralInput; errors: string[] }[]) {
    await this.partnerOf(ctx.actor);
    const report = {
      accepted: [] as number[],
      skipped: [] as number[],
      rejected: [] as { row: number; errors: string[] }[],
    };
    const seen = new Set<string>();
    for (const r of rows) {
      if (!r.input || r.errors.length > 0) {
        report.rejected.push({ row: r.row, errors: r.errors });
        continue;
      }
      const email = r.input.email.toLowerCase();
      if (seen.has(email)) {
        report.rejected.push({ row: r.row, errors: ['referrals.import.duplicateRow'] });
        continue;
      }
      seen.add(email);
      try {
        await this.refer(ctx, r.input);
        report.accepted.push(r.row);
      } catch (err) {
        if (err instanceof ValidationError && err.fields.email === 'referrals.errors.duplicate')
          report.skipped.push(r.row);
        else throw err;
      }
    }
    return report;
  }

  private async forPartner(actor: Actor, id: string) {
    const org = await this.partnerOf(actor);
    const r = Types.ObjectId.isValid(id) ? await Referral.findById(id).lean<ReferralDoc>() : null;
    // Another partner's referral does not exist for this one.
    if (!r || String(r.partner) !== String(org._id)) throw new NotFoundError();
    return { org, r };
  }

  async resend(ctx: Ctx & { actor: Actor }, id: string) {
    const { r } = await this.forPartner(ctx.actor, id);
    if (r.candidate || r.revokedAt) throw new ConflictError('referrals.errors.cannotResend');
    const invitation = await this.invite(r, ctx.actor.locale);
    await Referral.updateOne({ _id: r._id }, { $set: invitation });
    await this.d.events.record(ctx, 'referral.resent', { type: 'Referral', id });
    this.d.outbox.nudge();
  }

  async revoke(ctx: Ctx & { actor: Actor }, id: string) {
    const { r } = await this.forPartner(ctx.actor, id);
    if (r.candidate) throw new ConflictError('referrals.errors.alreadyClaimed');
    await Referral.updateOne({ _id: r._id }, { $set: { revokedAt: this.d.clock.now(), tokenId: null } });
    await this.d.events.record(ctx, 'referral.revoked', { type: 'Referral', id });
  }

  private async applicationsOf(referrals: Pick<ReferralDoc, '_id'>[]) {
    const apps = await Application.find({ referral: trusted({ $in: referrals.map((r) => r._id) }) })
      .select({ referral: 1, stage: 1, outcome: 1, schoolName: 1, vacancy: 1, unitCode: 1 })
      .lean<(ApplicationDoc & { referral: Types.ObjectId })[]>();
    const by = new Map<string, typeof apps>();
    for (const a of apps) by.set(String(a.referral), [...(by.get(String(a.referral)) ?? []), a]);
    return by;
  }

  /** The partner's list, newest first, with each graduate's status; filters: cohort, major, status, name. */
  async list(actor: Actor, filters: ReferralFilters) {
    const org = await this.partnerOf(actor);
    const query: Record<string, unknown> = { partner: org._id };
    if (filters.cohort) query.graduationYear = filters.cohort;
    const referrals = await Referral.find(query).sort({ invitedAt: -1 }).limit(20_000).lean<ReferralDoc[]>();
    const apps = await this.applicationsOf(referrals);
    const now = this.d.clock.now();
    const name = filters.name?.trim().toLowerCase();
    return referrals
      .filter((r) => !name || r.name.toLowerCase().includes(name))
      .map((r) => ({ ...r, id: String(r._id), status: referralStatus(r, apps.get(String(r._id)) ?? [], now) }))
      .filter((r) => !filters.major || r.major.includes(filters.major))
      .filter((r) => !filters.status || r.status === filters.status);
  }

  /** One page of the list (REFERRALS_PER_PAGE a page; a page past the end is the last). */
  async listPage(actor: Actor, filters: ReferralFilters, page: number) {
    const all = await this.list(actor, filters);
    const pages = Math.max(1, Math.ceil(all.length / REFERRALS_PER_PAGE));
    const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
    return {
      items: all.slice((current - 1) * REFERRALS_PER_PAGE, current * REFERRALS_PER_PAGE),
      total: all.length,
      page: current,
      pages,
    };
  }

  /** One graduate as the partner may see them: stage-level status, schools only with consent, never scores. */
  async detail(actor: Actor, id: string) {
    const { r } = await this.forPartner(actor, id);
    const apps = (await this.applicationsOf([r])).get(String(r._id)) ?? [];
    const titles = new Map(
      (
        await Vacancy.find({ _id: trusted({ $in: apps.map((a) => a.vacancy) }) })
          .select({ title: 1, schoolName: 1 })
          .lean()
      ).map((v) => [String(v._id), v]),
    );
    const visible =
      r.consent === 'none'
        ? []
        : apps.map((a) => ({
            state: a.outcome ?? a.stage,
            title: r.consent === 'details' ? (titles.get(String(a.vacancy))?.title ?? '') : '',
            school: r.consent === 'details' ? (titles.get(String(a.vacancy))?.schoolName ?? '') : '',
          }));
    return { referral: r, status: referralStatus(r, apps, this.d.clock.now()), applications: visible };
  }

  /** Recommends an open vacancy to a referred graduate; they decide whether to apply. */
  async recommend(ctx: Ctx & { actor: Actor }, id: string, vacancyId: string) {
    const { r } = await this.forPartner(ctx.actor, id);
    const vacancy = Types.ObjectId.isValid(vacancyId)
      ? await Vacancy.findById(vacancyId)
          .lean()
          .then((v) => (v?.status === 'open' ? v : null))
      : null;
    if (!vacancy) throw new ValidationError({ vacancyId: 'validation.choose' });
    if (r.recommendations.some((x) => String(x.vacancy) === vacancyId)) return;
    const recommendations = [
      ...r.recommendations,
      { vacancy: vacancy._id, title: vacancy.title, at: this.d.clock.now(), application: null },
    ];
    await Referral.updateOne({ _id: r._id }, { $set: { recommendations } });
    const user = r.candidate ? await User.findById(r.candidate).lean() : null;
    if (user) {
      await this.d.notify.recommended(
        { email: user.email, name: user.name, locale: user.locale ?? 'zh-CN' },
        { referral: id, partner: r.partnerName, title: vacancy.title, school: vacancy.schoolName, vacancyId },
      );
      this.d.outbox.nudge();
    }
    await this.d.events.record(ctx, 'referral.recommended', { type: 'Referral', id }, { vacancy: vacancyId });
  }

  /** The dashboard: funnel by cohort and by Hebei unit, with conversion rates; small groups suppressed. */
  async dashboard(actor: Actor) {
    const all = await this.list(actor, {});
    const apps = await this.applicationsOf(all);
    const cohorts = [...new Set(all.map((r) => r.graduationYear))].sort();
    const byUnit = new Map<string, ReferralStatus[]>();
    for (const r of all) {
      const unit = (apps.get(r.id) ?? [])[0]?.unitCode;
      if (unit) byUnit.set(unit, [...(byUnit.get(unit) ?? []), r.status]);
    }
    return {
      total: funnel(all.map((r) => r.status)),
      cohorts: cohorts.map((c) => ({
        cohort: c,
        funnel: funnel(all.filter((r) => r.graduationYear === c).map((r) => r.status)),
      })),
      units: [...byUnit.entries()].map(([unit, statuses]) => ({ unit, funnel: funnel(statuses) })),
      offFunnel: (['declined', 'expired', 'not_hired', 'revoked'] as const).map((s) => ({
        status: s,
        shown: suppress(all.filter((r) => r.status === s).length),
      })),
      placements: await this.placementsOf(actor),
    };
  }

  /**
   * What became of the partner's hires: how many were placed, and of those placed at least a year ago how many are
   * still in post after it (the registry's one-year retention), with small groups suppressed.
   */
  private async placementsOf(actor: Actor) {
    const org = await this.partnerOf(actor);
    const placed = await Placement.find({ sourcePartner: org._id })
      .select({ startDate: 1, status: 1, leftAt: 1, commitmentYears: 1, suspensions: 1 })
      .lean<PlacementDoc[]>();
    const { oneYear } = retention(placed, this.d.clock.now());
    return {
      placed: suppress(placed.length),
      yearBase: suppress(oneYear.base),
      yearStayed: suppress(oneYear.stayed),
      yearPercent: oneYear.base >= MIN_GROUP && oneYear.stayed >= MIN_GROUP ? oneYear.percent : null,
    };
  }

  // The graduate's side.

  /** The referral behind an invitation link, if the link can still be used. */
  async invitation(secret: string) {
    const tokenId = hashSecret(secret);
    const token = await Token.findById(tokenId).lean();
    const referral = token?.purpose === 'referral' ? await Referral.findOne({ tokenId }).lean<ReferralDoc>() : null;
    if (!token || !referral || referral.revokedAt) throw new LinkError('tokens.invalid');
    if (await TokenUse.exists({ _id: tokenId })) throw new LinkError('tokens.used');
    if (token.expiresAt <= this.d.clock.now()) throw new LinkError('tokens.expired');
    const hasAccount = Boolean(await User.exists({ email: referral.email }));
    return { referral, tokenId, hasAccount };
  }

  /**
   * Claims the invitation: creates the candidate account (verified: the link came to this address), or links the
   * signed-in candidate with the same address. Single use: the use is a unique insert.
   */
  async claim(ctx: Ctx, secret: string, input: { name: string; password?: string; consent: Consent; locale: Locale }) {
    const { referral, tokenId, hasAccount } = await this.invitation(secret);
    let userId: string;
    if (ctx.actor) {
      if (ctx.actor.role !== 'candidate' || ctx.actor.email !== referral.email)
        throw new ForbiddenError('referrals.errors.otherAccount');
      userId = ctx.actor.id;
    } else {
      if (hasAccount) throw new ConflictError('referrals.errors.signInFirst');
      if (!input.password) throw new ValidationError({ password: 'validation.required' });
      userId = String(new Types.ObjectId());
    }
    try {
      await TokenUse.create({ _id: tokenId, usedAt: this.d.clock.now() });
    } catch (err) {
      if (isDuplicateKey(err)) throw new LinkError('tokens.used');
      throw err;
    }
    if (!ctx.actor) {
      await User.create({
        _id: userId,
        email: referral.email,
        name: input.name,
        passwordHash: await this.d.passwords.hash(input.password!),
        role: 'candidate',
        locale: input.locale,
        emailVerifiedAt: this.d.clock.now(),
        consents: [consentRecord('privacy', this.d.clock.now())],
      });
    }
    const now = this.d.clock.now();
    await Referral.updateOne(
      { _id: referral._id },
      { $set: { candidate: userId, claimedAt: now, consent: input.consent, consentAt: now } },
    );
    await this.d.events.record(
      { ...ctx, actor: ctx.actor },
      'referral.claimed',
      { type: 'Referral', id: String(referral._id) },
      { consent: input.consent },
    );
    return { userId };
  }

  /** The short link of a campus drive's quick registration, signed so that nobody can attribute to a drive. */
  driveLink(announcementId: string, baseUrl: string, secret: string): string {
    return `${baseUrl}/d/${announcementId}/${driveSignature(announcementId, secret)}`;
  }

  /** The open campus drive behind a signed short link. */
  async drive(id: string, signature: string, secret: string) {
    if (!Types.ObjectId.isValid(id) || !isLinkSignature(secret, 'drive', id, signature, DRIVE_SIGNATURE_LENGTH)) {
      throw new NotFoundError();
    }
    const announcement = await Announcement.findById(id)
      .lean()
      .then((a) => (a?.status === 'open' && a.programme === 'campus_drive' ? a : null));
    if (!announcement) throw new NotFoundError();
    return announcement;
  }

  /**
   * Quick registration at a drive: the account (and its verification email) as in any sign-up, tagged with the
   * partner and the drive, so that its applications count as coming from the drive. The answer is the same
   * whether or not the address already had an account.
   */
  async quickRegister(
    ctx: Ctx,
    accounts: Accounts,
    drive: { _id: Types.ObjectId; issuer: Types.ObjectId; issuerName: string },
    input: { name: string; email: string; password: string; graduationYear: number; consent: Consent; locale: Locale },
  ) {
    // As long whether or not the address already had an account.
    await accounts.evenly('signup:drive', () => this.registerAtDrive(ctx, accounts, drive, input));
  }

  private async registerAtDrive(
    ctx: Ctx,
    accounts: Accounts,
    drive: { _id: Types.ObjectId; issuer: Types.ObjectId; issuerName: string },
    input: { name: string; email: string; password: string; graduationYear: number; consent: Consent; locale: Locale },
  ): Promise<boolean> {
    const email = input.email.toLowerCase();
    const { created, userId } = await accounts.createOrTell(
      ctx,
      { name: input.name, email, password: input.password, locale: input.locale },
      { role: 'candidate' },
    );
    if (!created || !userId) return false;
    const now = this.d.clock.now();
    try {
      await Referral.create({
        partner: drive.issuer,
        partnerName: drive.issuerName,
        referredBy: userId,
        name: input.name,
        email,
        graduationYear: input.graduationYear,
        drive: drive._id,
        invitedAt: now,
        expiresAt: now,
        candidate: userId,
        claimedAt: now,
        consent: input.consent,
        consentAt: now,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // already referred by this partner: that referral stands
    }
    await this.d.events.record(ctx, 'referral.drive_signup', { type: 'Announcement', id: String(drive._id) });
    return true;
  }

  /** The graduate says no thanks: the link is used up and the partner sees "declined". */
  async decline(ctx: Ctx, secret: string) {
    const { referral, tokenId } = await this.invitation(secret);
    try {
      await TokenUse.create({ _id: tokenId, usedAt: this.d.clock.now() });
    } catch (err) {
      if (isDuplicateKey(err)) throw new LinkError('tokens.used');
      throw err;
    }
    await Referral.updateOne({ _id: referral._id }, { $set: { declinedAt: this.d.clock.now() } });
    await this.d.events.record(ctx, 'referral.declined', { type: 'Referral', id: String(referral._id) });
  }

  async mine(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
    return Referral.find({ candidate: actor.id }).sort({ claimedAt: -1 }).lean<ReferralDoc[]>();
  }

  /** The graduate changes (or withdraws) what the partner may see. */
  async setConsent(ctx: Ctx & { actor: Actor }, id: string, consent: Consent): Promise<boolean> {
    const referral = Types.ObjectId.isValid(id)
      ? await Referral.findOne({ _id: id, candidate: ctx.actor.id }).lean<ReferralDoc>()
      : null;
    if (!referral) throw new NotFoundError();
    // The same choice again changes nothing and records nothing; of identical requests together, one writes.
    if (referral.consent === consent) return false;
    const now = this.d.clock.now();
    const read = new Date(referral.consentAt ?? referral.claimedAt ?? 0).getTime();
    if (!(await claimOnce(`consent:${id}:${read}:${consent}`, now))) return false;
    await Referral.updateOne({ _id: referral._id }, { $set: { consent, consentAt: now } });
    await this.d.events.record(ctx, 'referral.consent', { type: 'Referral', id }, { from: referral.consent, consent });
    return true;
  }

  /** The partner an application counts for: a recommendation it answers, else the graduate's first referral. */
  static async sourceFor(candidateId: string, vacancyId: string) {
    const referrals = await Referral.find({ candidate: candidateId, revokedAt: null })
      .sort({ claimedAt: 1 })
      .lean<ReferralDoc[]>();
    const recommending = referrals.find((r) => r.recommendations.some((x) => String(x.vacancy) === vacancyId));
    const chosen = recommending ?? referrals[0];
    if (!chosen) return { source: 'direct' as const, sourcePartner: null, sourcePartnerName: '', referral: null };
    return {
      source: recommending ? ('recommendation' as const) : chosen.drive ? ('campaign' as const) : ('referral' as const),
      sourcePartner: chosen.partner,
      sourcePartnerName: chosen.partnerName,
      referral: chosen._id,
    };
  }
}

/** Short enough for a link on a poster. */
const DRIVE_SIGNATURE_LENGTH = 16;

function driveSignature(id: string, secret: string): string {
  return linkSignature(secret, 'drive', id, DRIVE_SIGNATURE_LENGTH);
}
