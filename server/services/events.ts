// The audit trail: append-only records of who changed what, and who read protected personal data; regional
// coordinators search it.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { ForbiddenError } from '../errors';
import { Event, type EventDoc } from '../../models/Event';
import { User } from '../../models/User';
import type { Actor, Ctx } from './actor';

export interface AuditFilters {
  action?: string;
  actorEmail?: string;
  subjectType?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

export interface AuditRow {
  at: Date;
  action: string;
  actor: string;
  subjectType: string;
  subjectId: string;
  summary: string;
  requestId: string;
}

export const AUDIT_LIMIT = 500;

export class Events {
  constructor(private readonly clock: Clock) {}

  async record(
    ctx: Ctx,
    action: string,
    subject: { type: string; id: string },
    summary: Record<string, unknown> = {},
  ): Promise<void> {
    await Event.create({
      actor: ctx.actor?.id ?? null,
      action,
      subjectType: subject.type,
      subjectId: subject.id,
      summary,
      requestId: ctx.requestId ?? null,
      at: this.clock.now(),
    });
  }

  /**
   * Audit records, newest first (at most AUDIT_LIMIT), for regional coordinators: the trail spans every unit and
   * organisation, so a unit's coordinator does not read it. `action` matches a prefix (e.g. `document.`).
   */
  async search(actor: Actor, f: AuditFilters): Promise<{ rows: AuditRow[]; more: boolean }> {
    if (actor.role !== 'coordinator' || actor.scopeUnit) throw new ForbiddenError('audit.errors.regionalOnly');
    const query: Record<string, unknown> = {};
    if (f.subjectType) query.subjectType = f.subjectType;
    if (f.subjectId) query.subjectId = f.subjectId;
    if (f.from || f.to) query.at = trusted({ ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) });
    if (f.actorEmail) {
      const who = await User.findOne({ email: f.actorEmail.toLowerCase() }).select({ _id: 1 }).lean();
      if (!who) return { rows: [], more: false };
      query.actor = who._id;
    }
    const found = await Event.find(query)
      .sort({ at: -1 })
      .limit(f.action ? 5000 : AUDIT_LIMIT + 1)
      .lean<(EventDoc & { _id: Types.ObjectId })[]>();
    // A prefix filter in code: `$regex` is avoided for an index-friendly, engine-neutral query.
    const matching = f.action ? found.filter((e) => e.action.startsWith(f.action!)) : found;
    const actorIds = [...new Set(matching.map((e) => (e.actor ? String(e.actor) : '')).filter(Boolean))];
    const people = new Map(
      (
        await User.find({ _id: trusted({ $in: actorIds }) })
          .select({ email: 1, name: 1 })
          .lean()
      ).map((u) => [String(u._id), `${u.name} <${u.email}>`] as const),
    );
    const rows = matching.slice(0, AUDIT_LIMIT).map((e) => ({
      at: e.at,
      action: e.action,
      actor: e.actor ? (people.get(String(e.actor)) ?? String(e.actor)) : '',
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      summary: e.summary && Object.keys(e.summary as object).length ? JSON.stringify(e.summary) : '',
      requestId: e.requestId ?? '',
    }));
    return { rows, more: matching.length > AUDIT_LIMIT };
  }
}
