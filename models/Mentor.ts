// Mentors: teachers of Beijing/Tianjin schools, registered by their school's staff, who accompany new Hebei teachers.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const mentorSchema = new Schema(
  {
    organisation: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    organisationName: { type: String, default: '' },
    name: { type: String, required: true, trim: true },
    email: { type: String, required: true, trim: true, lowercase: true },
    subject: { type: String, required: true },
    stage: { type: String, required: true },
    /** How many mentees at once; enforced by the slot claims in MentorSlot. */
    capacity: { type: Number, required: true, min: 1, max: 10 },
    active: { type: Boolean, default: true },
    /** Part of the signed link's text: raising it withdraws every link sent so far (server/services/mentors.ts). */
    linkVersion: { type: Number, default: 0 },
  },
  { timestamps: true },
);
mentorSchema.index({ organisation: 1, email: 1 }, { unique: true });
mentorSchema.index({ active: 1, subject: 1 });

export type MentorDoc = InferSchemaType<typeof mentorSchema> & { _id: Types.ObjectId };
export const Mentor = model('Mentor', mentorSchema);

/**
 * One claimed mentee place: `_id` is `<mentor>:<n>` with n below the capacity, so two concurrent assignments can never
 * both take the last place (a unique insert, correct without transactions on either engine).
 */
const slotSchema = new Schema(
  {
    _id: { type: String, required: true },
    mentor: { type: Schema.Types.ObjectId, ref: 'Mentor', required: true },
    placement: { type: Schema.Types.ObjectId, ref: 'Placement', required: true },
  },
  { versionKey: false },
);
slotSchema.index({ mentor: 1 });
slotSchema.index({ placement: 1 });
export const MentorSlot = model('MentorSlot', slotSchema);

export const ACTIVITY_KINDS = ['online_prep', 'observed_lesson', 'visit_bjtj', 'visit_hebei'] as const;

const activitySchema = new Schema(
  {
    placement: { type: Schema.Types.ObjectId, ref: 'Placement', required: true },
    mentor: { type: Schema.Types.ObjectId, ref: 'Mentor', required: true },
    /** Who logged it: the mentor or the teacher (mentee). */
    side: { type: String, enum: ['mentor', 'teacher'], required: true },
    kind: { type: String, enum: ACTIVITY_KINDS, required: true },
    date: { type: Date, required: true },
    minutes: { type: Number, required: true, min: 1, max: 1440 },
    note: { type: String, default: '' },
  },
  { timestamps: true },
);
activitySchema.index({ placement: 1, date: -1 });
export type MentorActivityDoc = InferSchemaType<typeof activitySchema> & { _id: Types.ObjectId };
export const MentorActivity = model('MentorActivity', activitySchema);
