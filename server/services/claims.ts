// One writer per change: see models/Claim.ts. The engine has no transactions and its conditional updates are not
// atomic, so "the first of several identical requests wins" is settled by a unique insert instead.
import crypto from 'node:crypto';
import { isDuplicateKey } from '../errors';
import { Claim } from '../../models/Claim';

/** A short, stable digest of what a change writes, for a claim key. */
export function digest(value: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

/** True for the one caller that claims `key` first; false for every other (the change is already being made). */
export async function claimOnce(key: string, at: Date): Promise<boolean> {
  try {
    await Claim.create({ _id: key, at });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Gives a claim back when the change it guarded could not be written, so that a retry is not refused. */
export async function releaseClaim(key: string): Promise<void> {
  await Claim.deleteOne({ _id: key });
}
