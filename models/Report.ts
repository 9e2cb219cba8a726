// The reports' snapshot: facts aggregated from vacancies, applications and placements, so that the coordinator's
// dashboard reads a few thousand small rows instead of scanning the applications on every view.
import { Schema, model, type InferSchemaType } from 'mongoose';

const snapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    takenAt: { type: Date, required: true },
    /** `ready` once every fact is written; readers take the latest ready snapshot. */
    state: { type: String, enum: ['building', 'ready'], default: 'building' },
    ms: { type: Number, default: null },
    counts: {
      vacancies: { type: Number, default: 0 },
      applications: { type: Number, default: 0 },
      placements: { type: Number, default: 0 },
      facts: { type: Number, default: 0 },
    },
  },
  { versionKey: false },
);
snapshotSchema.index({ state: 1, takenAt: -1 });
snapshotSchema.index({ takenAt: -1 });

/**
 * One group of records sharing every dimension below. `kind` says which collection it came from:
 * - vacancy: `n` vacancies, `headcount`, `hires` (signed), `unfilled` (open or closed vacancies only), `days` from
 *   opening to the first signed hire (one entry per filled vacancy);
 * - application: `n` applications that got as far as funnel step `reach`, left with `outcome`/`reason`;
 *   `days` from application to offer (one entry per offer); `due` 1 when their placement is a year old;
 * - placement: `n` placements starting in `year`, `due` whole years elapsed (0–3) and `served` whole years in
 *   post (0–3), `mentor`, `status`, `reason` for leaving.
 */
const factSchema = new Schema(
  {
    snapshot: { type: String, required: true },
    kind: { type: String, enum: ['vacancy', 'application', 'placement'], required: true },
    year: { type: Number, required: true },
    unit: { type: String, required: true },
    county: { type: String, required: true },
    stage: { type: String, required: true },
    subject: { type: String, required: true },
    postType: { type: String, required: true },
    announcement: { type: String, default: '' },
    channel: { type: String, default: '' },
    partner: { type: String, default: '' },
    reach: { type: Number, default: 0 },
    outcome: { type: String, default: '' },
    reason: { type: String, default: '' },
    status: { type: String, default: '' },
    mentor: { type: Boolean, default: false },
    due: { type: Number, default: 0 },
    served: { type: Number, default: 0 },
    n: { type: Number, required: true },
    headcount: { type: Number, default: 0 },
    hires: { type: Number, default: 0 },
    unfilled: { type: Number, default: 0 },
    days: { type: [Number], default: [] },
  },
  { versionKey: false },
);
factSchema.index({ snapshot: 1, kind: 1, unit: 1, year: 1 });

export type ReportFactDoc = InferSchemaType<typeof factSchema>;
export const ReportSnapshot = model('ReportSnapshot', snapshotSchema);
export const ReportFact = model('ReportFact', factSchema);
