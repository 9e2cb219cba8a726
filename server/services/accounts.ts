// Accounts: sign-up, email verification, sign-in checks, password reset and account settings.
// Responses never reveal whether an address has an account (sign-up, sign-in and reset all answer alike).
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { LinkError, ForbiddenError, isDuplicateKey, NotFoundError, ValidationError } from '../errors';
import type { Locale } from '../i18n';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { hashSecret, newSecret } from '../auth/tokens';
import type { Passwords } from '../auth/passwords';
import { EvenTiming } from '../auth/timing';
import { Token, TokenUse, type TokenPurpose } from '../../models/Token';
import { Organisation } from '../../models/Organisation';
import { User, type APPLICATION_MAIL } from '../../models/User';

type ApplicationMail = (typeof APPLICATION_MAIL)[number];
import { toActor, type Actor, type Ctx } from './actor';
import type { Events } from './events';
import { consentRecord } from './privacy';

export const VERIFY_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const RESET_TTL_MS = 60 * 60 * 1000;
export const INVITE_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface AccountDeps {
  clock: Clock;
  passwords: Passwords;
  notify: Notify;
  outbox: Outbox;
  events: Events;
}

export interface NewUser {
  name: string;
  email: string;
  password: string;
  locale: Locale;
}

/** What a workflow creating an account decides for it (never the form). */
type AccountExtra = {
  role: 'candidate' | 'staff';
  organisation?: Types.ObjectId | null;
  membership?: 'active' | 'pending' | null;
  id?: Types.ObjectId;
};

export class Accounts {
  private readonly timing = new EvenTiming();
  constructor(private readonly d: AccountDeps) {}

  /** Stores a one-time token by the hash of its secret (write its email intent first: see mail/outbox.ts). */
  async saveToken(
    id: string,
    purpose: TokenPurpose,
    fields: {
      email: string;
      user?: Types.ObjectId | string | null;
      organisation?: string | null;
      invitedBy?: string | null;
    },
    ttlMs: number,
  ): Promise<void> {
    await Token.create({
      _id: id,
      purpose,
      email: fields.email,
      user: fields.user ?? null,
      organisation: fields.organisation ?? null,
      invitedBy: fields.invitedBy ?? null,
      expiresAt: new Date(this.d.clock.now().getTime() + ttlMs),
    });
  }

  /** Looks a token up without using it (to show a form); throws a localised 400 when it cannot be used. */
  async peekToken(secret: string, purpose: TokenPurpose) {
    const id = hashSecret(secret);
    const token = await Token.findById(id).lean();
    if (!token || token.purpose !== purpose) throw new LinkError('tokens.invalid');
    if (await TokenUse.exists({ _id: id })) throw new LinkError('tokens.used');
    if (token.expiresAt <= this.d.clock.now()) throw new LinkError('tokens.expired');
    return token;
  }

  /** Uses a token exactly once: the use is a unique insert, so two concurrent uses cannot both succeed. */
  async consumeToken(secret: string, purpose: TokenPurpose) {
    const token = await this.peekToken(secret, purpose);
    try {
      await TokenUse.create({ _id: token._id, usedAt: this.d.clock.now() });
    } catch (err) {
      if (isDuplicateKey(err)) throw new LinkError('tokens.used');
      throw err;
    }
    return token;
  }

  /**
   * Creates an account and sends its verification email, or, if the address is taken, tells the owner instead.
   * Either way the caller shows the same "check your email" page.
   */
  async registerUser(
    ctx: Ctx,
    input: NewUser,
    extra: AccountExtra,
  ): Promise<{ created: boolean; userId: Types.ObjectId | null }> {
    return this.timing.run(`signup:${extra.role}`, () => this.createOrTell(ctx, input, extra));
  }

  /**
   * Runs a sign-up workflow that creates an account with createOrTell (and more when it did), so that it takes as
   * long whether or not the address already had an account.
   */
  evenly<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.timing.run(key, work);
  }

  /** registerUser without its own timing floor, for workflows that run it inside evenly(). */
  async createOrTell(
    ctx: Ctx,
    input: NewUser,
    extra: AccountExtra,
  ): Promise<{ created: boolean; userId: Types.ObjectId | null }> {
    const email = input.email.toLowerCase();
    const existing = await User.findOne({ email }).lean();
    // Both branches spend the same work (the password is hashed, two records are written, one email is queued), so
    // the time taken does not tell whether the address has an account (test/security/timing.test.ts measures it).
    const passwordHash = await this.d.passwords.hash(input.password);
    if (existing) {
      const resetSecret = newSecret();
      const resetId = hashSecret(resetSecret);
      await this.d.notify.accountExists(
        { email, name: existing.name, locale: existing.locale ?? input.locale },
        this.d.clock.now().toISOString().slice(0, 13),
        { secret: resetSecret, tokenId: resetId },
      );
      await this.saveToken(resetId, 'password_reset', { email, user: existing._id }, RESET_TTL_MS);
      await this.d.events.record(ctx, 'user.registration_repeated', { type: 'User', id: String(existing._id) });
      this.d.outbox.nudge();
      return { created: false, userId: null };
    }
    const userId = extra.id ?? new Types.ObjectId();
    const secret = newSecret();
    const tokenId = hashSecret(secret);
    // Intent first, then the change it announces (see server/mail/outbox.ts).
    await this.d.notify.verifyEmail({ email, name: input.name, locale: input.locale }, secret, tokenId);
    try {
      await User.create({
        _id: userId,
        email,
        name: input.name,
        passwordHash,
        role: extra.role,
        locale: input.locale,
        organisation: extra.organisation ?? null,
        membership: extra.membership ?? null,
        // Every sign-up form requires ticking the privacy notice (routes/schemas.ts: privacyConsent).
        consents: [consentRecord('privacy', this.d.clock.now())],
      });
    } catch (err) {
      if (isDuplicateKey(err)) return { created: false, userId: null }; // lost a race with a twin request
      throw err;
    }
    await this.saveToken(tokenId, 'verify_email', { email, user: userId }, VERIFY_TTL_MS);
    await this.d.events.record(ctx, 'user.registered', { type: 'User', id: String(userId) }, { role: extra.role });
    this.d.outbox.nudge();
    return { created: true, userId };
  }

  async verifyEmail(ctx: Ctx, secret: string): Promise<void> {
    const token = await this.consumeToken(secret, 'verify_email');
    const now = this.d.clock.now();
    await User.updateOne({ _id: token.user, emailVerifiedAt: null }, { $set: { emailVerifiedAt: now } });
    await this.d.events.record(ctx, 'user.email_verified', { type: 'User', id: String(token.user) });
  }

  async resendVerification(actor: Actor): Promise<void> {
    if (actor.emailVerified) return;
    const secret = newSecret();
    const id = hashSecret(secret);
    await this.d.notify.verifyEmail(actor, secret, id);
    await this.saveToken(id, 'verify_email', { email: actor.email, user: actor.id }, VERIFY_TTL_MS);
    this.d.outbox.nudge();
  }

  /** Checks credentials. Returns the user, or null with the same cost whether or not the address exists. */
  async authenticate(email: string, password: string) {
    // A refusal answers at the same floor whether or not the address exists; a success answers at once.
    return this.timing.run(
      'signin',
      () => this.check(email, password),
      (user) => user === null,
    );
  }

  private async check(email: string, password: string) {
    const user = await User.findOne({ email: email.toLowerCase() }).lean();
    if (!user) return this.d.passwords.verifyNobody(password).then(() => null);
    const ok = await this.d.passwords.verify(user.passwordHash, password);
    return ok ? user : null;
  }

  async recordLogin(ctx: Ctx, userId: string): Promise<void> {
    await User.updateOne({ _id: userId }, { $set: { lastLoginAt: this.d.clock.now(), inactivityWarnedAt: null } });
    await this.d.events.record(ctx, 'user.signed_in', { type: 'User', id: userId });
  }

  async requestPasswordReset(ctx: Ctx, email: string): Promise<void> {
    await this.timing.run('reset', () => this.sendReset(ctx, email));
  }

  private async sendReset(ctx: Ctx, email: string): Promise<boolean> {
    const user = await User.findOne({ email: email.toLowerCase() }).lean();
    if (!user) {
      // Same answer as for a real account, after about the same work (a record written): the request is audited.
      await this.d.events.record(ctx, 'user.password_reset_unknown', { type: 'User', id: 'unknown' });
      return false;
    }
    const secret = newSecret();
    const id = hashSecret(secret);
    await this.d.notify.passwordReset(
      { email: user.email, name: user.name, locale: user.locale ?? 'zh-CN' },
      secret,
      id,
    );
    await this.saveToken(id, 'password_reset', { email: user.email, user: user._id }, RESET_TTL_MS);
    await this.d.events.record(ctx, 'user.password_reset_requested', { type: 'User', id: String(user._id) });
    this.d.outbox.nudge();
    return true;
  }

  async resetPassword(ctx: Ctx, secret: string, password: string): Promise<void> {
    const token = await this.consumeToken(secret, 'password_reset');
    await User.updateOne(
      { _id: token.user },
      // The reset link came by email, so it also proves the address. New sessionVersion signs out other sessions.
      {
        $set: { passwordHash: await this.d.passwords.hash(password), emailVerifiedAt: this.d.clock.now() },
        $inc: { sessionVersion: 1 },
      },
    );
    await this.d.events.record(ctx, 'user.password_reset', { type: 'User', id: String(token.user) });
  }

  async getAccount(actor: Actor) {
    const user = await User.findById(actor.id).lean();
    if (!user) throw new NotFoundError();
    return {
      name: user.name,
      email: user.email,
      locale: user.locale ?? 'zh-CN',
      role: user.role,
      // Staff choose how they hear of new applications; nobody else receives them.
      applicationMail: user.role === 'staff' ? (user.applicationMail ?? 'each') : null,
    };
  }

  async updateAccount(
    ctx: Ctx & { actor: Actor },
    input: { name: string; locale: Locale; applicationMail?: ApplicationMail },
  ): Promise<void> {
    const staffChoice = ctx.actor.role === 'staff' && input.applicationMail ? input.applicationMail : null;
    await User.updateOne(
      { _id: ctx.actor.id },
      { $set: { name: input.name, locale: input.locale, ...(staffChoice ? { applicationMail: staffChoice } : {}) } },
    );
    await this.d.events.record(
      ctx,
      'user.updated',
      { type: 'User', id: ctx.actor.id },
      { fields: ['name', 'locale', ...(staffChoice ? ['applicationMail'] : [])] },
    );
  }

  async changePassword(ctx: Ctx & { actor: Actor }, current: string, next: string): Promise<void> {
    const user = await User.findById(ctx.actor.id).lean();
    if (!user) throw new ForbiddenError();
    if (!(await this.d.passwords.verify(user.passwordHash, current))) {
      throw new ValidationError({ currentPassword: 'account.password.wrongCurrent' });
    }
    await User.updateOne(
      { _id: user._id },
      { $set: { passwordHash: await this.d.passwords.hash(next) }, $inc: { sessionVersion: 1 } },
    );
    await this.d.events.record(ctx, 'user.password_changed', { type: 'User', id: ctx.actor.id });
  }

  /** Loads the signed-in user for a request; null when gone or signed out everywhere by a password change. */
  async loadActor(id: string, sessionVersion: number): Promise<{ actor: Actor } | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const user = await User.findById(id).lean();
    if (!user || (user.sessionVersion ?? 0) !== sessionVersion) return null;
    const actor = toActor(user);
    if (user.role === 'staff' && user.organisation) {
      const org = await Organisation.findById(user.organisation).select({ kind: 1, province: 1 }).lean();
      actor.partner = org?.kind === 'university' || (org?.kind === 'school' && org.province !== 'hebei');
      actor.bjtjSchool = org?.kind === 'school' && org.province !== 'hebei';
      actor.sponsor = org?.kind === 'sponsor';
    }
    return { actor };
  }
}
