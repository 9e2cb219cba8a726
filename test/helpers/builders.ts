// Test data, each with a unique suffix so tests never depend on each other's records.
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Passwords } from '../../server/auth/passwords';
import { findPlace } from '../../server/services/regions';
import { Announcement } from '../../models/Announcement';
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { Organisation, type OrgKind } from '../../models/Organisation';
import { User, type Role } from '../../models/User';
import * as OTPAuth from 'otpauth';
import { FieldCipher } from '../../server/crypto';
import { consentRecord } from '../../server/services/privacy';
import { TEST_DATA_KEY, TEST_PASSWORD } from './app';

const passwords = new Passwords({ memoryCost: 1024, timeCost: 1 });
let hashed: Promise<string> | undefined;

export const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

export async function makeOrg(
  fields: { kind?: OrgKind; county?: string; state?: 'pending' | 'verified' | 'rejected'; name?: string } = {},
) {
  const place = findPlace(fields.county ?? '130722')!;
  return Organisation.create({
    name: fields.name ?? unique('测试学校'),
    kind: fields.kind ?? 'school',
    province: place.province,
    unitCode: place.unitCode,
    countyCode: place.countyCode,
    contactEmail: `${unique('org')}@test.cn`,
    verification: { state: fields.state ?? 'verified' },
  });
}

export async function makeUser(
  fields: {
    role?: Role;
    org?: Types.ObjectId | null;
    membership?: 'active' | 'pending' | null;
    verified?: boolean;
    scopeUnit?: string | null;
    locale?: 'zh-CN' | 'en';
    name?: string;
    email?: string;
    /** False: the user has not accepted the current privacy notice yet. */
    consents?: false;
    /** Coordinators have two-step verification on unless this is false (they must, to do anything). */
    twoFactor?: boolean;
  } = {},
) {
  hashed ??= passwords.hash(TEST_PASSWORD);
  const role = fields.role ?? 'candidate';
  return User.create({
    email: fields.email ?? `${unique(role)}@test.cn`,
    name: fields.name ?? unique('用户'),
    passwordHash: await hashed,
    role,
    locale: fields.locale ?? 'zh-CN',
    emailVerifiedAt: fields.verified === false ? null : new Date(),
    organisation: fields.org ?? null,
    membership: fields.org ? (fields.membership ?? 'active') : null,
    scopeUnit: fields.scopeUnit ?? null,
    totp: (fields.twoFactor ?? role === 'coordinator') ? enrolled() : undefined,
    // As a sign-up leaves them: the current privacy notice accepted (and, for tests that enter an ID number, the
    // separate consent to it) unless a test says otherwise.
    consents:
      fields.consents === false ? [] : [consentRecord('privacy', new Date()), consentRecord('sensitive', new Date())],
  });
}

/** Two-step verification as enrolment leaves it: a secret (encrypted with the test data key) and no codes used. */
function enrolled() {
  return {
    secret: new FieldCipher(TEST_DATA_KEY).encrypt(new OTPAuth.Secret({ size: 20 }).base32),
    enabledAt: new Date(),
    recovery: [],
  };
}

/** An open campus drive of a new Beijing university (issuer and drive), as a partner would publish it. */
export async function makeCampusDrive(now: Date) {
  const university = await makeOrg({ kind: 'university', county: '110108' });
  const drive = await Announcement.create({
    issuer: university._id,
    issuerName: university.name,
    unitCode: '11',
    programme: 'campus_drive',
    title: '河北专场招聘会',
    status: 'open',
    openedAt: now,
  });
  return { university, drive };
}

/** An approved sponsor programme: 500 yuan a month for three months to rural English teachers. */
export async function makeApprovedProgramme(
  sponsor: { _id: Types.ObjectId; name: string },
  fields: { places?: number; budget?: number } = {},
) {
  return IncentiveProgramme.create({
    sponsor: sponsor._id,
    sponsorName: sponsor.name,
    name: '乡村英语教师津贴',
    kind: 'stipend_topup',
    amount: 500,
    period: 'month',
    periods: 3,
    criteria: { ruralOnly: true, subjects: ['english'] },
    places: fields.places ?? 5,
    budget: fields.budget ?? 7500,
    startsOn: new Date('2026-08-01T00:00:00+08:00'),
    endsOn: new Date('2027-07-31T00:00:00+08:00'),
    termsZh: '每月 500 元，须经回访确认在岗。',
    termsEn: '500 yuan a month, each confirmed by a check-in.',
    status: 'approved',
  });
}
