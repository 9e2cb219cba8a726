// A person's rights over their data (PIPL): a copy of everything TeachBridge holds about them (a ZIP of JSON files
// and their documents), and erasure of their account. Erasure keeps what the region's statistics need (stages,
// outcomes, dates, scores) without anything that identifies the person, and keeps public notices already published
// (they were required by law and show masked names only). Nobody can undo it: the personal data is gone.
import crypto from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { addMonths } from './placements';
import type { FieldCipher } from '../crypto';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { FileStore } from '../storage';
import type { Passwords } from '../auth/passwords';
import { Application, ApplicationNote } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { CheckIn } from '../../models/CheckIn';
import { Event } from '../../models/Event';
import { JobAlert } from '../../models/JobAlert';
import { OutboxMessage } from '../../models/OutboxMessage';
import { Placement } from '../../models/Placement';
import { Referral } from '../../models/Referral';
import { Token } from '../../models/Token';
import { User } from '../../models/User';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';

export const ERASED_NAME = '已注销用户';

export interface PersonalDataDeps {
  notify: Notify;
  outbox: Outbox;
  retentionMonths: number;
  clock: Clock;
  cipher: FieldCipher;
  events: Events;
  passwords: Passwords;
  store: FileStore;
}

/** Only the fields a person typed or that describe them; never password hashes or second-factor secrets. */
function account(user: Record<string, unknown>) {
  const { passwordHash: _p, totp, sessionVersion: _v, __v: _x, ...rest } = user;
  const t = totp as { enabledAt?: Date | null; recovery?: unknown[] } | undefined;
  return { ...rest, twoFactor: { enabledAt: t?.enabledAt ?? null, recoveryCodesLeft: t?.recovery?.length ?? 0 } };
}

export interface CoordinatorRow {
  id: string;
  name: string;
  email: string;
  scopeUnit: string | null;
  twoFactor: boolean;
  lastLoginAt: Date | null;
  self: boolean;
}

export class PersonalData {
  constructor(private readonly d: PersonalDataDeps) {}

  /** Everything about the actor, as a ZIP: JSON per kind of record, and the documents they uploaded. */
  async export(ctx: Ctx & { actor: Actor }): Promise<{ zip: Buffer; name: string }> {
    const id = new Types.ObjectId(ctx.actor.id);
    const user = await User.findById(id).lean();
    if (!user) throw new ForbiddenError();
    const profile = await CandidateProfile.findOne({ user: id }).lean();
    const applications = await Application.find({ candidate: id }).lean();
    const placements = await Placement.find({ teacher: id }).lean();
    const checkIns = placements.length
      ? await CheckIn.find({ placement: trusted({ $in: placements.map((p) => p._id) }) }).lean()
      : [];
    const referrals = await Referral.find({ candidate: id }).lean();
    const alerts = await JobAlert.find({ user: id }).lean();
    // Who did what with their data: their own actions and every recorded read or change of their records.
    const subjects = [String(id), ...applications.map((a) => String(a._id)), ...placements.map((p) => String(p._id))];
    const events = await Event.find({ subjectId: trusted({ $in: subjects }) }).lean();
    const { idCipher, idHash: _h, ...profileRest } = (profile ?? {}) as Record<string, unknown>;
    const files: Record<string, Uint8Array> = {
      'README.txt': strToU8(
        'TeachBridge: everything we hold about you, as of this download.\n' +
          'my-account.json, profile.json (with your ID number), applications.json, placements.json, check-ins.json,\n' +
          'referrals.json, job-alerts.json, activity.json (what was done with your records, and by whom),\n' +
          'and documents/ (the files you uploaded).\n',
      ),
      'my-account.json': json(account(user as unknown as Record<string, unknown>)),
      'profile.json': json(
        profile
          ? { ...profileRest, idNumber: typeof idCipher === 'string' ? this.d.cipher.decrypt(idCipher) : null }
          : null,
      ),
      'applications.json': json(applications),
      'placements.json': json(placements),
      'check-ins.json': json(checkIns),
      'referrals.json': json(referrals),
      'job-alerts.json': json(alerts),
      'activity.json': json(events),
    };
    for (const [i, doc] of (profile?.documents ?? []).entries()) {
      const data = doc.id ? await this.d.store.get(doc.id) : null;
      if (data) files[`documents/${i + 1}-${safeName(doc.name ?? 'file')}`] = new Uint8Array(data);
    }
    await this.d.events.record(ctx, 'personal_data.exported', { type: 'User', id: String(id) });
    const day = this.d.clock.now().toISOString().slice(0, 10);
    return { zip: Buffer.from(zipSync(files, { level: 6 })), name: `teachbridge-my-data-${day}.zip` };
  }

  /**
   * Erases a candidate's account. Their sessions end, they cannot sign in, and their personal data is deleted;
   * applications and placements stay as anonymous records for the statistics.
   */
  async erase(ctx: Ctx & { actor: Actor }, password: string): Promise<void> {
    if (ctx.actor.role !== 'candidate') throw new ForbiddenError('personalData.errors.staff');
    const user = await User.findById(ctx.actor.id).lean();
    if (!user) throw new ForbiddenError();
    if (!(await this.d.passwords.verify(user.passwordHash, password)))
      throw new ValidationError({ password: 'account.password.wrongCurrent' });
    await this.anonymise(String(user._id));
    await this.d.events.record(ctx, 'personal_data.erased', { type: 'User', id: String(user._id) });
  }

  /**
   * Storage limitation (the daily job): candidates unused for `retentionMonths` are warned by email; a month after
   * the warning, if they have not signed in since, their account is anonymised as if they had erased it.
   */
  async runRetention(now: Date): Promise<{ warned: number; anonymised: number }> {
    const cutoff = addMonths(now, -this.d.retentionMonths);
    const counts = { warned: 0, anonymised: 0 };
    const candidates = await User.find({ role: 'candidate', erasedAt: null })
      .select({ name: 1, email: 1, locale: 1, lastLoginAt: 1, createdAt: 1, inactivityWarnedAt: 1 })
      .lean();
    for (const u of candidates) {
      const last = u.lastLoginAt ?? u.createdAt;
      if (u.inactivityWarnedAt) {
        if (last < u.inactivityWarnedAt && addMonths(u.inactivityWarnedAt, 1) <= now) {
          await this.anonymise(String(u._id));
          await this.d.events.record({ actor: null }, 'personal_data.anonymised_inactive', {
            type: 'User',
            id: String(u._id),
          });
          counts.anonymised += 1;
        }
      } else if (last < cutoff) {
        await this.d.notify.inactivityWarning(
          { id: String(u._id), email: u.email, name: u.name, locale: u.locale ?? 'zh-CN' },
          now.toISOString().slice(0, 10),
          this.d.retentionMonths,
        );
        await User.updateOne({ _id: u._id, inactivityWarnedAt: null }, { $set: { inactivityWarnedAt: now } });
        counts.warned += 1;
      }
    }
    if (counts.warned) this.d.outbox.nudge();
    return counts;
  }

  /** The erasure itself (also used by the retention job for long-inactive accounts). */
  async anonymise(userId: string): Promise<void> {
    const id = new Types.ObjectId(userId);
    const user = await User.findById(id).lean();
    if (!user) return;
    const profile = await CandidateProfile.findOne({ user: id }).lean();
    const applications = await Application.find({ candidate: id }).select({ _id: 1, documents: 1 }).lean();
    const appIds = applications.map((a) => a._id);
    // Documents: the files go, whether kept in the profile or shared with an application.
    const files = new Set([
      ...(profile?.documents ?? []).map((d) => d.id).filter((x): x is string => Boolean(x)),
      ...applications.flatMap((a) => a.documents ?? []),
    ]);
    for (const file of files) await this.d.store.remove(file);
    await CandidateProfile.deleteOne({ user: id });
    for (const app of await Application.find({ candidate: id }).lean()) {
      await Application.updateOne(
        { _id: app._id },
        {
          $set: {
            statement: '',
            rejectMessage: '',
            documents: [],
            documentMeta: [],
            snapshot: {},
            'returned.message': '',
            'interview.place': '',
            'interview.panel': '',
            // The stage history stays (dates and stages are statistics); its free-text notes go.
            history: (app.history ?? []).map((h) => ({ ...h, note: '' })),
          },
        },
      );
    }
    if (appIds.length) await ApplicationNote.deleteMany({ application: trusted({ $in: appIds }) });
    const placements = await Placement.find({ teacher: id }).select({ _id: 1 }).lean();
    await Placement.updateMany({ teacher: id }, { $set: { teacherName: ERASED_NAME } });
    if (placements.length)
      await CheckIn.updateMany(
        { placement: trusted({ $in: placements.map((p) => p._id) }) },
        { $set: { 'answer.text': '', 'answer.mentoring': '' } },
      );
    for (const r of await Referral.find({ candidate: id }).lean()) {
      await Referral.updateOne(
        { _id: r._id },
        {
          $set: {
            name: ERASED_NAME,
            email: `erased-${String(r._id)}@erased.invalid`,
            phone: '',
            major: '',
            certificates: '',
            note: '',
            consent: 'none',
          },
        },
      );
    }
    await JobAlert.deleteMany({ user: id });
    await this.closeAccount(user);
  }

  /**
   * A colleague's account closed by another active member of their organisation (people leave schools): the person
   * can no longer sign in, every session of theirs ends, and their name and email are erased; what they did stays in
   * the records under "已注销用户". The last active member cannot be closed: someone has to run the organisation.
   */
  async closeColleague(ctx: Ctx & { actor: Actor }, colleagueId: string): Promise<void> {
    const actor = ctx.actor;
    if (actor.role !== 'staff' || actor.membership !== 'active' || !actor.organisationId) throw new ForbiddenError();
    if (!actor.emailVerified) throw new ForbiddenError('auth.verifyFirst');
    const colleague = Types.ObjectId.isValid(colleagueId) ? await User.findById(colleagueId).lean() : null;
    // Someone of another organisation is "not found", never "forbidden": nothing leaks across tenants.
    if (!colleague || colleague.erasedAt || String(colleague.organisation) !== actor.organisationId)
      throw new NotFoundError();
    if (colleague.membership === 'active') {
      const active = await User.countDocuments({ organisation: colleague.organisation, membership: 'active' });
      if (active <= 1) throw new ValidationError({ close: 'organisations.members.lastOne' });
    }
    await ApplicationNote.updateMany({ author: colleague._id }, { $set: { authorName: ERASED_NAME } });
    await this.closeAccount(colleague, { membership: null });
    await this.d.events.record(ctx, 'organisation.member_closed', { type: 'User', id: String(colleague._id) });
  }

  /**
   * The regional office's coordinators, for the regional coordinators who manage them: who they are, their scope,
   * whether their authenticator is set up and when they last signed in.
   */
  async coordinators(actor: Actor): Promise<CoordinatorRow[]> {
    if (actor.role !== 'coordinator' || actor.scopeUnit) throw new ForbiddenError('coordinators.regionalOnly');
    const found = await User.find({ role: 'coordinator', erasedAt: null })
      .select({ name: 1, email: 1, scopeUnit: 1, lastLoginAt: 1, 'totp.enabledAt': 1 })
      .sort({ scopeUnit: 1, name: 1 })
      .lean();
    return found.map((u) => ({
      id: String(u._id),
      name: u.name,
      email: u.email,
      scopeUnit: u.scopeUnit ?? null,
      twoFactor: Boolean(u.totp?.enabledAt),
      lastLoginAt: u.lastLoginAt ?? null,
      self: String(u._id) === actor.id,
    }));
  }

  /**
   * A regional coordinator closes another coordinator's account (they moved on): as for staff, irreversible; their
   * reviews and decisions stay, under "erased user". Nobody closes their own this way, so the office always keeps
   * the regional coordinator who did it.
   */
  async closeCoordinator(ctx: Ctx & { actor: Actor }, coordinatorId: string): Promise<void> {
    const actor = ctx.actor;
    if (actor.role !== 'coordinator' || actor.scopeUnit) throw new ForbiddenError('coordinators.regionalOnly');
    if (coordinatorId === actor.id) throw new ValidationError({ close: 'coordinators.notSelf' });
    const target = Types.ObjectId.isValid(coordinatorId) ? await User.findById(coordinatorId).lean() : null;
    if (!target || target.erasedAt || target.role !== 'coordinator') throw new NotFoundError();
    await ApplicationNote.updateMany({ author: target._id }, { $set: { authorName: ERASED_NAME } });
    await this.closeAccount(target);
    await this.d.events.record(
      ctx,
      'user.coordinator_closed',
      { type: 'User', id: String(target._id) },
      {
        scopeUnit: target.scopeUnit ?? 'regional',
      },
    );
  }

  /** The account itself: no way in, no session, no pending mail, no name or address. */
  private async closeAccount(
    user: { _id: Types.ObjectId; email: string; sessionVersion?: number | null },
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await Token.deleteMany({ user: user._id });
    // Mail not yet sent to them is not sent at all.
    await OutboxMessage.deleteMany({ to: user.email, status: 'pending' });
    await User.updateOne(
      { _id: user._id },
      {
        $set: {
          name: ERASED_NAME,
          email: `erased-${String(user._id)}@erased.invalid`,
          passwordHash: `erased:${crypto.randomBytes(16).toString('hex')}`,
          emailVerifiedAt: null,
          consents: [],
          totp: { secret: null, pendingSecret: null, enabledAt: null, recovery: [] },
          erasedAt: this.d.clock.now(),
          sessionVersion: (user.sessionVersion ?? 0) + 1,
          ...extra,
        },
      },
    );
  }
}

function json(value: unknown): Uint8Array {
  return strToU8(JSON.stringify(value, null, 2));
}

function safeName(name: string): string {
  const cleaned = [...name].map((c) => (c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  return cleaned.slice(0, 100) || 'file';
}
