// Turns stored postings into what pages show: names in the reader's language, requirements in plain words.
import type { Locale } from '../i18n';
import { translator } from '../i18n';
import type { AnnouncementDoc } from '../../models/Announcement';
import type { Eligibility } from '../services/eligibility';
import type { ListedVacancy } from '../../models/Vacancy';
import { placeLabel } from '../services/regions';
import { postTypeName, stageName, subjectName } from '../services/taxonomy';

const DAY = 86_400_000;

/** YYYY-MM-DD in China Standard Time (what a date input shows and sends). */
/** A list's page position and the links to its neighbours, for the pager partial. */
export function pager(at: { page: number; pages: number }, link: (page: number) => string) {
  return {
    page: at.page,
    pages: at.pages,
    prev: at.page > 1 ? link(at.page - 1) : null,
    next: at.page < at.pages ? link(at.page + 1) : null,
  };
}

export function cstDate(date: Date | null | undefined): string {
  if (!date) return '';
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * YYYY-MM-DD HH:mm (with seconds if asked) in China Standard Time: a moment as the pages show it, in a form a
 * spreadsheet reads (CSV exports, the reports' "taken at").
 */
export function cstDateTime(date: Date | null | undefined, options: { seconds?: boolean } = {}): string {
  if (!date) return '';
  const iso = new Date(date.getTime() + 8 * 3600 * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, options.seconds ? 19 : 16)}`;
}

/** A date input's value as the end of that day in China Standard Time. */
export function endOfCstDay(value: string): Date {
  return new Date(`${value}T23:59:59+08:00`);
}

/** When a vacancy's "days left" next reads differently (epoch ms); never, once its deadline has passed. */
export function daysLeftChangesAt(deadline: Date, now: Date): number {
  const left = Math.ceil((deadline.getTime() - now.getTime()) / DAY);
  return left > 0 ? deadline.getTime() - (left - 1) * DAY : Infinity;
}

export function presentVacancy<V extends ListedVacancy>(v: V, locale: Locale, now: Date) {
  const t = translator(locale);
  const r = v.requirements ?? ({} as NonNullable<ListedVacancy['requirements']>);
  const requirements: string[] = [t(`vacancies.education.${r.education ?? 'bachelor'}`)];
  if (r.certificateType) {
    requirements.push(
      t('vacancies.req.certificate', { certificate: t(`taxonomy.certificates.${r.certificateType}`) }) +
        (r.certificateSubjectMatch ? t('vacancies.req.subjectMatch') : '') +
        (r.acceptExamPass ? t('vacancies.req.examPass') : ''),
    );
  }
  if (r.maxAge) requirements.push(t('vacancies.req.maxAge', { age: r.maxAge }));
  if (r.mandarinLevel)
    requirements.push(t('vacancies.req.mandarin', { level: t(`vacancies.mandarin.${r.mandarinLevel}`) }));
  if (r.freshGraduatesOnly) requirements.push(t('vacancies.req.freshOnly'));
  if (r.hukouLimit) requirements.push(t('vacancies.req.hukou', { limit: r.hukouLimit }));
  const daysLeft = Math.ceil((v.deadline.getTime() - now.getTime()) / DAY);
  let pay = '';
  if (v.payMin && v.payMax) pay = t('vacancies.pay.range', { min: v.payMin, max: v.payMax });
  else if (v.payMin) pay = t('vacancies.pay.from', { min: v.payMin });
  else if (v.payMax) pay = t('vacancies.pay.upTo', { max: v.payMax });
  return {
    ...v,
    id: String(v._id),
    stageName: stageName(v.stage, locale),
    subjectName: subjectName(v.subject, locale),
    postTypeName: postTypeName(v.postType, locale),
    place: placeLabel(v.countyCode, locale),
    requirementLines: requirements,
    pay,
    deadlineDate: cstDate(v.deadline),
    daysLeft: daysLeft > 0 ? daysLeft : 0,
    pipelineName: t(`vacancies.pipelines.${v.pipeline}`),
  };
}

export function presentAnnouncement(a: AnnouncementDoc, locale: Locale) {
  const t = translator(locale);
  return {
    ...a,
    id: String(a._id),
    programmeName: t(`announcements.programmes.${a.programme}`),
    phaseRows: a.phases.map((p) => ({
      name: t(`announcements.phases.${p.kind}`),
      start: cstDate(p.start),
      end: cstDate(p.end),
    })),
    dates: announcementDates(a),
  };
}

/** A drive's dates for a list: its registration window, and the span of all its phases, in China time. */
function announcementDates(a: Pick<AnnouncementDoc, 'phases' | 'openedAt'>) {
  const starts = a.phases.flatMap((p) => (p.start ? [p.start.getTime()] : []));
  const ends = a.phases.flatMap((p) => (p.end ? [p.end.getTime()] : []));
  const registration = a.phases.find((p) => p.kind === 'registration');
  return {
    published: a.openedAt ? cstDate(a.openedAt) : '',
    registration:
      registration && (registration.start || registration.end)
        ? { start: cstDate(registration.start), end: cstDate(registration.end) }
        : null,
    span:
      starts.length || ends.length
        ? {
            start: starts.length ? cstDate(new Date(Math.min(...starts))) : '',
            end: ends.length ? cstDate(new Date(Math.max(...ends))) : '',
          }
        : null,
  };
}

/** An eligibility result in words: a summary and one line per rule checked. */
export function describeEligibility(e: Eligibility, locale: Locale) {
  const t = translator(locale);
  return {
    outcome: e.outcome,
    summary: t(`eligibility.outcomes.${e.outcome}`),
    lines: (e.checks ?? []).map((c) => {
      // Stored checks lose empty params (Mongoose minimises empty objects).
      const params = c.params ?? {};
      const required =
        c.rule === 'education'
          ? t(`vacancies.education.${params.required}`)
          : c.rule === 'mandarin'
            ? t(`vacancies.mandarin.${params.required}`)
            : params.required;
      return { outcome: c.outcome, text: t(`eligibility.reasons.${c.reason}`, { ...params, required }) };
    }),
  };
}

/** A candidate's own application to a post, as one line ("已报名 · 资格审查中") with the link to it. */
export function presentMyApplication(mine: { id: string; state: string } | undefined, locale: Locale) {
  if (!mine) return null;
  const t = translator(locale);
  return {
    id: mine.id,
    link: `/me/applications/${mine.id}`,
    state: mine.state,
    line: t('applications.mine.status', { state: t(`applications.progress.${mine.state}`) }),
  };
}
