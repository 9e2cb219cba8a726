import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { EDUCATION_LEVELS, MANDARIN_LEVELS, PIPELINES, POSTING_STATES } from './Posting';
import { touchesCatalogue } from './CatalogueStamp';

const vacancySchema = new Schema(
  {
    /** The Hebei school that hires. */
    school: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    /** The organisation whose staff manage the posting (the school, its Beijing/Tianjin parent or pair, or a bureau). */
    postedBy: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    announcement: { type: Schema.Types.ObjectId, ref: 'Announcement', default: null },
    title: { type: String, required: true, trim: true },
    stage: { type: String, required: true },
    subject: { type: String, required: true },
    postType: { type: String, required: true },
    unitCode: { type: String, required: true },
    countyCode: { type: String, required: true },
    headcount: { type: Number, required: true, min: 1 },
    requirements: {
      education: { type: String, enum: EDUCATION_LEVELS, default: 'bachelor' },
      certificateType: { type: String, default: '' },
      certificateSubjectMatch: { type: Boolean, default: false },
      acceptExamPass: { type: Boolean, default: false },
      maxAge: { type: Number, default: null },
      mandarinLevel: { type: String, enum: ['', ...MANDARIN_LEVELS], default: '' },
      freshGraduatesOnly: { type: Boolean, default: false },
      hukouLimit: { type: String, default: '' },
    },
    payMin: { type: Number, default: null },
    payMax: { type: Number, default: null },
    housing: { type: Boolean, default: false },
    ruralSubsidy: { type: Number, default: null },
    benefits: { type: String, default: '' },
    description: { type: String, default: '' },
    deadline: { type: Date, required: true },
    pipeline: { type: String, enum: PIPELINES, default: 'open_recruitment' },
    status: { type: String, enum: POSTING_STATES, default: 'draft' },
    reviewComment: { type: String, default: '' },
    /** Set by the approving coordinator: edits to requirements, headcount and deadline need no new review. */
    minorEditsAllowed: { type: Boolean, default: false },
    openedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    // Derived at save for filters and search (see server/services/vacancies.ts).
    shortage: { type: Boolean, default: false },
    corridor: { type: Boolean, default: false },
    partnerPosted: { type: Boolean, default: false },
    schoolName: { type: String, default: '' },
    searchTerms: { type: [String], default: [] },
  },
  { timestamps: true, optimisticConcurrency: true },
);

// The job board's query paths (MongoDB; the embedded engine scans).
vacancySchema.index({ status: 1, openedAt: -1, _id: -1 });
vacancySchema.index({ status: 1, deadline: 1, _id: 1 });
vacancySchema.index({ status: 1, unitCode: 1, countyCode: 1, openedAt: -1 });
vacancySchema.index({ status: 1, subject: 1, stage: 1, openedAt: -1 });
vacancySchema.index({ searchTerms: 1, status: 1 });
vacancySchema.index({ postedBy: 1, status: 1, updatedAt: -1 });
vacancySchema.index({ announcement: 1, status: 1 });
// The public catalogue's incremental load (server/services/catalogue.ts).
vacancySchema.index({ updatedAt: 1 });

export type VacancyDoc = InferSchemaType<typeof vacancySchema> & { _id: Types.ObjectId };
/** What lists show of a vacancy (feeds, the board, the API): no long texts, no search terms. */
export type ListedVacancy = Omit<VacancyDoc, 'searchTerms' | 'description' | 'benefits' | 'reviewComment'>;
// Public pages are built from these: every write marks the catalogue as changed.
touchesCatalogue(vacancySchema);

export const Vacancy = model('Vacancy', vacancySchema);
