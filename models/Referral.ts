// A partner's nomination of a graduate, from invitation to (with issue 6) a teacher still in post.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** What the graduate lets the partner see: nothing beyond registration, stage-level status, or also schools. */
export const CONSENT_LEVELS = ['none', 'status', 'details'] as const;

const referralSchema = new Schema(
  {
    partner: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    partnerName: { type: String, default: '' },
    referredBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true },
    email: { type: String, required: true, lowercase: true, trim: true },
    phone: { type: String, default: '' },
    major: { type: String, default: '' },
    graduationYear: { type: Number, required: true },
    degree: { type: String, default: 'bachelor' },
    certificates: { type: String, default: '' },
    subjects: { type: [String], default: [] },
    stages: { type: [String], default: [] },
    preferredUnits: { type: [String], default: [] },
    note: { type: String, default: '' },
    /** Set when the graduate signed up at a partner's campus drive (QR code) rather than by invitation. */
    drive: { type: Schema.Types.ObjectId, ref: 'Announcement', default: null },
    /** The current invitation (hash of its secret); resending replaces it, revoking clears it. */
    tokenId: { type: String, default: null },
    invitedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    declinedAt: { type: Date, default: null },
    candidate: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    claimedAt: { type: Date, default: null },
    consent: { type: String, enum: CONSENT_LEVELS, default: 'status' },
    consentAt: { type: Date, default: null },
    recommendations: {
      type: [
        {
          vacancy: Schema.Types.ObjectId,
          title: String,
          at: Date,
          application: { type: Schema.Types.ObjectId, default: null },
          _id: false,
        },
      ],
      default: [],
    },
  },
  { timestamps: true },
);
// Same graduate = same email within a partner: re-importing never creates (or invites) twice.
referralSchema.index({ partner: 1, email: 1 }, { unique: true });
referralSchema.index({ candidate: 1 });
referralSchema.index({ partner: 1, graduationYear: 1 });
referralSchema.index({ drive: 1 });

export type ReferralDoc = InferSchemaType<typeof referralSchema> & { _id: Types.ObjectId };
export const Referral = model('Referral', referralSchema);
