// What vacancies and announcements share: who may manage postings for an organisation, and the one place where
// a posting's state changes (models/Posting.ts holds the table of allowed moves).
import type { Types } from 'mongoose';
import { ConflictError, ForbiddenError } from '../errors';
import { Organisation, type OrganisationDoc } from '../../models/Organisation';
import { transition, type PostingActor } from '../../models/Posting';
import type { Actor } from './actor';

/** The actor's organisation, if they may post for it: active, verified staff of a verified organisation. */
export async function posterOrganisation(actor: Actor): Promise<OrganisationDoc> {
  if (actor.role !== 'staff' || actor.membership !== 'active' || !actor.organisationId) throw new ForbiddenError();
  if (!actor.emailVerified) throw new ForbiddenError('auth.verifyFirst');
  const org = await Organisation.findById(actor.organisationId).lean<OrganisationDoc>();
  if (!org || org.verification?.state !== 'verified') throw new ForbiddenError('organisations.errors.notVerified');
  return org;
}

/**
 * Moves a posting along its lifecycle: checks the move is allowed for this kind of actor, then writes it only if
 * the posting is still in the state it was read in (a concurrent change makes this a 409, not a lost update).
 */
export interface Updatable {
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): PromiseLike<{ modifiedCount: number }>;
}

export async function move(
  model: Updatable,
  posting: { _id: Types.ObjectId; status: string },
  action: string,
  by: PostingActor,
  set: Record<string, unknown> = {},
): Promise<string> {
  const step = transition(posting.status, action, by);
  if (!step) throw new ConflictError('postings.errors.notNow');
  const result = await model.updateOne(
    { _id: posting._id, status: posting.status },
    { $set: { ...set, status: step.to } },
  );
  if (result.modifiedCount !== 1) throw new ConflictError('postings.errors.changedMeanwhile');
  return step.to;
}
