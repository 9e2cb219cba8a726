// Single-use secrets sent by email (email verification, password reset, colleague invitation).
// Only a SHA-256 of the secret is stored; use is claimed by a unique insert into TokenUse, atomic on both engines.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const TOKEN_PURPOSES = ['verify_email', 'password_reset', 'invitation', 'referral'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

const tokenSchema = new Schema(
  {
    _id: { type: String, required: true }, // sha256(secret), hex: lookups by _id are the fast path on FerretDB
    purpose: { type: String, enum: TOKEN_PURPOSES, required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    email: { type: String, required: true },
    organisation: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    invitedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);
tokenSchema.index({ expiresAt: 1 });
tokenSchema.index({ user: 1, purpose: 1 });

const tokenUseSchema = new Schema(
  {
    _id: { type: String, required: true }, // the token's _id: a second use is a duplicate key
    usedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type TokenDoc = InferSchemaType<typeof tokenSchema>;
export const Token = model('Token', tokenSchema);
export const TokenUse = model('TokenUse', tokenUseSchema);
