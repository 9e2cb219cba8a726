import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ROLES = ['candidate', 'staff', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Staff membership of their organisation: join requests wait for a colleague or a coordinator. */
export const MEMBERSHIP_STATES = ['active', 'pending', 'rejected'] as const;
/** How a staff member hears of new applications to their organisation's posts: each one, a daily digest, or not. */
export const APPLICATION_MAIL = ['each', 'daily', 'none'] as const;

const userSchema = new Schema(
  {
    email: { type: String, required: true, trim: true, lowercase: true },
    name: { type: String, required: true, trim: true },
    // Hidden from templates by the view mappers, not by `select: false` (FerretDB rejects findOneAnd* projections).
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    locale: { type: String, enum: LOCALES, default: 'zh-CN' },
    emailVerifiedAt: { type: Date, default: null },
    organisation: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    membership: { type: String, enum: MEMBERSHIP_STATES, default: null },
    /** Coordinator scope: a Hebei unit code, or null for the whole region. */
    scopeUnit: { type: String, default: null },
    /** Staff only (see APPLICATION_MAIL); a school hears of its first applicant at once unless someone chooses less. */
    applicationMail: { type: String, enum: APPLICATION_MAIL, default: 'each' },
    lastLoginAt: { type: Date, default: null },
    /** Bumped when the password changes: sessions signed in with an older version end. */
    sessionVersion: { type: Number, default: 0 },
    /** Set when the person erased their account (or it was anonymised after long inactivity): nothing personal is left. */
    erasedAt: { type: Date, default: null },
    /** When the inactivity warning went out (the account is anonymised if still unused a month later). */
    inactivityWarnedAt: { type: Date, default: null },
    /** Consents to the privacy notice and to processing sensitive information, each with the notice's version. */
    consents: {
      type: [{ kind: String, version: String, at: Date, _id: false }],
      default: [],
    },
    /** Two-factor sign-in (TOTP, RFC 6238). Secrets are encrypted with the data key; recovery codes are hashed. */
    totp: {
      secret: { type: String, default: null },
      pendingSecret: { type: String, default: null },
      enabledAt: { type: Date, default: null },
      recovery: { type: [String], default: [] },
    },
  },
  { timestamps: true, optimisticConcurrency: true },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ organisation: 1, membership: 1 });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const User = model('User', userSchema);
