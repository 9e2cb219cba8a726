// An incentive programme of a sponsor (a foundation, an enterprise, an alumni association): money for teachers who
// take hard-to-fill Hebei posts, paid per period while they stay. A coordinator approves it before candidates see it.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { touchesCatalogue } from './CatalogueStamp';

export const INCENTIVE_KINDS = ['housing_subsidy', 'stipend_topup', 'relocation_grant', 'training_fund'] as const;
export type IncentiveKind = (typeof INCENTIVE_KINDS)[number];
/** How often the amount is due: each month, each year, or once (a grant). */
export const INCENTIVE_PERIODS = ['month', 'year', 'once'] as const;
export type IncentivePeriod = (typeof INCENTIVE_PERIODS)[number];
export const PROGRAMME_STATES = ['draft', 'submitted', 'approved', 'returned', 'closed'] as const;
export type ProgrammeState = (typeof PROGRAMME_STATES)[number];

const programmeSchema = new Schema(
  {
    sponsor: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    sponsorName: { type: String, default: '' },
    name: { type: String, required: true, trim: true },
    kind: { type: String, enum: INCENTIVE_KINDS, required: true },
    /** Whole yuan per period. */
    amount: { type: Number, required: true, min: 1 },
    period: { type: String, enum: INCENTIVE_PERIODS, required: true },
    /** For how many periods at most (1 for a one-off grant). */
    periods: { type: Number, required: true, min: 1 },
    /** Who qualifies: every list empty means "any". */
    criteria: {
      units: { type: [String], default: [] },
      counties: { type: [String], default: [] },
      ruralOnly: { type: Boolean, default: false },
      stages: { type: [String], default: [] },
      subjects: { type: [String], default: [] },
      postTypes: { type: [String], default: [] },
      shortageOnly: { type: Boolean, default: false },
      /** Only graduates of this partner university (hired through its referral or campus drive). */
      graduatesOf: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    },
    graduatesOfName: { type: String, default: '' },
    places: { type: Number, required: true, min: 1 },
    /** Whole yuan; never less than one award's whole amount. */
    budget: { type: Number, required: true, min: 1 },
    startsOn: { type: Date, required: true },
    endsOn: { type: Date, required: true },
    termsZh: { type: String, default: '' },
    termsEn: { type: String, default: '' },
    status: { type: String, enum: PROGRAMME_STATES, default: 'draft' },
    reviewComment: { type: String, default: '' },
    approvedAt: { type: Date, default: null },
    /** Places taken by awards so far (kept by the awards; read-only for everyone else). */
    placesUsed: { type: Number, default: 0 },
  },
  { timestamps: true, optimisticConcurrency: true },
);
programmeSchema.index({ sponsor: 1, status: 1, updatedAt: -1 });
programmeSchema.index({ status: 1, endsOn: 1 });

export type ProgrammeDoc = InferSchemaType<typeof programmeSchema> & { _id: Types.ObjectId };
// The job board shows approved programmes on matching vacancies: every write marks the catalogue as changed.
touchesCatalogue(programmeSchema);

export const IncentiveProgramme = model('IncentiveProgramme', programmeSchema);
