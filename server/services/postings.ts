// What vacancies and announcements share: who may manage postings for an organisation, and the one place where
// a posting's state changes (models/Posting.ts holds the table of allowed moves).
import type { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ConflictError, ForbiddenError, ValidationError } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { Organisation, type OrganisationDoc } from '../../models/Organisation';
import { transition, type PostingActor } from '../../models/Posting';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { activeStaff, coordinatorsCovering } from './people';

/** The actor's organisation, if they may post for it: active, verified staff of a verified organisation. */
export async function posterOrganisation(actor: Actor): Promise<OrganisationDoc> {
  if (actor.role !== 'staff' || actor.membership !== 'active' || !actor.organisationId) throw new ForbiddenError();
  if (!actor.emailVerified) throw new ForbiddenError('auth.verifyFirst');
  const org = await Organisation.findById(actor.organisationId).lean<OrganisationDoc>();
  if (!org || org.verification?.state !== 'verified') throw new ForbiddenError('organisations.errors.notVerified');
  // Sponsors fund posts through incentive programmes; they do not post vacancies or announcements.
  if (org.kind === 'sponsor') throw new ForbiddenError('incentives.errors.sponsorsDoNotPost');
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

export interface PostingDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
}

type Kind = 'vacancy' | 'announcement';
const MODEL_NAME: Record<Kind, string> = { vacancy: 'Vacancy', announcement: 'Announcement' };

/** Emails the coordinators covering the posting's unit that it waits for their review. */
export async function askForReview(
  d: PostingDeps,
  kind: Kind,
  posting: { _id: Types.ObjectId; title: string; unitCode: string },
  organisation: string,
): Promise<void> {
  const version = d.clock.now().getTime();
  for (const coordinator of await coordinatorsCovering(posting.unitCode)) {
    await d.notify.postingSubmitted(coordinator, {
      kind,
      id: String(posting._id),
      title: posting.title,
      organisation,
      version,
    });
  }
}

/** A coordinator's decision: in_review → open, or back to draft with comments; the owner's staff are emailed. */
export async function decideReview(
  d: PostingDeps,
  ctx: Ctx & { actor: Actor },
  kind: Kind,
  model: Updatable,
  posting: { _id: Types.ObjectId; status: string; title: string; openedAt?: Date | null },
  owner: Types.ObjectId,
  decision: 'approve' | 'return',
  comment: string,
  onApprove: Record<string, unknown> = {},
): Promise<void> {
  if (decision === 'return' && !comment.trim())
    throw new ValidationError({ comment: 'postings.errors.commentRequired' });
  const now = d.clock.now();
  const id = String(posting._id);
  const outcome = decision === 'approve' ? 'approved' : 'returned';
  for (const staff of await activeStaff(owner)) {
    await d.notify.postingReviewed(staff, { kind, id, title: posting.title, version: now.getTime() }, outcome, comment);
  }
  await move(
    model,
    posting,
    decision,
    'coordinator',
    decision === 'approve'
      ? { openedAt: posting.openedAt ?? now, reviewComment: comment, ...onApprove }
      : { reviewComment: comment },
  );
  await d.events.record(ctx, `${kind}.${outcome}`, { type: MODEL_NAME[kind], id }, { comment });
  d.outbox.nudge();
}
