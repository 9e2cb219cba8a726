// Fixed-window request counters shared by all app instances (express-rate-limit store, server/middleware/rateLimit.ts).
import { Schema, model } from 'mongoose';

const hitSchema = new Schema(
  {
    _id: { type: String, required: true }, // `<limiter>:<client key>:<window index>`
    hits: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
hitSchema.index({ expiresAt: 1 });

export const RateLimitHit = model('RateLimitHit', hitSchema);
