// The public job board's filters: parsed from the URL (unknown values dropped), turned into one database filter,
// and written back as a canonical query string so every search can be shared, bookmarked, fed and alerted on.
import { trusted } from 'mongoose';
import type { Locale } from '../i18n';
import { translator } from '../i18n';
import { findPlace, isHebeiUnit, placeLabel, unitName } from './regions';
import { criteriaFilter, type ProgrammeCriteria } from './incentives';
import { terms } from './search';
import { POST_TYPE_KEYS, postTypeName, STAGE_KEYS, stageName, SUBJECT_KEYS, subjectName } from './taxonomy';

export const PER_PAGE = 20;
export const MAX_PAGE = 500;

export interface BoardFilters {
  q?: string;
  unit?: string;
  county?: string;
  stage?: string;
  subject?: string;
  postType?: string;
  announcement?: string;
  shortage?: boolean;
  corridor?: boolean;
  partner?: boolean;
  /** Only vacancies offering a sponsored incentive now. */
  incentive?: boolean;
  /** Deadline within this many days. */
  within?: number;
  sort: 'newest' | 'deadline';
  page: number;
}

const one = (v: unknown): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};
const flag = (v: unknown) => one(v) === '1' || one(v) === 'true' || one(v) === 'on';

export function parseFilters(query: Record<string, unknown>): BoardFilters {
  const f: BoardFilters = { sort: one(query.sort) === 'deadline' ? 'deadline' : 'newest', page: 1 };
  const q = one(query.q);
  if (q) f.q = q.slice(0, 60);
  const unit = one(query.unit);
  if (unit && isHebeiUnit(unit)) f.unit = unit;
  // A county chooses its city; a county outside the city chosen is refused (see refusedCounty).
  const county = one(query.county);
  const place = county ? findPlace(county) : undefined;
  if (place && place.province === 'hebei' && (!f.unit || place.unitCode === f.unit)) {
    f.county = place.countyCode;
    f.unit = place.unitCode;
  }
  const stage = one(query.stage);
  if (stage && STAGE_KEYS.includes(stage)) f.stage = stage;
  const subject = one(query.subject);
  if (subject && SUBJECT_KEYS.includes(subject)) f.subject = subject;
  const postType = one(query.postType);
  if (postType && POST_TYPE_KEYS.includes(postType)) f.postType = postType;
  const announcement = one(query.announcement);
  if (announcement && /^[a-f\d]{24}$/i.test(announcement)) f.announcement = announcement;
  if (flag(query.shortage)) f.shortage = true;
  if (flag(query.corridor)) f.corridor = true;
  if (flag(query.partner)) f.partner = true;
  if (flag(query.incentive)) f.incentive = true;
  const within = Number(one(query.within));
  if (Number.isInteger(within) && within > 0 && within <= 365) f.within = within;
  const page = Number(one(query.page));
  if (Number.isInteger(page) && page > 1) f.page = Math.min(page, MAX_PAGE);
  return f;
}

/** The county a query names outside the city it also names: parseFilters drops it, and the page says so. */
export function refusedCounty(query: Record<string, unknown>): string | undefined {
  const unit = one(query.unit);
  const place = findPlace(one(query.county) ?? '');
  if (!unit || !isHebeiUnit(unit) || !place || place.province !== 'hebei') return undefined;
  return place.unitCode === unit ? undefined : place.countyCode;
}

/** The canonical query string (fixed key order, defaults left out); `page` only when asked for. */
export function toQueryString(f: BoardFilters, extra: { page?: number } = {}): string {
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.unit && !f.county) params.set('unit', f.unit);
  if (f.county) params.set('county', f.county);
  if (f.stage) params.set('stage', f.stage);
  if (f.subject) params.set('subject', f.subject);
  if (f.postType) params.set('postType', f.postType);
  if (f.announcement) params.set('announcement', f.announcement);
  if (f.shortage) params.set('shortage', '1');
  if (f.corridor) params.set('corridor', '1');
  if (f.partner) params.set('partner', '1');
  if (f.incentive) params.set('incentive', '1');
  if (f.within) params.set('within', String(f.within));
  if (f.sort !== 'newest') params.set('sort', f.sort);
  if (extra.page && extra.page > 1) params.set('page', String(extra.page));
  return params.toString();
}

export function hasFilters(f: BoardFilters): boolean {
  return toQueryString({ ...f, sort: 'newest', page: 1 }) !== '';
}

/**
 * The database filter for open vacancies matching `f` (operators marked trusted: see server/db/connect.ts).
 * `incentives`: the criteria of the programmes offered now, for the "with sponsored incentive" filter.
 */
export function vacancyFilter(
  f: BoardFilters,
  now: Date,
  incentives: ProgrammeCriteria[] = [],
): Record<string, unknown> {
  const filter: Record<string, unknown> = { status: 'open' };
  if (f.unit) filter.unitCode = f.unit;
  if (f.county) filter.countyCode = f.county;
  if (f.stage) filter.stage = f.stage;
  if (f.subject) filter.subject = f.subject;
  if (f.postType) filter.postType = f.postType;
  if (f.announcement) filter.announcement = f.announcement;
  if (f.shortage) filter.shortage = true;
  if (f.corridor) filter.corridor = true;
  if (f.partner) filter.partnerPosted = true;
  if (f.within) filter.deadline = trusted({ $gte: now, $lte: new Date(now.getTime() + f.within * 86_400_000) });
  const words = f.q ? terms(f.q) : [];
  if (words.length > 0) filter.searchTerms = trusted({ $all: words });
  // No programme offered: nothing matches (an `$or` needs at least one branch).
  if (f.incentive) filter.$or = trusted(incentives.length ? incentives.map(criteriaFilter) : [{ _id: null }]);
  return filter;
}

export function sortFor(f: BoardFilters): Record<string, 1 | -1> {
  return f.sort === 'deadline' ? { deadline: 1, _id: 1 } : { openedAt: -1, _id: -1 };
}

/** A search in words, for people: "承德市 · 音乐 · 紧缺学科 · “英语”". */
export function describeFilters(f: BoardFilters, locale: Locale): string {
  const t = translator(locale);
  const parts: string[] = [];
  if (f.county) parts.push(placeLabel(f.county, locale));
  else if (f.unit) parts.push(unitName(f.unit, locale));
  if (f.stage) parts.push(stageName(f.stage, locale));
  if (f.subject) parts.push(subjectName(f.subject, locale));
  if (f.postType) parts.push(postTypeName(f.postType, locale));
  if (f.shortage) parts.push(t('jobs.badges.shortage'));
  if (f.corridor) parts.push(t('jobs.badges.corridor'));
  if (f.partner) parts.push(t('jobs.badges.partner'));
  if (f.incentive) parts.push(t('incentives.public.badge'));
  if (f.within) parts.push(t('jobs.withinDays', { count: f.within }));
  if (f.announcement) parts.push(t('fields.announcement'));
  if (f.q) parts.push(`“${f.q}”`);
  return parts.length > 0 ? parts.join(' · ') : t('alerts.everything');
}
