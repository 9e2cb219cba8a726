// Who is asking: every service call that reads another's data or changes state takes one.
import type { Types } from 'mongoose';
import type { Locale } from '../i18n';
import type { Role } from '../../models/User';
import { hasConsent } from './privacy';

export interface Actor {
  id: string;
  name: string;
  email: string;
  role: Role;
  locale: Locale;
  emailVerified: boolean;
  organisationId: string | null;
  membership: 'active' | 'pending' | 'rejected' | null;
  scopeUnit: string | null;
  /** Staff of a partner (a university, or a Beijing/Tianjin school): may refer graduates. */
  partner?: boolean;
  /** Staff of a sponsor: manage incentive programmes (and post nothing). */
  sponsor?: boolean;
  /** Staff of a Beijing/Tianjin school: may register mentors. */
  bjtjSchool?: boolean;
  /** Signs in with a second factor (required for coordinators before anything else). */
  twoFactor?: boolean;
  /** Has accepted the current privacy notice. */
  privacyAccepted?: boolean;
}

export interface Ctx {
  actor: Actor | null;
  requestId?: string;
}

export interface UserLike {
  _id: Types.ObjectId;
  name: string;
  email: string;
  role: Role;
  locale?: string | null;
  emailVerifiedAt?: Date | null;
  organisation?: Types.ObjectId | null;
  membership?: string | null;
  scopeUnit?: string | null;
  totp?: { enabledAt?: Date | null } | null;
  consents?: { kind?: string | null; version?: string | null }[] | null;
}

export function toActor(user: UserLike): Actor {
  return {
    id: String(user._id),
    name: user.name,
    email: user.email,
    role: user.role,
    locale: user.locale === 'en' ? 'en' : 'zh-CN',
    emailVerified: Boolean(user.emailVerifiedAt),
    organisationId: user.organisation ? String(user.organisation) : null,
    membership: (user.membership as Actor['membership']) ?? null,
    scopeUnit: user.scopeUnit ?? null,
    twoFactor: Boolean(user.totp?.enabledAt),
    privacyAccepted: hasConsent(user.consents ?? [], 'privacy'),
  };
}
