// Emails to send. Services write intent here; the mail worker renders and delivers (server/mail/worker.ts).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'dead', 'void'] as const;

const outboxSchema = new Schema(
  {
    /** One logical email = one key, e.g. `verify-email:<tokenId>`; a retried request cannot enqueue it twice. */
    dedupeKey: { type: String, required: true },
    template: { type: String, required: true },
    locale: { type: String, required: true },
    to: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    headers: { type: Schema.Types.Mixed, default: {} },
    /** Small generated attachments, e.g. a calendar invitation: [{ filename, content, contentType }]. */
    attachments: { type: Schema.Types.Mixed, default: [] },
    /**
     * The state change this email announces. The message is written before that change; the worker sends only
     * once the change is visible (`subjectModel` document `subjectId` has `guardPath` equal to `guardValue`),
     * and voids the message if it never becomes visible.
     */
    subjectModel: { type: String, default: null },
    subjectId: { type: String, default: null },
    guardPath: { type: String, default: null },
    guardValue: { type: Schema.Types.Mixed, default: null },
    guardAtLeast: { type: Boolean, default: false },
    /** When the intent was written, by the app's clock (the guard's grace period counts from here). */
    enqueuedAt: { type: Date, required: true },
    status: { type: String, enum: OUTBOX_STATES, default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    lastError: { type: String, default: '' },
    sentAt: { type: Date, default: null },
    smtpResponse: { type: String, default: '' },
  },
  { timestamps: true },
);
outboxSchema.index({ dedupeKey: 1 }, { unique: true });
outboxSchema.index({ status: 1, nextAttemptAt: 1 });

const claimSchema = new Schema(
  {
    /** `<messageId>#<attempt>` or `<messageId>#sent`: only one instance can insert each. */
    _id: { type: String, required: true },
    by: { type: String, required: true },
    leaseUntil: { type: Date, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type OutboxDoc = InferSchemaType<typeof outboxSchema> & { _id: Types.ObjectId };
export const OutboxMessage = model('OutboxMessage', outboxSchema);
export const OutboxClaim = model('OutboxClaim', claimSchema);
