// Append-only audit trail: every state change (and, later, every read of protected personal data).
import { Schema, model, type InferSchemaType } from 'mongoose';

const eventSchema = new Schema(
  {
    actor: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    action: { type: String, required: true },
    subjectType: { type: String, required: true },
    subjectId: { type: String, required: true },
    summary: { type: Schema.Types.Mixed, default: {} },
    requestId: { type: String, default: null },
    /**
     * The units (Hebei unit codes; 11/12 for Beijing/Tianjin) the event concerns: the acting staff member's
     * organisation's, and the subject's when it has one. A unit's coordinator reads the events of their unit.
     */
    units: { type: [String], default: [] },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
eventSchema.index({ subjectType: 1, subjectId: 1, at: -1 });
eventSchema.index({ actor: 1, at: -1 });
eventSchema.index({ at: -1 });
eventSchema.index({ units: 1, at: -1 });

export type EventDoc = InferSchemaType<typeof eventSchema>;
export const Event = model('Event', eventSchema);
