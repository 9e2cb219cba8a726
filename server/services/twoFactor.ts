// Two-factor sign-in with an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, one step of drift either way)
// and single-use recovery codes. Required for coordinators, offered to everyone else. Each time step and each
// recovery code is claimed by a unique insert, so a code that was seen (over a shoulder, in a proxy log) cannot be
// replayed, on any instance.
import crypto from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import type { FieldCipher } from '../crypto';
import { ConflictError, ForbiddenError, isDuplicateKey, ValidationError } from '../errors';
import { TokenUse } from '../../models/Token';
import { User } from '../../models/User';
import type { Passwords } from '../auth/passwords';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';

const ISSUER = 'TeachBridge';
const STEP_SECONDS = 30;
const RECOVERY_CODES = 10;

/** How a recovery code is kept: a digest of its normalised form (dashes and case do not matter). */
export const recoveryHash = (code: string) => crypto.createHash('sha256').update(normalise(code)).digest('hex');
const hash = recoveryHash;
const normalise = (code: string) => code.replace(/[\s-]/g, '').toLowerCase();

/** Ten codes like `k3f9-2xq7`, from an alphabet without look-alikes. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: RECOVERY_CODES }, () => {
    const chars = Array.from(crypto.randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4)}`;
  });
}

export function totp(secretBase32: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: STEP_SECONDS,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

export interface TwoFactorDeps {
  clock: Clock;
  cipher: FieldCipher;
  events: Events;
  passwords: Passwords;
}

export class TwoFactor {
  constructor(private readonly d: TwoFactorDeps) {}

  /** Whether the user has two-factor sign-in on. */
  async enabled(userId: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(userId)) return false;
    const user = await User.findById(userId).select({ totp: 1 }).lean();
    return Boolean(user?.totp?.enabledAt);
  }

  /** Enrolment: the pending secret (a new one unless one is waiting), as text and as an otpauth:// address. */
  async pending(actor: Actor): Promise<{ secret: string; uri: string }> {
    const user = await User.findById(actor.id).select({ totp: 1, email: 1 }).lean();
    if (!user) throw new ForbiddenError();
    if (user.totp?.enabledAt) throw new ConflictError('twoFactor.errors.alreadyOn');
    let secret = user.totp?.pendingSecret ? this.d.cipher.decrypt(user.totp.pendingSecret) : null;
    if (!secret) {
      secret = new OTPAuth.Secret({ size: 20 }).base32;
      await User.updateOne({ _id: user._id }, { $set: { 'totp.pendingSecret': this.d.cipher.encrypt(secret) } });
    }
    return { secret, uri: totp(secret, user.email).toString() };
  }

  /** Turns two-factor on once a code from the pending secret checks out; returns the recovery codes, shown once. */
  async enable(ctx: Ctx & { actor: Actor }, code: string): Promise<string[]> {
    const user = await User.findById(ctx.actor.id).select({ totp: 1, email: 1 }).lean();
    if (!user?.totp?.pendingSecret) throw new ConflictError('twoFactor.errors.noPending');
    const secret = this.d.cipher.decrypt(user.totp.pendingSecret);
    if (!(await this.claimCode(String(user._id), secret, code)))
      throw new ValidationError({ code: 'twoFactor.errors.code' });
    const codes = newRecoveryCodes();
    await User.updateOne(
      { _id: user._id },
      {
        $set: {
          'totp.secret': this.d.cipher.encrypt(secret),
          'totp.pendingSecret': null,
          'totp.enabledAt': this.d.clock.now(),
          'totp.recovery': codes.map(hash),
        },
      },
    );
    await this.d.events.record(ctx, 'user.2fa_enabled', { type: 'User', id: String(user._id) });
    return codes;
  }

  /**
   * The second step of signing in: a current code from the app, or an unused recovery code. Either is used up.
   * Returns how the user got in, or null.
   */
  async verify(ctx: Ctx, userId: string, code: string): Promise<'app' | 'recovery' | null> {
    const user = Types.ObjectId.isValid(userId) ? await User.findById(userId).select({ totp: 1 }).lean() : null;
    if (!user?.totp?.secret) return null;
    const input = normalise(code);
    if (/^\d{6}$/.test(input)) {
      return (await this.claimCode(userId, this.d.cipher.decrypt(user.totp.secret), input)) ? 'app' : null;
    }
    const h = hash(input);
    if (!user.totp.recovery.includes(h)) return null;
    try {
      await TokenUse.create({ _id: `recovery:${userId}:${h}`, usedAt: this.d.clock.now() });
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
    const fresh = await User.findById(userId).select({ totp: 1 }).lean();
    await User.updateOne(
      { _id: userId },
      { $set: { 'totp.recovery': (fresh?.totp?.recovery ?? []).filter((r) => r !== h) } },
    );
    await this.d.events.record(ctx, 'user.2fa_recovery_used', { type: 'User', id: userId });
    return 'recovery';
  }

  /** New recovery codes (the old ones stop working), against a current code. */
  async regenerate(ctx: Ctx & { actor: Actor }, code: string): Promise<string[]> {
    const user = await User.findById(ctx.actor.id).select({ totp: 1 }).lean();
    if (!user?.totp?.secret) throw new ConflictError('twoFactor.errors.notOn');
    if (!(await this.claimCode(ctx.actor.id, this.d.cipher.decrypt(user.totp.secret), code)))
      throw new ValidationError({ code: 'twoFactor.errors.code' });
    const codes = newRecoveryCodes();
    await User.updateOne({ _id: user._id }, { $set: { 'totp.recovery': codes.map(hash) } });
    await this.d.events.record(ctx, 'user.2fa_recovery_regenerated', { type: 'User', id: ctx.actor.id });
    return codes;
  }

  /** Turns two-factor off, with the password and a current code; coordinators must keep it. */
  async disable(ctx: Ctx & { actor: Actor }, password: string, code: string): Promise<void> {
    if (ctx.actor.role === 'coordinator') throw new ForbiddenError('twoFactor.errors.required');
    const user = await User.findById(ctx.actor.id).lean();
    if (!user?.totp?.secret) throw new ConflictError('twoFactor.errors.notOn');
    const fields: Record<string, string> = {};
    if (!(await this.d.passwords.verify(user.passwordHash, password)))
      fields.password = 'account.password.wrongCurrent';
    if (!fields.password && !(await this.claimCode(ctx.actor.id, this.d.cipher.decrypt(user.totp.secret), code)))
      fields.code = 'twoFactor.errors.code';
    if (Object.keys(fields).length) throw new ValidationError(fields);
    await User.updateOne(
      { _id: user._id },
      { $set: { 'totp.secret': null, 'totp.pendingSecret': null, 'totp.enabledAt': null, 'totp.recovery': [] } },
    );
    await this.d.events.record(ctx, 'user.2fa_disabled', { type: 'User', id: ctx.actor.id });
  }

  /** A code valid now (one step of drift either way) whose time step this user has not used yet. */
  private async claimCode(userId: string, secret: string, code: string): Promise<boolean> {
    const input = normalise(code);
    if (!/^\d{6}$/.test(input)) return false;
    const now = this.d.clock.now().getTime();
    const delta = totp(secret, '').validate({ token: input, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 1000 / STEP_SECONDS) + delta;
    try {
      await TokenUse.create({ _id: `totp:${userId}:${step}`, usedAt: new Date(now) });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
