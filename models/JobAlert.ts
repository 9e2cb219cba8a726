// A candidate's saved search, sent as a digest of newly opened vacancies.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ALERT_FREQUENCIES = ['daily', 'weekly'] as const;

const jobAlertSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The job board's query string, canonical (sorted keys, no page). */
    query: { type: String, default: '' },
    frequency: { type: String, enum: ALERT_FREQUENCIES, default: 'daily' },
    active: { type: Boolean, default: true },
    /** Vacancies opened after this instant go into the next digest (the app's clock). */
    lastDigestAt: { type: Date, required: true },
  },
  { timestamps: true },
);
jobAlertSchema.index({ active: 1, lastDigestAt: 1 });
jobAlertSchema.index({ user: 1 });

export type JobAlertDoc = InferSchemaType<typeof jobAlertSchema> & { _id: Types.ObjectId };
export const JobAlert = model('JobAlert', jobAlertSchema);
