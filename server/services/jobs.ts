// The public side of vacancies: the job board, a vacancy's page, the feed and the JSON listing.
import { Types, trusted } from 'mongoose';
import { NotFoundError } from '../errors';
import type { Locale } from '../i18n';
import { Announcement, type AnnouncementDoc } from '../../models/Announcement';
import { Organisation } from '../../models/Organisation';
import { Vacancy, type ListedVacancy, type VacancyDoc } from '../../models/Vacancy';
import { PER_PAGE, sortFor, vacancyFilter, type BoardFilters } from './board';
import { approvedProgrammes, criteriaOf, isOffered, type ProgrammeCriteria } from './incentives';
import { placeLabel } from './regions';
import { postTypeName, stageName, subjectName } from './taxonomy';

/** For the "with sponsored incentive" filter: the criteria of the programmes offered now. */
async function offeredCriteria(f: BoardFilters, now: Date): Promise<ProgrammeCriteria[]> {
  if (!f.incentive) return [];
  return (await approvedProgrammes()).filter((p) => isOffered(p, now)).map(criteriaOf);
}

/** The states in which a posting has a public page. */
const PUBLIC_STATES: string[] = ['open', 'closed'];

export class Jobs {
  async search(f: BoardFilters, now: Date, perPage = PER_PAGE) {
    const filter = vacancyFilter(f, now, await offeredCriteria(f, now));
    const [items, total] = await Promise.all([
      Vacancy.find(filter)
        .sort(sortFor(f))
        .skip((f.page - 1) * perPage)
        .limit(perPage)
        .select({ searchTerms: 0 })
        .lean<VacancyDoc[]>(),
      Vacancy.countDocuments(filter),
    ]);
    return { items, total, page: f.page, pages: Math.max(1, Math.ceil(total / perPage)) };
  }

  /** Open vacancies opened after `since` that match `f`, newest first (feeds and alert digests). */
  async openedSince(f: BoardFilters, since: Date, now: Date, limit = 50) {
    const incentives = await offeredCriteria(f, now);
    return Vacancy.find({
      ...vacancyFilter({ ...f, page: 1 }, now, incentives),
      openedAt: trusted({ $gt: since, $lte: now }),
    })
      .sort({ openedAt: -1, _id: -1 })
      .limit(limit)
      .select({ searchTerms: 0 })
      .lean<VacancyDoc[]>();
  }

  /** A vacancy as the public sees it: open, or closed (read-only). Anything else does not exist for them. */
  async getPublic(id: string) {
    // Looked up by `_id` alone (the one query the embedded engine answers from an index), then checked here.
    const vacancy = Types.ObjectId.isValid(id)
      ? await Vacancy.findById(id).select({ searchTerms: 0 }).lean<VacancyDoc>()
      : null;
    if (!vacancy || !PUBLIC_STATES.includes(vacancy.status)) throw new NotFoundError();
    const [school, announcement] = await Promise.all([
      Organisation.findById(vacancy.school).select({ name: 1, address: 1, countyCode: 1, parent: 1 }).lean(),
      vacancy.announcement ? Announcement.findById(vacancy.announcement).lean<AnnouncementDoc>() : null,
    ]);
    return {
      vacancy,
      school,
      announcement: announcement && PUBLIC_STATES.includes(announcement.status) ? announcement : null,
    };
  }

  /** Vacancy titles and schools by id, for lists of applications (one query for the whole list). */
  async titles(ids: unknown[]): Promise<Map<string, { title: string; school: string }>> {
    const rows = await Vacancy.find({ _id: trusted({ $in: ids }) })
      .select({ title: 1, schoolName: 1 })
      .lean();
    return new Map(rows.map((r) => [String(r._id), { title: r.title, school: r.schoolName }]));
  }
}

/** What lists, feeds, the API and emails show of a vacancy, in one language. */
export function vacancySummary(v: ListedVacancy, locale: Locale, baseUrl: string) {
  return {
    id: String(v._id),
    url: `${baseUrl}/jobs/${v._id}`,
    title: v.title,
    school: v.schoolName,
    unitCode: v.unitCode,
    countyCode: v.countyCode,
    place: placeLabel(v.countyCode, locale),
    stage: v.stage,
    stageName: stageName(v.stage, locale),
    subject: v.subject,
    subjectName: subjectName(v.subject, locale),
    postType: v.postType,
    postTypeName: postTypeName(v.postType, locale),
    headcount: v.headcount,
    payMin: v.payMin ?? null,
    payMax: v.payMax ?? null,
    housing: Boolean(v.housing),
    ruralSubsidy: v.ruralSubsidy ?? null,
    shortage: Boolean(v.shortage),
    corridor: Boolean(v.corridor),
    partnerPosted: Boolean(v.partnerPosted),
    deadline: v.deadline,
    openedAt: v.openedAt,
    status: v.status,
  };
}
