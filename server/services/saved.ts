// Saved vacancies: a candidate's shortlist of posts, starred from the board or a vacancy's page, with where each
// post stands now (open, closing soon, closed) and where the candidate's own application stands.
import { trusted, Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { MAX_SAVED, SavedVacancies } from '../../models/SavedVacancies';
import { Vacancy, type VacancyDoc } from '../../models/Vacancy';
import type { Actor, Ctx } from './actor';

/** What a saved post shows publicly: the same states as its public page. */
const PUBLIC_STATES = ['open', 'closed'];

export class Saved {
  private requireCandidate(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
  }

  /** The ids the candidate saved (a set, for marking a page of vacancies); empty for anyone else. */
  async ids(actor: Actor | null | undefined): Promise<Set<string>> {
    if (actor?.role !== 'candidate') return new Set();
    const doc = await SavedVacancies.findById(actor.id).lean();
    return new Set((doc?.vacancies ?? []).map(String));
  }

  async save(ctx: Ctx & { actor: Actor }, vacancyId: string): Promise<void> {
    this.requireCandidate(ctx.actor);
    const vacancy = Types.ObjectId.isValid(vacancyId)
      ? await Vacancy.findById(vacancyId).select({ status: 1 }).lean()
      : null;
    // Only a post with a public page can be saved (not a draft, nor one under review).
    if (!vacancy || !PUBLIC_STATES.includes(vacancy.status)) throw new NotFoundError();
    const mine = await this.ids(ctx.actor);
    if (mine.has(vacancyId)) return; // already saved: nothing changes, nothing is recorded
    if (mine.size >= MAX_SAVED) throw new ConflictError('saved.errors.full');
    await SavedVacancies.updateOne({ _id: ctx.actor.id }, { $addToSet: { vacancies: vacancy._id } }, { upsert: true });
  }

  async unsave(ctx: Ctx & { actor: Actor }, vacancyId: string): Promise<void> {
    this.requireCandidate(ctx.actor);
    if (!Types.ObjectId.isValid(vacancyId)) throw new NotFoundError();
    // `$pull` by an exact value (the one form both engines apply).
    await SavedVacancies.updateOne({ _id: ctx.actor.id }, { $pull: { vacancies: new Types.ObjectId(vacancyId) } });
  }

  /**
   * The saved posts, newest saved first. A post withdrawn from public view (back in review, cancelled) stays on the
   * list as "no longer published", without its details, so the candidate knows why it went.
   */
  async list(actor: Actor): Promise<{ id: string; vacancy: VacancyDoc | null }[]> {
    this.requireCandidate(actor);
    const doc = await SavedVacancies.findById(actor.id).lean();
    const ids = [...(doc?.vacancies ?? [])].reverse();
    if (ids.length === 0) return [];
    const rows = await Vacancy.find({ _id: trusted({ $in: ids }) })
      .select({ searchTerms: 0 })
      .lean<VacancyDoc[]>();
    const byId = new Map(rows.map((v) => [String(v._id), v]));
    return ids.map((id) => {
      const v = byId.get(String(id));
      return { id: String(id), vacancy: v && PUBLIC_STATES.includes(v.status) ? v : null };
    });
  }
}
