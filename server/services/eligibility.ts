// Eligibility: a pure function of (vacancy requirements, profile, announcement date). Every rule yields a check
// with its outcome, so the candidate sees why, and staff see what to verify.
import { EDUCATION_LEVELS, MANDARIN_LEVELS } from '../../models/Posting';
import { ageOn } from './idcard';
import { certificateCovers } from './taxonomy';

export type Outcome = 'eligible' | 'ineligible' | 'pending';

export interface Requirements {
  stage: string;
  subject: string;
  education?: string | null;
  certificateType?: string | null;
  certificateSubjectMatch?: boolean | null;
  acceptExamPass?: boolean | null;
  maxAge?: number | null;
  mandarinLevel?: string | null;
  freshGraduatesOnly?: boolean | null;
  hukouLimit?: string | null;
}

export interface ProfileFacts {
  birthDate?: Date | null;
  education?: { level?: string | null; graduationDate?: Date | null }[];
  certificates?: {
    type?: string | null;
    subject?: string | null;
    pending?: boolean | null;
    expectedDate?: Date | null;
  }[];
  mandarinLevel?: string | null;
}

export interface Check {
  rule: 'education' | 'certificate' | 'age' | 'mandarin' | 'freshGraduate' | 'hukou';
  outcome: Outcome;
  /** Catalogue key under eligibility.reasons, with its parameters. */
  reason: string;
  params: Record<string, string | number>;
}

export interface Eligibility {
  outcome: Outcome;
  checks: Check[];
}

const rank = (list: readonly string[], value: string | null | undefined) => (value ? list.indexOf(value) : -1);
const TWO_YEARS = 2 * 365.25 * 86_400_000;
const ONE_YEAR = 365.25 * 86_400_000;

export function evaluateEligibility(req: Requirements, profile: ProfileFacts, on: Date): Eligibility {
  const checks: Check[] = [];
  const add = (rule: Check['rule'], outcome: Outcome, reason: string, params: Check['params'] = {}) =>
    checks.push({ rule, outcome, reason, params });

  const education = profile.education ?? [];
  if (req.education) {
    const best = Math.max(-1, ...education.map((e) => rank(EDUCATION_LEVELS, e.level)));
    if (best < 0) add('education', 'ineligible', 'educationMissing', { required: req.education });
    else if (best < rank(EDUCATION_LEVELS, req.education))
      add('education', 'ineligible', 'educationLow', { required: req.education });
    else add('education', 'eligible', 'educationOk', { required: req.education });
  }

  if (req.certificateType) {
    const fitting = (profile.certificates ?? []).filter(
      (c) =>
        c.type && certificateCovers(c.type, req.stage) && (!req.certificateSubjectMatch || c.subject === req.subject),
    );
    const held = fitting.find((c) => !c.pending);
    const pending = fitting.find((c) => c.pending);
    if (held) add('certificate', 'eligible', 'certificateOk');
    else if (pending && req.acceptExamPass) add('certificate', 'pending', 'certificatePending');
    else if (pending) add('certificate', 'ineligible', 'certificatePendingNotAccepted');
    else
      add(
        'certificate',
        'ineligible',
        req.certificateSubjectMatch ? 'certificateMissingSubject' : 'certificateMissing',
      );
  }

  if (req.maxAge) {
    if (!profile.birthDate) add('age', 'ineligible', 'ageUnknown', { max: req.maxAge });
    else {
      const age = ageOn(profile.birthDate, on);
      add('age', age <= req.maxAge ? 'eligible' : 'ineligible', age <= req.maxAge ? 'ageOk' : 'ageOver', {
        age,
        max: req.maxAge,
      });
    }
  }

  if (req.mandarinLevel) {
    const have = rank(MANDARIN_LEVELS, profile.mandarinLevel);
    const need = rank(MANDARIN_LEVELS, req.mandarinLevel);
    if (have < 0) add('mandarin', 'ineligible', 'mandarinMissing', { required: req.mandarinLevel });
    else
      add('mandarin', have >= need ? 'eligible' : 'ineligible', have >= need ? 'mandarinOk' : 'mandarinLow', {
        required: req.mandarinLevel,
      });
  }

  if (req.freshGraduatesOnly) {
    // Fresh graduates: graduating within a year of the announcement, or within the two-year job-seeking period after.
    const latest = Math.max(...education.map((e) => e.graduationDate?.getTime() ?? Number.NEGATIVE_INFINITY));
    const fresh = latest >= on.getTime() - TWO_YEARS && latest <= on.getTime() + ONE_YEAR;
    add('freshGraduate', fresh ? 'eligible' : 'ineligible', fresh ? 'freshOk' : 'notFresh');
  }

  // Household-registration limits are free text in announcements: staff check them at qualification review.
  if (req.hukouLimit) add('hukou', 'pending', 'hukouCheck', { limit: req.hukouLimit });

  const outcome: Outcome = checks.some((c) => c.outcome === 'ineligible')
    ? 'ineligible'
    : checks.some((c) => c.outcome === 'pending')
      ? 'pending'
      : 'eligible';
  return { outcome, checks };
}
