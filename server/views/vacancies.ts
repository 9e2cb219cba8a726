// The staff vacancy list as its page shows it: each post with its applicants per stage, in the reader's language.
import type { Locale } from '../i18n';
import { translator } from '../i18n';
import type { VacancyDoc } from '../../models/Vacancy';
import { OUTCOMES } from '../../models/Application';
import { stagesOf } from '../services/applications';
import { presentVacancy } from './present';

export function presentStaffVacancies(
  list: VacancyDoc[],
  counts: Map<string, Record<string, number>>,
  locale: Locale,
  now: Date,
) {
  const t = translator(locale);
  return list.map((v) => {
    const id = String(v._id);
    const mine = counts.get(id) ?? {};
    // The pipeline's stages in order, then the side outcomes; only those with someone in them.
    const stages = [...stagesOf(v.pipeline), ...OUTCOMES]
      .filter((s) => (mine[s] ?? 0) > 0)
      .map((s) => ({
        key: s,
        count: mine[s]!,
        label: t(`applications.stages.${s}`),
        link: `/manage/vacancies/${id}/applications?stage=${s}`,
      }));
    return {
      ...presentVacancy(v, locale, now),
      applicants: Object.values(mine).reduce((n, c) => n + c, 0),
      stages,
      boardLink: `/manage/vacancies/${id}/applications`,
    };
  });
}
