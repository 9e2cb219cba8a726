// Builders for postings: vacancies stored exactly as the service stores them (derived fields included).
import { findPlace } from '../../server/services/regions';
import { vacancyRecord, type VacancyInput } from '../../server/services/vacancies';
import { Vacancy } from '../../models/Vacancy';
import type { OrganisationDoc } from '../../models/Organisation';
import type { PostingState } from '../../models/Posting';

export function vacancyInput(
  school: { _id: unknown; countyCode: string },
  fields: Partial<VacancyInput> = {},
): VacancyInput {
  return {
    title: '初中英语教师',
    schoolId: String(school._id),
    stage: 'junior',
    subject: 'english',
    postType: 'established',
    headcount: 1,
    announcementId: null,
    education: 'bachelor',
    certificateType: 'junior',
    certificateSubjectMatch: true,
    acceptExamPass: false,
    maxAge: 35,
    mandarinLevel: '2B',
    freshGraduatesOnly: false,
    hukouLimit: '',
    payMin: 4000,
    payMax: 5000,
    housing: true,
    ruralSubsidy: 500,
    benefits: '',
    description: '欢迎热爱教育的毕业生报名。',
    deadline: new Date(Date.now() + 20 * 86_400_000),
    pipeline: 'open_recruitment',
    ...fields,
  };
}

/** An open vacancy in the database, as if posted and approved. */
export async function makeOpenVacancy(
  school: Pick<OrganisationDoc, '_id' | 'name' | 'alliances' | 'countyCode' | 'province'>,
  fields: Partial<VacancyInput> = {},
  extra: { poster?: Pick<OrganisationDoc, '_id' | 'province'>; openedAt?: Date; status?: PostingState } = {},
) {
  const input = vacancyInput(school, fields);
  const record = vacancyRecord(input, extra.poster ?? school, school, findPlace(school.countyCode)!, input.deadline!);
  return Vacancy.create({ ...record, status: extra.status ?? 'open', openedAt: extra.openedAt ?? new Date() });
}
