import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { touchesCatalogue } from './CatalogueStamp';

export const ORG_KINDS = ['school', 'university', 'bureau', 'office', 'sponsor'] as const;
/** What kind of social force a sponsor is. */
export const SPONSOR_TYPES = ['foundation', 'enterprise', 'alumni', 'other'] as const;
export type SponsorType = (typeof SPONSOR_TYPES)[number];
export type OrgKind = (typeof ORG_KINDS)[number];
export const PROVINCES = ['beijing', 'tianjin', 'hebei'] as const;
export type Province = (typeof PROVINCES)[number];
export const VERIFICATION_STATES = ['pending', 'verified', 'rejected'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];
/** School communities an organisation can belong to (keys of the catalogue's `alliances.*`). */
export const ALLIANCES = ['twl'] as const;
export type Alliance = (typeof ALLIANCES)[number];

const organisationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    kind: { type: String, enum: ORG_KINDS, required: true },
    /** For sponsors: a foundation, an enterprise, an alumni association or another social force. */
    sponsorType: { type: String, enum: [...SPONSOR_TYPES, null], default: null },
    province: { type: String, enum: PROVINCES, required: true },
    /** Hebei operational unit code (e.g. 1310 Langfang); for Beijing/Tianjin the province code 11 or 12. */
    unitCode: { type: String, required: true },
    /** County (Hebei) or district (Beijing/Tianjin) division code from the reference data. */
    countyCode: { type: String, required: true },
    address: { type: String, default: '' },
    contactName: { type: String, default: '' },
    contactPhone: { type: String, default: '' },
    contactEmail: { type: String, default: '' },
    /** Parent Beijing/Tianjin school for a Hebei branch school. */
    parent: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    /** 对口帮扶: the schools this one is paired with (kept symmetric by the service). */
    pairedWith: { type: [Schema.Types.ObjectId], ref: 'Organisation', default: [] },
    alliances: { type: [String], enum: ALLIANCES, default: [] },
    /** The school's onboarding checklist for new placements; empty means the default list. */
    checklistTemplate: {
      type: [{ key: String, label: { type: String, default: '' }, days: Number, _id: false }],
      default: [],
    },
    verification: {
      state: { type: String, enum: VERIFICATION_STATES, default: 'pending' },
      reason: { type: String, default: '' },
      decidedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
      decidedAt: { type: Date, default: null },
    },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true, optimisticConcurrency: true },
);

organisationSchema.index({ 'verification.state': 1, unitCode: 1, createdAt: 1 });
organisationSchema.index({ province: 1, kind: 1, name: 1 });

export type OrganisationDoc = InferSchemaType<typeof organisationSchema> & { _id: Types.ObjectId };
// Public pages are built from these: every write marks the catalogue as changed.
touchesCatalogue(organisationSchema);

export const Organisation = model('Organisation', organisationSchema);
