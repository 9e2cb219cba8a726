// "This change happens once": a unique insert per change, keyed by what it changes and the state it was read from,
// so that of identical requests arriving together (a double click, a retried form) exactly one writes and records.
import { Schema, model } from 'mongoose';

const claimSchema = new Schema(
  {
    _id: { type: String, required: true }, // `<kind>:<subject>:<state read>:<change>`
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
claimSchema.index({ at: 1 });

export const Claim = model('Claim', claimSchema);
