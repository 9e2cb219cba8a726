// A hire followed past the contract: onboarding, service commitment, status, and (with mentoring and check-ins)
// retention. One per signed application, created exactly once (unique index on `application`).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const PLACEMENT_STATES = [
  'onboarding',
  'active',
  'suspended',
  'completed',
  'left_early',
  'transferred',
] as const;
export const LEAVE_REASONS = ['pay', 'family', 'distance', 'workload', 'housing', 'further_study', 'other'] as const;

const placementSchema = new Schema(
  {
    application: { type: Schema.Types.ObjectId, ref: 'Application', required: true },
    teacher: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    teacherName: { type: String, default: '' },
    school: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    schoolName: { type: String, default: '' },
    /** The organisation whose staff manage the placement (as for the vacancy). */
    postedBy: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    vacancy: { type: Schema.Types.ObjectId, ref: 'Vacancy', required: true },
    title: { type: String, default: '' },
    unitCode: { type: String, required: true },
    countyCode: { type: String, required: true },
    postType: { type: String, required: true },
    sourcePartner: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    startDate: { type: Date, required: true },
    /** Service commitment in whole years (0: none), from the post type unless staff changed it with a reason. */
    commitmentYears: { type: Number, default: 0 },
    commitmentReason: { type: String, default: '' },
    status: { type: String, enum: PLACEMENT_STATES, default: 'onboarding' },
    suspensions: { type: [{ from: Date, to: { type: Date, default: null }, reason: String, _id: false }], default: [] },
    leftAt: { type: Date, default: null },
    leaveReason: { type: String, enum: [...LEAVE_REASONS, null], default: null },
    convertedToEstablished: { type: Boolean, default: false },
    /** Raised by a check-in answer (not in post, or intention to stay of 2 or less) for the school and coordinator. */
    flagged: { type: Boolean, default: false },
    mentor: { type: Schema.Types.ObjectId, ref: 'Mentor', default: null },
    mentorName: { type: String, default: '' },
    flaggedAt: { type: Date, default: null },
    /**
     * When the placement was created, until its sponsored places are reserved: the sweeper finishes a reservation a
     * crash cut short, with the programmes offered at that time.
     */
    awardsPendingSince: { type: Date, default: null },
    checklist: {
      type: [
        {
          key: String,
          /** A school's own item (from its template) has a label; the default items are translated by key. */
          label: { type: String, default: '' },
          dueAt: Date,
          doneAt: { type: Date, default: null },
          doneBy: { type: String, default: '' },
          _id: false,
        },
      ],
      default: [],
    },
  },
  { timestamps: true },
);
placementSchema.index({ application: 1 }, { unique: true });
placementSchema.index({ postedBy: 1, status: 1 });
placementSchema.index({ teacher: 1 });
placementSchema.index({ unitCode: 1, status: 1, startDate: 1 });
placementSchema.index({ sourcePartner: 1, startDate: -1 });
placementSchema.index({ startDate: 1 });
placementSchema.index({ awardsPendingSince: 1 });

export type PlacementDoc = InferSchemaType<typeof placementSchema> & { _id: Types.ObjectId };
export const Placement = model('Placement', placementSchema);
