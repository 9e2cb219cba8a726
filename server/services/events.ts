// The audit trail: append-only records of who changed what, and who read protected personal data; coordinators
// search it (a unit's coordinator, the events of their unit).
import mongoose, { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { ForbiddenError } from '../errors';
import { Event, type EventDoc } from '../../models/Event';
import { Organisation } from '../../models/Organisation';
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

/** Subjects that carry their unit. Others (a user, a referral, an alert) take the acting staff member's unit only. */
const UNIT_BEARING = new Set(['Organisation', 'Vacancy', 'Application', 'Placement', 'Announcement']);

function isObjectId(id: string): boolean {
  return /^[0-9a-f]{24}$/i.test(id);
}

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
      units: await this.unitsOf(ctx, subject),
    });
  }

  /** The units an event concerns: the acting staff member's organisation's, and the subject's own. */
  private async unitsOf(ctx: Ctx, subject: { type: string; id: string }): Promise<string[]> {
    const units = new Set<string>();
    const orgId = ctx.actor?.organisationId;
    if (orgId && isObjectId(orgId)) {
      const org = await Organisation.findById(orgId).select({ unitCode: 1 }).lean();
      if (org) units.add(org.unitCode);
    }
    if (UNIT_BEARING.has(subject.type) && isObjectId(subject.id)) {
      const doc = await mongoose
        .model(subject.type)
        .findById(subject.id)
        .select({ unitCode: 1 })
        .lean<{ unitCode?: string } | null>();
      if (doc?.unitCode) units.add(doc.unitCode);
    }
    return [...units];
  }

  /**
   * Audit records, newest first (at most AUDIT_LIMIT), for coordinators: a regional coordinator reads the whole
   * trail, a unit's coordinator the events that concern their unit (its organisations' staff acting, or its
   * organisations, vacancies, applications, placements and announcements acted on). `action` matches a prefix
   * (e.g. `document.`).
   */
  async search(actor: Actor, f: AuditFilters): Promise<{ rows: AuditRow[]; more: boolean }> {
    if (actor.role !== 'coordinator') throw new ForbiddenError('audit.errors.coordinatorsOnly');
    const query: Record<string, unknown> = {};
    if (actor.scopeUnit) query.units = actor.scopeUnit;
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
