// Claims that make periodic jobs run once per period across app instances (a duplicate insert loses).
import { Schema, model } from 'mongoose';

const leaseSchema = new Schema(
  {
    _id: { type: String, required: true }, // `<job>:<period index>`
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
leaseSchema.index({ at: 1 });

export const Lease = model('Lease', leaseSchema);
