// The coordinator's reports. Figures come from a snapshot of aggregated facts, rebuilt every night (02:00 Beijing
// time) and on demand, so that opening the dashboard never scans the applications; see facts.ts and figures.ts.
import crypto from 'node:crypto';
import { trusted } from 'mongoose';
import type { Clock } from '../../clock';
import { isDuplicateKey, ForbiddenError } from '../../errors';
import { Announcement } from '../../../models/Announcement';
import { Application } from '../../../models/Application';
import { Lease } from '../../../models/Lease';
import { Organisation } from '../../../models/Organisation';
import { Placement } from '../../../models/Placement';
import { Referral } from '../../../models/Referral';
import { ReportFact, ReportSnapshot } from '../../../models/Report';
import { Vacancy } from '../../../models/Vacancy';
import type { Actor, Ctx } from '../actor';
import type { Events } from '../events';
import { FactBuilder, type ApplicationIn, type Fact, type PlacementIn, type VacancyIn } from './facts';
import type { Filters } from './figures';

const HOUR = 3600 * 1000;
const CST = 8 * HOUR;
/** Beijing time of the nightly rebuild. */
const NIGHTLY_HOUR = 2;
/** On-demand rebuilds: at most one per this many milliseconds across instances. */
const REFRESH_EVERY = 60 * 1000;
const BATCH = 500;

export interface SnapshotInfo {
  id: string;
  takenAt: Date;
  ms: number | null;
  counts: { vacancies: number; applications: number; placements: number; facts: number };
}

export interface ReportData {
  snapshot: SnapshotInfo;
  facts: Fact[];
  /** Names for partner and announcement ids that occur in the facts. */
  partners: Map<string, { name: string; kind: string }>;
  announcements: Map<string, { title: string; programme: string }>;
}

export class Reports {
  /** The current snapshot's facts: a snapshot never changes once ready, so its id is a safe cache key. */
  private cache: { id: string; facts: Fact[] } | null = null;

  constructor(private readonly d: { clock: Clock; events: Events }) {}

  /** Builds a new snapshot from the live collections and makes it the current one; returns it. */
  async build(now: Date = this.d.clock.now()): Promise<SnapshotInfo> {
    const started = Date.now();
    const id = `${now.toISOString()}-${crypto.randomBytes(4).toString('hex')}`;
    await ReportSnapshot.create({ _id: id, takenAt: now, state: 'building' });
    const vacancies = await Vacancy.find({
      openedAt: trusted({ $ne: null }),
      status: trusted({ $in: ['open', 'closed', 'filled'] }),
    })
      .select({
        openedAt: 1,
        status: 1,
        headcount: 1,
        unitCode: 1,
        countyCode: 1,
        stage: 1,
        subject: 1,
        postType: 1,
        announcement: 1,
      })
      .lean<VacancyIn[]>();
    const placements = await Placement.find({})
      .select({
        application: 1,
        vacancy: 1,
        unitCode: 1,
        countyCode: 1,
        postType: 1,
        startDate: 1,
        status: 1,
        leftAt: 1,
        leaveReason: 1,
        mentor: 1,
        sourcePartner: 1,
      })
      .lean<PlacementIn[]>();
    const drives = new Map(
      (
        await Referral.find({ drive: trusted({ $ne: null }) })
          .select({ drive: 1 })
          .lean()
      ).map((r) => [String(r._id), String(r.drive)] as const),
    );
    const builder = new FactBuilder(now, vacancies, placements, drives);
    // Streamed: only one batch of applications is in memory at a time, however many there are.
    let applications = 0;
    const cursor = Application.find({})
      .select({
        vacancy: 1,
        stage: 1,
        outcome: 1,
        rejectReason: 1,
        scores: 1,
        submittedAt: 1,
        contractDate: 1,
        history: 1,
        sourcePartner: 1,
        referral: 1,
      })
      .lean<ApplicationIn[]>()
      .cursor({ batchSize: BATCH });
    for await (const app of cursor) {
      builder.addApplication(app as ApplicationIn);
      applications += 1;
    }
    const facts = builder.facts();
    for (let i = 0; i < facts.length; i += BATCH) {
      await ReportFact.insertMany(
        facts.slice(i, i + BATCH).map((f) => ({ ...f, snapshot: id })),
        { ordered: true },
      );
    }
    const counts = { vacancies: vacancies.length, applications, placements: placements.length, facts: facts.length };
    const ms = Date.now() - started;
    await ReportSnapshot.updateOne({ _id: id }, { $set: { state: 'ready', ms, counts } });
    // Older snapshots go; a build that started later than this one (another instance) is left alone.
    const older = await ReportSnapshot.find({ takenAt: trusted({ $lte: now }) })
      .select({ _id: 1, takenAt: 1, state: 1 })
      .lean();
    const ids = older.filter((s) => s._id !== id && (s.takenAt < now || s.state === 'ready')).map((s) => String(s._id));
    if (ids.length > 0) {
      await ReportFact.deleteMany({ snapshot: trusted({ $in: ids }) });
      await ReportSnapshot.deleteMany({ _id: trusted({ $in: ids }) });
    }
    return { id, takenAt: now, ms, counts };
  }

  async latest(): Promise<SnapshotInfo | null> {
    const s = await ReportSnapshot.findOne({ state: 'ready' }).sort({ takenAt: -1 }).lean();
    if (!s) return null;
    return {
      id: String(s._id),
      takenAt: s.takenAt,
      ms: s.ms ?? null,
      counts: s.counts ?? { vacancies: 0, applications: 0, placements: 0, facts: 0 },
    };
  }

  /** The nightly job (run hourly): rebuilds once the last snapshot is older than today's 02:00 in Beijing. */
  async refreshIfStale(now: Date): Promise<boolean> {
    const latest = await this.latest();
    const cst = new Date(now.getTime() + CST);
    const cutoff = new Date(
      Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate(), NIGHTLY_HOUR) -
        CST -
        (cst.getUTCHours() < NIGHTLY_HOUR ? 24 * HOUR : 0),
    );
    if (latest && latest.takenAt >= cutoff) return false;
    await this.build(now);
    return true;
  }

  /** A coordinator's "refresh now": one rebuild per minute across instances; false when one just ran. */
  async refresh(ctx: Ctx): Promise<boolean> {
    const actor = coordinator(ctx.actor);
    const now = this.d.clock.now();
    try {
      await Lease.create({ _id: `report-refresh:${Math.floor(now.getTime() / REFRESH_EVERY)}`, by: actor.id, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.build(now);
    await this.d.events.record(ctx, 'reports.refresh', { type: 'report', id: 'snapshot' });
    return true;
  }

  /**
   * The facts a coordinator may see with the filters applied in the query (a unit coordinator's facts never leave
   * their unit), the snapshot they come from (built now if there is none yet), and the names the charts need.
   */
  async data(actor: Actor, f: Filters): Promise<ReportData> {
    coordinator(actor);
    const snapshot = (await this.latest()) ?? (await this.build());
    if (this.cache?.id !== snapshot.id) {
      const all = await ReportFact.find({ snapshot: snapshot.id }).select({ _id: 0, snapshot: 0 }).lean<Fact[]>();
      this.cache = { id: snapshot.id, facts: all };
    }
    const unit = actor.scopeUnit ?? f.unit;
    const facts = this.cache.facts.filter(
      (x) =>
        (!unit || x.unit === unit) &&
        (!f.county || x.county === f.county) &&
        (!f.stage || x.stage === f.stage) &&
        (!f.subject || x.subject === f.subject) &&
        (!f.postType || x.postType === f.postType),
    );
    const partnerIds = [...new Set(facts.map((x) => x.partner).filter(Boolean))];
    const announcementIds = [
      ...new Set([
        ...facts.map((x) => x.announcement).filter(Boolean),
        ...facts
          .map((x) => x.channel)
          .filter((c) => c.startsWith('drive:'))
          .map((c) => c.slice(6)),
      ]),
    ];
    const partners = new Map(
      (
        await Organisation.find({ _id: trusted({ $in: partnerIds }) })
          .select({ name: 1, kind: 1 })
          .lean()
      ).map((o) => [String(o._id), { name: o.name, kind: o.kind }] as const),
    );
    const announcements = new Map(
      (
        await Announcement.find({ _id: trusted({ $in: announcementIds }) })
          .select({ title: 1, programme: 1 })
          .lean()
      ).map((a) => [String(a._id), { title: a.title, programme: a.programme }] as const),
    );
    return { snapshot, facts, partners, announcements };
  }
}

function coordinator(actor: Actor | null): Actor {
  if (!actor || actor.role !== 'coordinator') throw new ForbiddenError();
  return actor;
}
