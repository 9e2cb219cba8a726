import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { PHASES, POSTING_STATES, PROGRAMMES } from './Posting';
import { touchesCatalogue } from './CatalogueStamp';

const announcementSchema = new Schema(
  {
    issuer: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    issuerName: { type: String, default: '' },
    /** The unit whose coordinators review it: the issuer's (11/12 for Beijing/Tianjin issuers). */
    unitCode: { type: String, required: true },
    programme: { type: String, enum: PROGRAMMES, required: true },
    title: { type: String, required: true, trim: true },
    body: { type: String, default: '' },
    phases: {
      type: [{ kind: { type: String, enum: PHASES, required: true }, start: Date, end: Date, _id: false }],
      default: [],
    },
    venue: { type: String, default: '' },
    status: { type: String, enum: POSTING_STATES, default: 'draft' },
    reviewComment: { type: String, default: '' },
    openedAt: { type: Date, default: null },
  },
  { timestamps: true, optimisticConcurrency: true },
);
announcementSchema.index({ status: 1, openedAt: -1 });
announcementSchema.index({ issuer: 1, status: 1 });

export type AnnouncementDoc = InferSchemaType<typeof announcementSchema> & { _id: Types.ObjectId };
// Public pages are built from these: every write marks the catalogue as changed.
touchesCatalogue(announcementSchema);

export const Announcement = model('Announcement', announcementSchema);
