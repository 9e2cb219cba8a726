// The referral CSV: Chinese headers (English accepted too), one graduate a row, every row checked on its own.
import type { ReferralInput } from './referrals';
import { hebeiUnits } from './regions';
import { SUBJECT_KEYS, subjectNames } from './taxonomy';
import { wholeNumber } from './formats';

export const TEMPLATE_HEADERS = [
  '姓名',
  '邮箱',
  '手机',
  '专业',
  '毕业年份',
  '学历',
  '教师资格证',
  '任教学科',
  '意向地区',
  '备注',
];
const ALIASES: Record<string, string> = {
  name: '姓名',
  email: '邮箱',
  phone: '手机',
  major: '专业',
  graduationyear: '毕业年份',
  degree: '学历',
  certificates: '教师资格证',
  subjects: '任教学科',
  regions: '意向地区',
  note: '备注',
};
const DEGREES: Record<string, string> = {
  专科: 'college',
  大专: 'college',
  本科: 'bachelor',
  硕士: 'master',
  研究生: 'master',
  博士: 'doctorate',
};

export function templateCsv(): string {
  return `\uFEFF${TEMPLATE_HEADERS.join(',')}\r\n张晓明,zhangxm@example.cn,13800138000,英语,2027,本科,初中英语（已取得）,英语,张家口市、保定市,愿意到农村学校任教\r\n`;
}

const split = (s: string) =>
  s
    .split(/[、;；,，/]/)
    .map((x) => x.trim())
    .filter(Boolean);

function subjectKey(name: string): string | undefined {
  return SUBJECT_KEYS.find((k) => subjectNames(k).some((n) => n.toLowerCase() === name.toLowerCase()));
}

function unitCode(name: string): string | undefined {
  const zh = hebeiUnits('zh-CN');
  const en = hebeiUnits('en');
  const i = zh.findIndex(
    (u, j) => u.name === name || u.name.replace(/市$/, '') === name || en[j]!.name.toLowerCase() === name.toLowerCase(),
  );
  return i >= 0 ? zh[i]!.code : undefined;
}

/** Rows (after the header) as referral inputs, or the reasons a row cannot be taken (catalogue keys). */
export function readReferralRows(rows: string[][]): { row: number; input?: ReferralInput; errors: string[] }[] {
  const [header = [], ...body] = rows;
  const columns = header.map((h) => {
    const key = h.trim().replace(/^\uFEFF/, '');
    return ALIASES[key.toLowerCase().replace(/\s+/g, '')] ?? key;
  });
  const at = (cells: string[], name: string) => (cells[columns.indexOf(name)] ?? '').trim();
  return body.map((cells, i) => {
    const row = i + 2; // as the spreadsheet numbers it, header being row 1
    const errors: string[] = [];
    const name = at(cells, '姓名');
    const email = at(cells, '邮箱').toLowerCase();
    const phone = at(cells, '手机');
    const year = wholeNumber(at(cells, '毕业年份'));
    const degreeText = at(cells, '学历');
    const subjects = split(at(cells, '任教学科')).map((s) => ({ s, key: subjectKey(s) }));
    const regions = split(at(cells, '意向地区')).map((s) => ({ s, code: unitCode(s) }));
    if (!name) errors.push('referrals.import.errors.name');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push('referrals.import.errors.email');
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) errors.push('referrals.import.errors.phone');
    if (year === null || year < 2000 || year > 2100) errors.push('referrals.import.errors.year');
    if (degreeText && !DEGREES[degreeText]) errors.push('referrals.import.errors.degree');
    if (subjects.some((x) => !x.key)) errors.push('referrals.import.errors.subject');
    if (regions.some((x) => !x.code)) errors.push('referrals.import.errors.region');
    if (errors.length > 0 || year === null) return { row, errors };
    return {
      row,
      errors,
      input: {
        name: name.slice(0, 50),
        email,
        phone,
        major: at(cells, '专业').slice(0, 100),
        graduationYear: year,
        degree: DEGREES[degreeText] ?? 'bachelor',
        certificates: at(cells, '教师资格证').slice(0, 200),
        subjects: subjects.map((x) => x.key!),
        stages: [],
        preferredUnits: regions.map((x) => x.code!),
        note: at(cells, '备注').slice(0, 500),
      },
    };
  });
}
