// A candidate's saved vacancies as their list shows them: where each post stands now and where their application is.
import type { Locale } from '../i18n';
import { translator } from '../i18n';
import type { VacancyDoc } from '../../models/Vacancy';
import { presentMyApplication, presentVacancy } from './present';

/** Open posts this close to their deadline are flagged as closing soon. */
const CLOSING_SOON_DAYS = 3;

export function presentSaved(
  list: { id: string; vacancy: VacancyDoc | null }[],
  mine: Map<string, { id: string; state: string }>,
  locale: Locale,
  now: Date,
) {
  const t = translator(locale);
  return list.map(({ id, vacancy }) => {
    const application = presentMyApplication(mine.get(id), locale);
    if (!vacancy) return { id, gone: true, standing: 'gone', standingLabel: t('saved.standing.gone'), application };
    const v = presentVacancy(vacancy, locale, now);
    const standing =
      vacancy.status !== 'open' || vacancy.deadline <= now
        ? 'closed'
        : v.daysLeft <= CLOSING_SOON_DAYS
          ? 'closing'
          : 'open';
    return {
      ...v,
      gone: false,
      standing,
      standingLabel:
        standing === 'closed'
          ? t('saved.standing.closed', { date: v.deadlineDate })
          : t(`saved.standing.${standing}`, { date: v.deadlineDate, days: v.daysLeft, count: v.daysLeft }),
      application,
    };
  });
}
