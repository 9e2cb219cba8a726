// An award of an incentive programme to one teacher's placement, and the places and payments behind it. A place is
// claimed by inserting `AwardPlace` `<programme>:<n>` for the first free n below the programme's cap (the fewer of
// its places and what its budget covers), so two placements starting at once can never take more than the budget;
// a payment is recorded by inserting `AwardPayment` `<award>:<period>`, so a period is marked paid once.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { INCENTIVE_KINDS, INCENTIVE_PERIODS } from './IncentiveProgramme';

/**
 * reserved: the placement was created and holds a place; the teacher has not accepted the terms yet.
 * active: accepted; payments fall due as check-ins confirm the teacher in post.
 * ended: the teacher left early (or transferred) after starting: nothing more falls due.
 * released: the placement ended before it started: the place went back to the programme.
 */
export const AWARD_STATES = ['reserved', 'active', 'ended', 'released'] as const;
export type AwardState = (typeof AWARD_STATES)[number];

const awardSchema = new Schema(
  {
    programme: { type: Schema.Types.ObjectId, ref: 'IncentiveProgramme', required: true },
    sponsor: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    placement: { type: Schema.Types.ObjectId, ref: 'Placement', required: true },
    teacher: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    placeNo: { type: Number, required: true },
    status: { type: String, enum: AWARD_STATES, default: 'reserved' },
    /** The programme's terms when the place was reserved (a programme cannot change once approved, but stay safe). */
    name: { type: String, default: '' },
    kind: { type: String, enum: INCENTIVE_KINDS, required: true },
    amount: { type: Number, required: true },
    period: { type: String, enum: INCENTIVE_PERIODS, required: true },
    periods: { type: Number, required: true },
    reservedAt: { type: Date, required: true },
    acceptedAt: { type: Date, default: null },
    /** The teacher's consent to show their name to the sponsor (otherwise the sponsor sees counts and numbers). */
    shareName: { type: Boolean, default: false },
    endedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
awardSchema.index({ programme: 1, placement: 1 }, { unique: true });
awardSchema.index({ placement: 1 });
awardSchema.index({ teacher: 1 });
awardSchema.index({ sponsor: 1, programme: 1 });
// The coordinators' with/without line reads the awards still holding a place.
awardSchema.index({ status: 1, placement: 1 });

export type AwardDoc = InferSchemaType<typeof awardSchema> & { _id: Types.ObjectId };
export const Award = model('Award', awardSchema);

const placeSchema = new Schema(
  { _id: { type: String, required: true }, programme: { type: Schema.Types.ObjectId, required: true }, at: Date },
  { versionKey: false },
);
placeSchema.index({ programme: 1 });
export const AwardPlace = model('AwardPlace', placeSchema);

const paymentSchema = new Schema(
  {
    _id: { type: String, required: true },
    award: { type: Schema.Types.ObjectId, ref: 'Award', required: true },
    period: { type: Number, required: true },
    amount: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { versionKey: false },
);
paymentSchema.index({ award: 1, period: 1 });
export const AwardPayment = model('AwardPayment', paymentSchema);
