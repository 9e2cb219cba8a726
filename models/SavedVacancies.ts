// A candidate's saved (starred) vacancies: one document per candidate, keyed by the user's id, so reading and
// changing the list is an `_id` lookup (the one query the embedded engine answers from an index).
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** Enough for a season's search; a longer list stops being a shortlist. */
export const MAX_SAVED = 100;

const savedVacanciesSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** Oldest first ($addToSet appends). */
    vacancies: { type: [Schema.Types.ObjectId], default: [] },
  },
  { timestamps: true, versionKey: false },
);

export type SavedVacanciesDoc = InferSchemaType<typeof savedVacanciesSchema> & { _id: Types.ObjectId };
export const SavedVacancies = model('SavedVacancies', savedVacanciesSchema);
