// One candidate's application to one vacancy, with its place in the pipeline and an append-only history.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const OUTCOMES = ['rejected', 'withdrawn', 'absent'] as const;
export const REJECT_REASONS = ['qualification', 'documents', 'score', 'medical', 'background', 'other'] as const;

const applicationSchema = new Schema(
  {
    vacancy: { type: Schema.Types.ObjectId, ref: 'Vacancy', required: true },
    candidate: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The organisation that manages the vacancy: the only staff who see this application. */
    postedBy: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    school: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    announcement: { type: Schema.Types.ObjectId, ref: 'Announcement', default: null },
    unitCode: { type: String, required: true },
    source: {
      type: String,
      enum: ['direct', 'referral', 'recommendation', 'campaign', 'reassignment'],
      default: 'direct',
    },
    /** The partner (university or paired school) the application came through; fixed once set. */
    sourcePartner: { type: Schema.Types.ObjectId, ref: 'Organisation', default: null },
    sourcePartnerName: { type: String, default: '' },
    referral: { type: Schema.Types.ObjectId, ref: 'Referral', default: null },
    pipeline: { type: String, required: true },
    stage: { type: String, required: true },
    /** Set when the application leaves the pipeline sideways (null while it is in it). */
    outcome: { type: String, enum: [...OUTCOMES, null], default: null },
    rejectReason: { type: String, enum: [...REJECT_REASONS, null], default: null },
    /** Sent to the candidate with a rejection; internal notes never are. */
    rejectMessage: { type: String, default: '' },
    /** Bumped by every transition; version N+1 is claimed by a unique insert (ApplicationStep). */
    version: { type: Number, default: 0 },
    statement: { type: String, default: '' },
    consentAt: { type: Date, required: true },
    eligibility: { outcome: String, checks: { type: Schema.Types.Mixed, default: [] } },
    /** The documents shared with this application (ids in the file store), and their names and types. */
    documents: { type: [String], default: [] },
    documentMeta: {
      type: [{ id: String, kind: String, name: String, mime: String, size: Number, _id: false }],
      default: [],
    },
    /** The profile as it was when applying (never the ID number). */
    snapshot: { type: Schema.Types.Mixed, default: {} },
    scores: {
      written: { type: Number, default: null },
      interview: { type: Number, default: null },
      total: { type: Number, default: null },
    },
    /**
     * Changes to scores that a ranking (a cut-off applied) or a published notice had already relied on: each with
     * its reason, who made it and when, and the scores before and after. Appended, never edited.
     */
    scoreCorrections: {
      type: [
        {
          at: Date,
          by: { type: Schema.Types.ObjectId, default: null },
          byName: { type: String, default: '' },
          reason: String,
          before: { written: Number, interview: Number, total: Number },
          after: { written: Number, interview: Number, total: Number },
          _id: false,
        },
      ],
      default: [],
    },
    offer: {
      acceptedAt: { type: Date, default: null },
      declinedAt: { type: Date, default: null },
    },
    contractDate: { type: Date, default: null },
    /** Returned to the candidate at qualification review to correct or complete (退回修改), until resubmitted. */
    returned: {
      at: { type: Date, default: null },
      message: { type: String, default: '' },
    },
    /** The interview appointment; `sequence` grows with each reschedule (the calendar invitation's SEQUENCE). */
    interview: {
      at: { type: Date, default: null },
      minutes: { type: Number, default: 30 },
      place: { type: String, default: '' },
      panel: { type: String, default: '' },
      sequence: { type: Number, default: 0 },
      confirmedAt: { type: Date, default: null },
    },
    history: {
      type: [
        {
          at: Date,
          by: { type: Schema.Types.ObjectId, default: null },
          from: String,
          to: String,
          note: String,
          _id: false,
        },
      ],
      default: [],
    },
    submittedAt: { type: Date, required: true },
  },
  { timestamps: true },
);
applicationSchema.index({ vacancy: 1, candidate: 1 }, { unique: true });
applicationSchema.index({ candidate: 1, submittedAt: -1 });
applicationSchema.index({ postedBy: 1, vacancy: 1, stage: 1 });
applicationSchema.index({ announcement: 1, candidate: 1 });
applicationSchema.index({ sourcePartner: 1, referral: 1 });
applicationSchema.index({ referral: 1 });
/** The staff's daily digest: what arrived in a day. */
applicationSchema.index({ submittedAt: 1 });

/** Staff's internal notes on an application: never shown to the candidate, never in emails. */
const noteSchema = new Schema(
  {
    application: { type: Schema.Types.ObjectId, ref: 'Application', required: true },
    author: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    authorName: { type: String, default: '' },
    text: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
noteSchema.index({ application: 1, at: 1 });

/** 公示: the provisional hires of a vacancy, published with masked names for a notice period. */
const noticeSchema = new Schema(
  {
    vacancy: { type: Schema.Types.ObjectId, ref: 'Vacancy', required: true },
    postedBy: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    title: { type: String, required: true },
    schoolName: { type: String, default: '' },
    entries: {
      type: [
        {
          application: Schema.Types.ObjectId,
          maskedName: String,
          written: Number,
          interview: Number,
          total: Number,
          _id: false,
        },
      ],
      default: [],
    },
    publishScores: { type: Boolean, default: true },
    publishedAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    objections: {
      type: [
        {
          at: Date,
          text: String,
          resolution: { type: String, default: '' },
          resolvedAt: { type: Date, default: null },
          _id: false,
        },
      ],
      default: [],
    },
  },
  { timestamps: true },
);
noticeSchema.index({ vacancy: 1, publishedAt: -1 });

const stepSchema = new Schema(
  {
    _id: { type: String, required: true }, // `<application>:<version>`: one writer per version
    by: { type: String, default: null },
    action: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ApplicationDoc = InferSchemaType<typeof applicationSchema> & { _id: Types.ObjectId };
export const Application = model('Application', applicationSchema);
export const ApplicationStep = model('ApplicationStep', stepSchema);
export const ApplicationNote = model('ApplicationNote', noteSchema);
export type NoticeDoc = InferSchemaType<typeof noticeSchema> & { _id: Types.ObjectId };
export const Notice = model('Notice', noticeSchema);
