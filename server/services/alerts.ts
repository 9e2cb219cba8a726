// Job alerts: a candidate's saved search, sent as a digest of newly opened vacancies through the outbox.
import { Types, trusted } from 'mongoose';
import type { Clock } from '../clock';
import { isLinkSignature, linkSignature } from '../crypto';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Notify } from '../mail/notify';
import type { Outbox } from '../mail/outbox';
import { JobAlert, type JobAlertDoc } from '../../models/JobAlert';
import { User } from '../../models/User';
import type { Actor, Ctx } from './actor';
import { parseFilters, toQueryString } from './board';
import type { Events } from './events';
import { vacancySummary, type Jobs } from './jobs';

const PERIOD_MS = { daily: 24 * 3600 * 1000, weekly: 7 * 24 * 3600 * 1000 } as const;

export interface AlertDeps {
  clock: Clock;
  notify: Notify;
  outbox: Outbox;
  events: Events;
  jobs: Jobs;
  baseUrl: string;
  secret: string;
}

export class Alerts {
  constructor(private readonly d: AlertDeps) {}

  /** The unsubscribe link's signature: works without signing in, only for this alert. */
  signature(alertId: string): string {
    return linkSignature(this.d.secret, 'unsubscribe', alertId);
  }

  unsubscribeLink(alertId: string): string {
    return `${this.d.baseUrl}/alerts/unsubscribe/${alertId}/${this.signature(alertId)}`;
  }

  private requireCandidate(actor: Actor) {
    if (actor.role !== 'candidate') throw new ForbiddenError();
  }

  async create(ctx: Ctx & { actor: Actor }, query: Record<string, unknown>, frequency: 'daily' | 'weekly') {
    this.requireCandidate(ctx.actor);
    const canonical = toQueryString({ ...parseFilters(query), page: 1 });
    const existing = await JobAlert.findOne({ user: ctx.actor.id, query: canonical, active: true }).lean();
    if (existing) {
      await JobAlert.updateOne({ _id: existing._id }, { $set: { frequency } });
      return String(existing._id);
    }
    const alert = await JobAlert.create({
      user: ctx.actor.id,
      query: canonical,
      frequency,
      lastDigestAt: this.d.clock.now(),
    });
    await this.d.events.record(ctx, 'alert.created', { type: 'JobAlert', id: String(alert._id) }, { query: canonical });
    return String(alert._id);
  }

  async list(actor: Actor) {
    this.requireCandidate(actor);
    return JobAlert.find({ user: actor.id, active: true }).sort({ createdAt: -1 }).lean<JobAlertDoc[]>();
  }

  async remove(ctx: Ctx & { actor: Actor }, id: string) {
    this.requireCandidate(ctx.actor);
    const result = Types.ObjectId.isValid(id)
      ? await JobAlert.updateOne({ _id: id, user: ctx.actor.id }, { $set: { active: false } })
      : { matchedCount: 0 };
    if (result.matchedCount !== 1) throw new NotFoundError();
    await this.d.events.record(ctx, 'alert.removed', { type: 'JobAlert', id });
  }

  /** One-click unsubscribe from an email: the signature proves the link came from us. */
  async unsubscribe(id: string, signature: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id) || !isLinkSignature(this.d.secret, 'unsubscribe', id, signature)) {
      throw new NotFoundError();
    }
    const result = await JobAlert.updateOne({ _id: id }, { $set: { active: false } });
    if (result.matchedCount !== 1) throw new NotFoundError();
    await this.d.events.record({ actor: null }, 'alert.unsubscribed', { type: 'JobAlert', id });
    return true;
  }

  /** The scheduled job: for each alert whose period has passed, one digest of what opened since the last. */
  async sendDigests(now: Date, options: { ignorePeriod?: boolean } = {}): Promise<number> {
    const due = options.ignorePeriod ? now : new Date(now.getTime() - PERIOD_MS.daily);
    const candidates = await JobAlert.find({ active: true, lastDigestAt: trusted({ $lte: due }) })
      .limit(5000)
      .lean<JobAlertDoc[]>();
    const users = new Map(
      (await User.find({ _id: trusted({ $in: candidates.map((a) => a.user) }) }).lean()).map((u) => [String(u._id), u]),
    );
    let sent = 0;
    for (const alert of candidates) {
      if (!options.ignorePeriod && alert.lastDigestAt.getTime() > now.getTime() - PERIOD_MS[alert.frequency]) continue;
      const user = users.get(String(alert.user));
      if (!user) continue;
      const filters = parseFilters(Object.fromEntries(new URLSearchParams(alert.query)));
      const fresh = await this.d.jobs.openedSince(filters, alert.lastDigestAt, now, 30);
      if (fresh.length > 0) {
        const locale = user.locale === 'en' ? 'en' : 'zh-CN';
        // Keyed by the alert and the start of its window: a rerun after a crash cannot send it twice.
        await this.d.notify.alertDigest(
          { email: user.email, name: user.name, locale },
          {
            id: String(alert._id),
            since: alert.lastDigestAt.toISOString(),
            searchLink: `${this.d.baseUrl}/jobs${alert.query ? `?${alert.query}` : ''}`,
            unsubscribeLink: this.unsubscribeLink(String(alert._id)),
          },
          fresh.map((v) => {
            const s = vacancySummary(v, locale, this.d.baseUrl);
            return {
              title: s.title,
              school: s.school,
              place: s.place,
              deadline: s.deadline.toISOString().slice(0, 10),
              link: s.url,
            };
          }),
        );
        sent += 1;
      }
      await JobAlert.updateOne({ _id: alert._id, lastDigestAt: alert.lastDigestAt }, { $set: { lastDigestAt: now } });
    }
    if (sent > 0) this.d.outbox.nudge();
    return sent;
  }
}
