// Retention check-ins of a placement: one document per scheduled date, its id `<placement>:<yyyy-mm-dd>` so that it
// is created (and its email sent) exactly once, whatever restarts or instances there are.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const CHECKIN_STATES = ['sent', 'answered', 'missed'] as const;

const checkInSchema = new Schema(
  {
    _id: { type: String, required: true },
    placement: { type: Schema.Types.ObjectId, ref: 'Placement', required: true },
    postedBy: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: CHECKIN_STATES, default: 'sent' },
    sentAt: { type: Date, required: true },
    remindedAt: { type: Date, default: null },
    answeredAt: { type: Date, default: null },
    answer: {
      inPost: { type: Boolean, default: null },
      workload: { type: Number, default: null },
      support: { type: Number, default: null },
      housing: { type: Number, default: null },
      intention: { type: Number, default: null },
      text: { type: String, default: '' },
      /** The teacher's word on the mentoring (asked when a mentor is assigned). */
      mentoring: { type: String, default: '' },
    },
    /** The mentor's feedback on this check-in, given through the mentor's signed link. */
    mentorFeedback: { type: String, default: '' },
    mentorFeedbackAt: { type: Date, default: null },
  },
  { versionKey: false },
);
checkInSchema.index({ placement: 1, dueAt: 1 });
checkInSchema.index({ status: 1, sentAt: 1 });

export type CheckInDoc = InferSchemaType<typeof checkInSchema>;
export const CheckIn = model('CheckIn', checkInSchema);
