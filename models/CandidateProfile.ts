// A candidate's one profile, which pre-fills every application. The ID number is stored encrypted (idCipher) with
// a keyed hash (idHash) that finds duplicates without decrypting; see server/crypto.ts.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { EDUCATION_LEVELS, MANDARIN_LEVELS } from './Posting';

export const DOCUMENT_KINDS = ['cv', 'certificate', 'photo'] as const;

const profileSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    legalName: { type: String, default: '' },
    idCipher: { type: String, default: '' },
    /** HMAC of the ID number; `none:<user>` until one is given, so the unique index holds on both engines. */
    idHash: { type: String, required: true },
    gender: { type: String, enum: ['', 'male', 'female'], default: '' },
    birthDate: { type: Date, default: null },
    phone: { type: String, default: '' },
    education: {
      type: [
        {
          institution: String,
          level: { type: String, enum: EDUCATION_LEVELS },
          major: String,
          graduationDate: Date,
          fullTime: Boolean,
          normalUniversity: Boolean,
          _id: false,
        },
      ],
      default: [],
    },
    certificates: {
      type: [
        { type: { type: String }, subject: String, number: String, pending: Boolean, expectedDate: Date, _id: false },
      ],
      default: [],
    },
    mandarinLevel: { type: String, enum: ['', ...MANDARIN_LEVELS], default: '' },
    stages: { type: [String], default: [] },
    subjects: { type: [String], default: [] },
    preferredUnits: { type: [String], default: [] },
    availableFrom: { type: Date, default: null },
    documents: {
      type: [
        {
          id: { type: String, required: true },
          kind: { type: String, enum: DOCUMENT_KINDS, required: true },
          name: String,
          mime: String,
          size: Number,
          uploadedAt: Date,
          _id: false,
        },
      ],
      default: [],
    },
  },
  { timestamps: true, optimisticConcurrency: true },
);
profileSchema.index({ user: 1 }, { unique: true });
profileSchema.index({ idHash: 1 }, { unique: true });

export type ProfileDoc = InferSchemaType<typeof profileSchema> & { _id: Types.ObjectId };
export const CandidateProfile = model('CandidateProfile', profileSchema);
