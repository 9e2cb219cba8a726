// Reference data for posts: school stages, subjects (with aliases and shortage flags), post types and teacher
// certificate types, from server/reference/taxonomy.json. Names come in both languages.
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../i18n';
import { referenceDir } from '../paths';

interface Named {
  key: string;
  zh: string;
  en?: string;
}
export interface Subject extends Named {
  en: string;
  stages: string[];
  aliases?: string[];
  shortage?: boolean;
}
export interface PostType extends Named {
  en: string;
  serviceYears?: number;
  stages?: string[];
}
interface Taxonomy {
  stages: (Named & { en: string })[];
  subjects: Subject[];
  postTypes: PostType[];
  certificateTypes: (Named & { covers: string[] })[];
}

const data = JSON.parse(fs.readFileSync(path.join(referenceDir, 'taxonomy.json'), 'utf8')) as Taxonomy;

export const STAGE_KEYS = data.stages.map((s) => s.key);
export const SUBJECT_KEYS = data.subjects.map((s) => s.key);
export const POST_TYPE_KEYS = data.postTypes.map((p) => p.key);
export const CERTIFICATE_KEYS = data.certificateTypes.map((c) => c.key);
export const SHORTAGE_SUBJECTS = data.subjects.filter((s) => s.shortage).map((s) => s.key);

const label = (item: Named | undefined, locale: Locale) =>
  item ? (locale === 'en' && item.en ? item.en : item.zh) : '';

export const stageName = (key: string, locale: Locale) =>
  label(
    data.stages.find((s) => s.key === key),
    locale,
  );
export const subjectName = (key: string, locale: Locale) =>
  label(
    data.subjects.find((s) => s.key === key),
    locale,
  );
export const postTypeName = (key: string, locale: Locale) =>
  label(
    data.postTypes.find((p) => p.key === key),
    locale,
  );

export function subject(key: string): Subject | undefined {
  return data.subjects.find((s) => s.key === key);
}

export function isShortage(subjectKey: string): boolean {
  return SHORTAGE_SUBJECTS.includes(subjectKey);
}

/** Every name a subject goes by (Chinese, English, aliases), for search. */
export function subjectNames(key: string): string[] {
  const s = subject(key);
  return s ? [s.zh, s.en, ...(s.aliases ?? [])] : [];
}

export function options(kind: 'stages' | 'subjects' | 'postTypes', locale: Locale, selected?: unknown) {
  const list = kind === 'stages' ? data.stages : kind === 'subjects' ? data.subjects : data.postTypes;
  return list.map((item) => ({ value: item.key, label: label(item, locale), selected: item.key === selected }));
}

/** Whether a teacher certificate allows teaching at `stage` (its own level and below, as the reference data lists). */
export function certificateCovers(certificateKey: string, stage: string): boolean {
  return data.certificateTypes.find((c) => c.key === certificateKey)?.covers.includes(stage) ?? false;
}

/** Service commitment in years that a post type carries (special-post 3, targeted 6, silver-age 1); 0 for none. */
export function postTypeYears(key: string): number {
  if (key === 'silver_age') return 1;
  return data.postTypes.find((p) => p.key === key)?.serviceYears ?? 0;
}
