// What the public pages are built from changed: every write to a vacancy, an announcement or an organisation sets a
// new token here, and every instance compares it with the token its in-memory catalogue and page cache were built at
// (server/services/catalogue.ts). A fresh random token rather than a counter: on the embedded engine an `$inc` is
// read-then-write and two writers could both set the same number; two random tokens never collide.
import crypto from 'node:crypto';
import { Schema, model, type Schema as SchemaType } from 'mongoose';

const stampSchema = new Schema(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export const CatalogueStamp = model('CatalogueStamp', stampSchema);

export const CATALOGUE = 'catalogue';

/** Marks the public catalogue as changed (awaited by the write that changed it). */
export async function touchCatalogue(): Promise<void> {
  await CatalogueStamp.updateOne(
    { _id: CATALOGUE },
    { $set: { token: crypto.randomUUID(), at: new Date() } },
    { upsert: true },
  );
}

/** Registers the hooks on a schema whose documents appear on public pages: any write through Mongoose touches. */
export function touchesCatalogue(schema: SchemaType): void {
  const touch = async () => touchCatalogue();
  schema.post('save', touch);
  schema.post('insertMany', touch);
  schema.post(
    ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'],
    touch,
  );
  schema.post('bulkWrite', touch);
}
