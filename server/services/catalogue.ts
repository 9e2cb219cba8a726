// The public catalogue: every open vacancy, held in memory in both board orders, so that the job board, its feed and
// the JSON listing answer from memory at any size of the region's data (on the embedded engine every query but an
// `_id` lookup scans the collection; on MongoDB this still saves a query, a count and a sort per page).
//
// Correct before fast: each use first reads the catalogue's stamp (models/CatalogueStamp.ts, one `_id` lookup, shared
// by concurrent requests but always read after the request arrived), and when it changed, loads the vacancies written
// since the last load before answering. A change made through any instance is therefore visible on the next request
// to every instance. A full reload every ten minutes catches anything written around Mongoose (and deletions).
//
// While the database does not answer (down, or stalled: server/db/health.ts), the catalogue answers as it was last
// read instead of waiting: nothing can be written meanwhile, so it is still the database's answer. A refresh left
// hanging by a stalled database is not waited for; it completes, or fails, in the background.
import { trusted } from 'mongoose';
import type { Clock } from '../clock';
import { databaseHealth, type DatabaseHealth } from '../db/health';
import { Announcement, type AnnouncementDoc } from '../../models/Announcement';
import { CATALOGUE, CatalogueStamp } from '../../models/CatalogueStamp';
import { Vacancy, type ListedVacancy, type VacancyDoc } from '../../models/Vacancy';
import type { ProgrammeDoc } from '../../models/IncentiveProgramme';
import { PER_PAGE, type BoardFilters } from './board';
import {
  approvedProgrammes,
  criteriaOf,
  isOffered,
  matches,
  nextOfferChange,
  offeredAmong,
  type VacancyFacts,
} from './incentives';
import { terms } from './search';

interface Entry {
  v: ListedVacancy;
  /** The vacancy's search terms, each between separators, for a quick "contains every term" test. */
  terms: string;
}

const SEP = '\u0001';
const LIST_PROJECTION = { description: 0, benefits: 0, reviewComment: 0 } as const;
/** Writes land with the writer's clock: reload a margin before the newest change seen, for writers a little behind. */
const MARGIN_MS = 2 * 60 * 1000;
const FULL_RELOAD_MS = 10 * 60 * 1000;
/** How many drives the board's filter offers. */
const DRIVES_LISTED = 50;

/** Open drives (recruitment announcements), newest first, without their long texts. */
function readDrives() {
  return Announcement.find({ status: 'open' })
    .sort({ openedAt: -1, _id: -1 })
    .select({ body: 0, reviewComment: 0 })
    .lean<AnnouncementDoc[]>();
}

/**
 * Concurrent callers share one read, but never one that started before they called: a caller arriving while a read
 * is in flight waits for the next one, which starts when that read ends. At most one read runs at a time.
 */
export class FreshRead<T> {
  private running: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const after = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.queued = after.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<T> {
    const p = this.read().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}

const newest = (a: Entry, b: Entry) =>
  (b.v.openedAt?.getTime() ?? 0) - (a.v.openedAt?.getTime() ?? 0) || (String(b.v._id) < String(a.v._id) ? -1 : 1);
const soonest = (a: Entry, b: Entry) =>
  a.v.deadline.getTime() - b.v.deadline.getTime() || (String(a.v._id) < String(b.v._id) ? -1 : 1);

export class Catalogue {
  private entries = new Map<string, Entry>();
  private byNewest: Entry[] = [];
  private byDeadline: Entry[] = [];
  private token: string | null = null;
  /** Approved incentive programmes, read with the vacancies (their writes move the stamp too). */
  private programmes: ProgrammeDoc[] = [];
  /** Open drives, newest first, read with the vacancies (their writes move the stamp too). */
  private drivesOpen: AnnouncementDoc[] = [];
  /** The newest `updatedAt` among the vacancies loaded. */
  private newestWrite = 0;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private rebuilding: Promise<unknown> | null = null;
  private readonly stamp = new FreshRead(async () => {
    const doc = await CatalogueStamp.findById(CATALOGUE).lean();
    return doc?.token ?? 'none';
  });

  constructor(
    private readonly clock: Clock,
    private readonly health: DatabaseHealth = databaseHealth,
  ) {}

  /**
   * The catalogue's token as of now (read after this call), with the open vacancies loaded up to it. Pages built
   * from the catalogue are valid for exactly this token. While the database does not answer: the token last read,
   * at once (once the catalogue has been read at all).
   */
  fresh(): Promise<string> {
    return this.health.orElse(
      () => this.refresh(),
      () => this.token ?? undefined,
    );
  }

  private async refresh(): Promise<string> {
    const token = await this.stamp.get();
    if (token !== this.token) {
      // One load at a time; whoever arrives meanwhile waits for it and checks again.
      while (this.loading) await this.loading;
      if (token !== this.token) await this.exclusive(() => this.load(token));
    }
    // The safety net (writes around Mongoose, deletions) rebuilds in the background; requests do not wait for it.
    if (Date.now() - this.loadedAt > FULL_RELOAD_MS && !this.rebuilding) {
      this.loadedAt = Date.now();
      this.rebuilding = this.rebuild()
        .catch(() => (this.loadedAt = Date.now() - FULL_RELOAD_MS + 60_000)) // try again in a minute
        .finally(() => (this.rebuilding = null));
    }
    return token;
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    while (this.loading) await this.loading;
    this.loading = work().finally(() => (this.loading = null));
    await this.loading;
  }

  /** Every open vacancy (all of them the first time); after that, everything written since the last load. */
  private read(full: boolean) {
    const since = new Date(this.newestWrite - MARGIN_MS);
    return Vacancy.find(full ? { status: 'open' } : { updatedAt: trusted({ $gte: since }) })
      .select(LIST_PROJECTION)
      .lean<(ListedVacancy & { searchTerms?: string[]; updatedAt: Date })[]>();
  }

  /** Open ones in, the rest out; then both orders rebuilt. */
  private apply(docs: Awaited<ReturnType<Catalogue['read']>>, entries: Map<string, Entry>, newestWrite: number) {
    for (const doc of docs) {
      newestWrite = Math.max(newestWrite, doc.updatedAt?.getTime() ?? 0);
      const id = String(doc._id);
      if (doc.status !== 'open') {
        entries.delete(id);
        continue;
      }
      const { searchTerms, ...v } = doc;
      entries.set(id, { v, terms: `${SEP}${(searchTerms ?? []).join(SEP)}${SEP}` });
    }
    const all = [...entries.values()];
    this.entries = entries;
    this.byNewest = all.sort(newest);
    this.byDeadline = [...all].sort(soonest);
    this.newestWrite = newestWrite;
  }

  private async load(token: string): Promise<void> {
    const first = this.token === null;
    if (first) this.loadedAt = Date.now();
    const [docs, programmes, drives] = await Promise.all([this.read(first), approvedProgrammes(), readDrives()]);
    this.programmes = programmes;
    this.drivesOpen = drives;
    this.apply(docs, first ? new Map() : this.entries, first ? 0 : this.newestWrite);
    this.token = token;
  }

  /** A full read into new structures, swapped in together with whatever was written while it ran. */
  private async rebuild(): Promise<void> {
    const [docs, programmes, drives] = await Promise.all([this.read(true), approvedProgrammes(), readDrives()]);
    await this.exclusive(async () => {
      this.programmes = programmes;
      this.drivesOpen = drives;
      const since = this.newestWrite;
      this.apply(docs, new Map(), 0);
      this.newestWrite = Math.min(this.newestWrite, since);
      this.apply(await this.read(false), this.entries, this.newestWrite);
    });
  }

  /** The board's page `f.page` of open vacancies matching `f`, in its order; the same result as a database query. */
  async search(f: BoardFilters, perPage = PER_PAGE) {
    await this.fresh();
    const matching = this.matching(f);
    const total = matching.length;
    const items = matching.slice((f.page - 1) * perPage, f.page * perPage).map((e) => e.v);
    return { items, total, page: f.page, pages: Math.max(1, Math.ceil(total / perPage)) };
  }

  /** Open vacancies opened after `since` (and by now) matching `f`, newest first: the Atom feed. */
  async openedSince(f: BoardFilters, since: Date, limit = 50): Promise<ListedVacancy[]> {
    await this.fresh();
    const now = this.clock.now().getTime();
    const out: ListedVacancy[] = [];
    for (const e of this.matching({ ...f, sort: 'newest', page: 1 })) {
      const opened = e.v.openedAt?.getTime() ?? 0;
      if (opened > since.getTime() && opened <= now) out.push(e.v);
      if (out.length === limit) break;
    }
    return out;
  }

  /** The open drives for the board's filter, newest first (call after a search: it uses the same load). */
  drives(): Pick<AnnouncementDoc, '_id' | 'title'>[] {
    return this.drivesOpen.slice(0, DRIVES_LISTED).map(({ _id, title }) => ({ _id, title }));
  }

  /**
   * An open vacancy's page as the catalogue holds it, for when the database does not answer: the list's facts and its
   * open drive, without the long texts (description, benefits) the catalogue does not keep. Undefined for a vacancy
   * that is not open (its page waits for the database).
   */
  listedPage(id: string) {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const vacancy = { ...entry.v, description: '', benefits: '' } as VacancyDoc;
    const drive = entry.v.announcement ? String(entry.v.announcement) : null;
    return {
      vacancy,
      school: null,
      announcement: this.drivesOpen.find((a) => String(a._id) === drive) ?? null,
      partial: true,
    };
  }

  /** The incentives a vacancy offers now, from the programmes the catalogue holds (see Incentives.offeredOn). */
  offeredOn(v: VacancyFacts): { offered: ProgrammeDoc[]; changesAt: number } {
    return offeredAmong(this.programmes, v, this.clock.now().getTime());
  }

  /** How many open vacancies the catalogue holds (for the benchmark and health checks). */
  get size(): number {
    return this.entries.size;
  }

  /** The programmes offered now, for badges and the incentive filter. */
  private offeredNow(): ProgrammeDoc[] {
    const now = this.clock.now();
    return this.programmes.filter((p) => isOffered(p, now));
  }

  /** Which of these vacancies offer a sponsored incentive now (call after a search: it uses the same load). */
  withIncentive(items: ListedVacancy[]): Set<string> {
    const offered = this.offeredNow();
    if (!offered.length) return new Set();
    return new Set(items.filter((v) => offered.some((p) => matches(criteriaOf(p), v))).map((v) => String(v._id)));
  }

  /** When an approved programme next starts or ends: pages showing incentives are valid until then. */
  get incentivesChangeAt(): number {
    return nextOfferChange(this.programmes, this.clock.now().getTime());
  }

  private matching(f: BoardFilters): Entry[] {
    const now = this.clock.now().getTime();
    const offered = f.incentive ? this.offeredNow().map(criteriaOf) : [];
    const words = f.q ? terms(f.q).map((w) => `${SEP}${w}${SEP}`) : [];
    const until = f.within ? now + f.within * 86_400_000 : 0;
    const list = f.sort === 'deadline' ? this.byDeadline : this.byNewest;
    return list.filter(({ v, terms: t }) => {
      if (f.unit && v.unitCode !== f.unit) return false;
      if (f.county && v.countyCode !== f.county) return false;
      if (f.stage && v.stage !== f.stage) return false;
      if (f.subject && v.subject !== f.subject) return false;
      if (f.postType && v.postType !== f.postType) return false;
      if (f.announcement && String(v.announcement) !== f.announcement) return false;
      if (f.shortage && !v.shortage) return false;
      if (f.corridor && !v.corridor) return false;
      if (f.partner && !v.partnerPosted) return false;
      if (f.incentive && !offered.some((c) => matches(c, v))) return false;
      if (f.within && (v.deadline.getTime() < now || v.deadline.getTime() > until)) return false;
      return words.every((w) => t.includes(w));
    });
  }
}
