// Organisations: registration by their staff, coordinator verification, joining and inviting colleagues.
import { trusted } from 'mongoose';
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { LinkError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Locale } from '../i18n';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { hashSecret, newSecret } from '../auth/tokens';
import type { Passwords } from '../auth/passwords';
import {
  Organisation,
  type Alliance,
  type OrganisationDoc,
  type OrgKind,
  type SponsorType,
} from '../../models/Organisation';
import { User } from '../../models/User';
import type { Actor, Ctx } from './actor';
import { consentRecord } from './privacy';
import { INVITE_TTL_MS, type Accounts, type NewUser } from './accounts';
import type { Events } from './events';
import { activeStaff, coordinatorsCovering } from './people';
import { findPlace } from './regions';

export interface OrganisationInput {
  name: string;
  kind: OrgKind;
  /** Required for sponsors, ignored otherwise. */
  sponsorType?: SponsorType | null;
  countyCode: string;
  address: string;
  contactPhone: string;
  parentId: string | null;
  pairedWith: string[];
  alliances: Alliance[];
}

export interface OrganisationDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
  accounts: Accounts;
  passwords: Passwords;
}

/** Whether a coordinator's scope covers an organisation (null scope = the whole region). */
export function coordinatorCovers(actor: Actor, org: { unitCode: string }): boolean {
  return actor.role === 'coordinator' && (actor.scopeUnit === null || actor.scopeUnit === org.unitCode);
}

type Decision = 'verified' | 'rejected';

/** What lists show of an organisation. */
function summary(o: Pick<OrganisationDoc, '_id' | 'name' | 'kind' | 'province' | 'countyCode'>) {
  return { id: String(o._id), name: o.name, kind: o.kind, province: o.province, countyCode: o.countyCode };
}

export class Organisations {
  constructor(private readonly d: OrganisationDeps) {}

  /** Organisations a new staff member can ask to join, and that can be chosen as parent or pair. */
  async listVerified() {
    const orgs = await Organisation.find({ 'verification.state': 'verified' })
      .sort({ province: 1, name: 1 })
      .select({ name: 1, kind: 1, province: 1, unitCode: 1, countyCode: 1 })
      .lean();
    return orgs.map(summary);
  }

  private async validateLinks(input: OrganisationInput, province: string): Promise<Record<string, string>> {
    const errors: Record<string, string> = {};
    const ids = [...(input.parentId ? [input.parentId] : []), ...input.pairedWith];
    const found = await Organisation.find({ _id: trusted({ $in: ids }), 'verification.state': 'verified' }).lean();
    const byId = new Map(found.map((o) => [String(o._id), o]));
    if (input.parentId) {
      const parent = byId.get(input.parentId);
      if (!parent || parent.province === 'hebei' || province !== 'hebei' || parent.kind !== 'school') {
        errors.parentId = 'organisations.errors.parent';
      }
    }
    if (input.pairedWith.some((id) => !byId.has(id))) errors.pairedWith = 'organisations.errors.paired';
    return errors;
  }

  /** A new organisation (pending verification) and its first staff account. */
  async register(ctx: Ctx, org: OrganisationInput, person: NewUser): Promise<void> {
    const place = findPlace(org.countyCode);
    if (!place) throw new ValidationError({ countyCode: 'validation.choose' });
    if (org.kind === 'sponsor' && !org.sponsorType) throw new ValidationError({ sponsorType: 'validation.choose' });
    const linkErrors = await this.validateLinks(org, place.province);
    if (Object.keys(linkErrors).length > 0) throw new ValidationError(linkErrors);
    // As long whether or not the address already had an account (its owner is told by email either way).
    await this.d.accounts.evenly('signup:organisation', () => this.create(ctx, org, person, place));
  }

  private async create(
    ctx: Ctx,
    org: OrganisationInput,
    person: NewUser,
    place: NonNullable<ReturnType<typeof findPlace>>,
  ): Promise<boolean> {
    const orgId = new Types.ObjectId();
    const userId = new Types.ObjectId();
    // The account first: if the address is taken, its owner is told and no organisation is created.
    const { created } = await this.d.accounts.createOrTell(ctx, person, {
      role: 'staff',
      organisation: orgId,
      membership: 'active',
      id: userId,
    });
    if (!created) return false;
    for (const coordinator of await coordinatorsCovering(place.unitCode)) {
      await this.d.notify.organisationSubmitted(coordinator, { id: String(orgId), name: org.name });
    }
    await Organisation.create({
      _id: orgId,
      name: org.name,
      kind: org.kind,
      sponsorType: org.kind === 'sponsor' ? org.sponsorType : null,
      province: place.province,
      unitCode: place.unitCode,
      countyCode: place.countyCode,
      address: org.address,
      contactName: person.name,
      contactPhone: org.contactPhone,
      contactEmail: person.email.toLowerCase(),
      parent: org.parentId,
      pairedWith: org.pairedWith,
      alliances: org.alliances,
      createdBy: userId,
    });
    // Pairing is mutual (对口帮扶 runs both ways): the partners list this school too.
    for (const pairId of org.pairedWith) {
      await Organisation.updateOne({ _id: pairId }, { $addToSet: { pairedWith: orgId } });
    }
    await this.d.events.record(
      ctx,
      'organisation.registered',
      { type: 'Organisation', id: String(orgId) },
      { kind: org.kind, countyCode: org.countyCode },
    );
    this.d.outbox.nudge();
    return true;
  }

  /** A staff account that asks to join an existing, verified organisation. */
  async requestToJoin(ctx: Ctx, organisationId: string, person: NewUser): Promise<void> {
    const org = Types.ObjectId.isValid(organisationId)
      ? await Organisation.findById(organisationId)
          .lean()
          .then((o) => (o?.verification?.state === 'verified' ? o : null))
      : null;
    if (!org) throw new ValidationError({ organisationId: 'validation.choose' });
    const requesterId = new Types.ObjectId();
    for (const colleague of await activeStaff(org._id)) {
      await this.d.notify.joinRequested(
        colleague,
        { id: String(requesterId), name: person.name, email: person.email.toLowerCase() },
        org.name,
      );
    }
    await this.d.accounts.registerUser(ctx, person, {
      role: 'staff',
      organisation: org._id,
      membership: 'pending',
      id: requesterId,
    });
  }

  /** The verification queue within the coordinator's scope. */
  async queue(actor: Actor, state: 'pending' | 'verified' | 'rejected') {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const filter: Record<string, unknown> = { 'verification.state': state };
    if (actor.scopeUnit) filter.unitCode = actor.scopeUnit;
    const orgs = await Organisation.find(filter).sort({ createdAt: 1 }).limit(200).lean();
    return orgs.map((o) => ({ ...summary(o), createdAt: o.createdAt, contactEmail: o.contactEmail }));
  }

  private async loadForCoordinator(actor: Actor, id: string) {
    if (actor.role !== 'coordinator') throw new ForbiddenError();
    const org = Types.ObjectId.isValid(id) ? await Organisation.findById(id) : null;
    // Out of scope looks the same as missing: a coordinator learns nothing about other units.
    if (!org || !coordinatorCovers(actor, org)) throw new NotFoundError();
    return org;
  }

  async detailForCoordinator(actor: Actor, id: string) {
    const org = await this.loadForCoordinator(actor, id);
    const [staff, parent, pairs] = await Promise.all([
      User.find({ organisation: org._id }).select({ name: 1, email: 1, membership: 1, emailVerifiedAt: 1 }).lean(),
      org.parent ? Organisation.findById(org.parent).select({ name: 1 }).lean() : null,
      Organisation.find({ _id: trusted({ $in: org.pairedWith }) })
        .select({ name: 1 })
        .lean(),
    ]);
    return {
      org: org.toObject(),
      staff: staff.map((s) => ({
        name: s.name,
        email: s.email,
        membership: s.membership,
        verified: Boolean(s.emailVerifiedAt),
      })),
      parentName: parent?.name ?? null,
      pairNames: pairs.map((p) => p.name),
    };
  }

  /** pending → verified | rejected; the organisation's staff are emailed either way. */
  async decide(ctx: Ctx & { actor: Actor }, id: string, decision: Decision, reason: string): Promise<void> {
    const org = await this.loadForCoordinator(ctx.actor, id);
    if (org.verification?.state !== 'pending') throw new ConflictError('organisations.errors.alreadyDecided');
    if (decision === 'rejected' && !reason.trim())
      throw new ValidationError({ reason: 'organisations.errors.reasonRequired' });
    const now = this.d.clock.now();
    const staff = await User.find({ organisation: org._id, membership: 'active' }).lean();
    for (const s of staff) {
      await this.d.notify.organisationDecided(
        { id: String(s._id), email: s.email, name: s.name, locale: s.locale ?? 'zh-CN' },
        { id: String(org._id), name: org.name },
        decision,
        reason,
        now.toISOString(),
      );
    }
    const result = await Organisation.updateOne(
      { _id: org._id, 'verification.state': 'pending' },
      { $set: { verification: { state: decision, reason, decidedBy: ctx.actor.id, decidedAt: now } } },
    );
    if (result.modifiedCount !== 1) throw new ConflictError('organisations.errors.alreadyDecided');
    await this.d.events.record(
      ctx,
      `organisation.${decision}`,
      { type: 'Organisation', id: String(org._id) },
      { reason },
    );
    this.d.outbox.nudge();
  }

  /** The staff member's own organisation, its colleagues and pending join requests. */
  async mine(actor: Actor) {
    if (actor.role !== 'staff' || !actor.organisationId) throw new ForbiddenError();
    const org = await Organisation.findById(actor.organisationId).lean();
    if (!org) throw new NotFoundError();
    const active = actor.membership === 'active';
    const members = active
      ? await User.find({ organisation: org._id, membership: trusted({ $in: ['active', 'pending'] }) })
          .sort({ createdAt: 1 })
          .select({ name: 1, email: 1, membership: 1 })
          .lean()
      : [];
    return {
      org,
      membership: actor.membership,
      members: members
        .filter((m) => m.membership === 'active')
        .map((m) => ({ id: String(m._id), name: m.name, email: m.email, self: String(m._id) === actor.id })),
      requests: members
        .filter((m) => m.membership === 'pending')
        .map((m) => ({ id: String(m._id), name: m.name, email: m.email })),
      canInvite: active && org.verification?.state === 'verified' && actor.emailVerified,
    };
  }

  private requireActiveVerifiedStaff(actor: Actor) {
    if (actor.role !== 'staff' || actor.membership !== 'active' || !actor.organisationId) throw new ForbiddenError();
    if (!actor.emailVerified) throw new ForbiddenError('auth.verifyFirst');
  }

  async decideJoin(ctx: Ctx & { actor: Actor }, requesterId: string, approve: boolean): Promise<void> {
    this.requireActiveVerifiedStaff(ctx.actor);
    const requester = Types.ObjectId.isValid(requesterId) ? await User.findById(requesterId).lean() : null;
    // Another organisation's requester is "not found", never "forbidden": nothing leaks across tenants.
    if (!requester || String(requester.organisation) !== ctx.actor.organisationId) throw new NotFoundError();
    if (requester.membership !== 'pending') throw new ConflictError('organisations.errors.alreadyDecided');
    const org = await Organisation.findById(ctx.actor.organisationId).lean();
    if (!org) throw new NotFoundError();
    const membership = approve ? 'active' : 'rejected';
    await this.d.notify.joinDecided(
      { id: String(requester._id), email: requester.email, name: requester.name, locale: requester.locale ?? 'zh-CN' },
      org.name,
      membership,
    );
    await User.updateOne({ _id: requester._id, membership: 'pending' }, { $set: { membership } });
    await this.d.events.record(
      ctx,
      `membership.${membership}`,
      { type: 'User', id: String(requester._id) },
      { organisation: String(org._id) },
    );
    this.d.outbox.nudge();
  }

  async invite(ctx: Ctx & { actor: Actor }, email: string, locale: Locale): Promise<void> {
    this.requireActiveVerifiedStaff(ctx.actor);
    const org = await Organisation.findById(ctx.actor.organisationId).lean();
    if (!org || org.verification?.state !== 'verified') throw new ForbiddenError('organisations.errors.notVerified');
    const address = email.toLowerCase();
    const existing = await User.findOne({ email: address }).select({ organisation: 1 }).lean();
    if (existing && String(existing.organisation) === String(org._id)) {
      throw new ValidationError({ email: 'organisations.errors.alreadyMember' });
    }
    const secret = newSecret();
    const id = hashSecret(secret);
    await this.d.notify.invitation(address, locale, ctx.actor.name, org.name, secret, id);
    await this.d.accounts.saveToken(
      id,
      'invitation',
      { email: address, organisation: String(org._id), invitedBy: ctx.actor.id },
      INVITE_TTL_MS,
    );
    await this.d.events.record(ctx, 'organisation.invited', { type: 'Organisation', id: String(org._id) }, {});
    this.d.outbox.nudge();
  }

  async invitation(secret: string) {
    const token = await this.d.accounts.peekToken(secret, 'invitation');
    const org = await Organisation.findById(token.organisation).lean();
    if (!org) throw new LinkError('tokens.invalid');
    const existing = await User.exists({ email: token.email });
    return { email: token.email, organisation: org.name, hasAccount: Boolean(existing) };
  }

  /** Accepting creates the colleague's account, already verified: the link came to their address. */
  async acceptInvitation(ctx: Ctx, secret: string, input: { name: string; password: string; locale: Locale }) {
    const preview = await this.invitation(secret);
    if (preview.hasAccount) throw new ConflictError('organisations.errors.inviteHasAccount');
    const token = await this.d.accounts.consumeToken(secret, 'invitation');
    const user = await User.create({
      email: token.email,
      name: input.name,
      passwordHash: await this.d.passwords.hash(input.password),
      role: 'staff',
      locale: input.locale,
      organisation: token.organisation,
      membership: 'active',
      emailVerifiedAt: this.d.clock.now(),
      consents: [consentRecord('privacy', this.d.clock.now())],
    });
    await this.d.events.record(
      ctx,
      'membership.accepted_invitation',
      { type: 'User', id: String(user._id) },
      { organisation: String(token.organisation) },
    );
    return user;
  }
}
