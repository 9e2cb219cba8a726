import { evaluateEligibility, type ProfileFacts, type Requirements } from '../../server/services/eligibility';
import { ageOn, checkDigit, maskIdCard, parseIdCard } from '../../server/services/idcard';
import { describeEligibility } from '../../server/views/present';

const ON = new Date('2026-12-01T00:00:00Z');
const base: Requirements = { stage: 'junior', subject: 'english' };
const graduate: ProfileFacts = {
  birthDate: new Date('2000-05-20T00:00:00Z'),
  education: [{ level: 'bachelor', graduationDate: new Date('2026-06-30T00:00:00Z') }],
  certificates: [{ type: 'junior', subject: 'english' }],
  mandarinLevel: '2A',
};

describe('eligibility', () => {
  it.each<[string, Partial<Requirements>, ProfileFacts, 'eligible' | 'ineligible' | 'pending', string[]]>([
    ['no requirements', {}, {}, 'eligible', []],
    ['education met', { education: 'bachelor' }, graduate, 'eligible', ['educationOk']],
    ['education too low', { education: 'master' }, graduate, 'ineligible', ['educationLow']],
    ['education missing', { education: 'college' }, {}, 'ineligible', ['educationMissing']],
    ['certificate of the stage', { certificateType: 'junior' }, graduate, 'eligible', ['certificateOk']],
    [
      'a senior certificate covers junior posts',
      { certificateType: 'junior' },
      { certificates: [{ type: 'senior' }] },
      'eligible',
      ['certificateOk'],
    ],
    [
      'a primary certificate does not cover junior posts',
      { certificateType: 'junior' },
      { certificates: [{ type: 'primary' }] },
      'ineligible',
      ['certificateMissing'],
    ],
    [
      'senior and vocational are mutually valid',
      { stage: 'vocational', certificateType: 'vocational' },
      { certificates: [{ type: 'senior' }] },
      'eligible',
      ['certificateOk'],
    ],
    [
      'practice-instructor covers only vocational',
      { stage: 'primary', certificateType: 'primary' },
      { certificates: [{ type: 'vocational_practice' }] },
      'ineligible',
      ['certificateMissing'],
    ],
    [
      'practice-instructor covers vocational posts',
      { stage: 'vocational', certificateType: 'vocational' },
      { certificates: [{ type: 'vocational_practice' }] },
      'eligible',
      ['certificateOk'],
    ],
    [
      'subject must match',
      { certificateType: 'junior', certificateSubjectMatch: true },
      { certificates: [{ type: 'junior', subject: 'math' }] },
      'ineligible',
      ['certificateMissingSubject'],
    ],
    [
      'subject matches',
      { certificateType: 'junior', certificateSubjectMatch: true },
      graduate,
      'eligible',
      ['certificateOk'],
    ],
    [
      'exam pass accepted',
      { certificateType: 'junior', acceptExamPass: true },
      { certificates: [{ type: 'junior', pending: true }] },
      'pending',
      ['certificatePending'],
    ],
    [
      'exam pass not accepted',
      { certificateType: 'junior' },
      { certificates: [{ type: 'junior', pending: true }] },
      'ineligible',
      ['certificatePendingNotAccepted'],
    ],
    ['age under the limit on the announcement date', { maxAge: 30 }, graduate, 'eligible', ['ageOk']],
    ['age over the limit', { maxAge: 25 }, graduate, 'ineligible', ['ageOver']],
    ['age unknown without an ID number', { maxAge: 35 }, {}, 'ineligible', ['ageUnknown']],
    ['Mandarin high enough', { mandarinLevel: '2B' }, graduate, 'eligible', ['mandarinOk']],
    ['Mandarin too low', { mandarinLevel: '1B' }, graduate, 'ineligible', ['mandarinLow']],
    ['fresh graduate', { freshGraduatesOnly: true }, graduate, 'eligible', ['freshOk']],
    [
      'not a fresh graduate',
      { freshGraduatesOnly: true },
      { education: [{ level: 'bachelor', graduationDate: new Date('2020-06-30T00:00:00Z') }] },
      'ineligible',
      ['notFresh'],
    ],
    ['household limit is checked by staff', { hukouLimit: '张家口市户籍' }, graduate, 'pending', ['hukouCheck']],
    [
      'one failure outweighs a pending check',
      { hukouLimit: '张家口市户籍', maxAge: 20 },
      graduate,
      'ineligible',
      ['ageOver', 'hukouCheck'],
    ],
  ])('%s', (_name, req, profile, outcome, reasons) => {
    const result = evaluateEligibility({ ...base, ...req }, profile, ON);
    expect(result.outcome).toBe(outcome);
    expect(result.checks.map((c) => c.reason)).toEqual(reasons);
  });

  it('counts age on the announcement date, birthday included', () => {
    expect(ageOn(new Date('1996-12-01T00:00:00Z'), ON)).toBe(30);
    expect(ageOn(new Date('1996-12-02T00:00:00Z'), ON)).toBe(29);
    const turning31 = evaluateEligibility({ ...base, maxAge: 30 }, { birthDate: new Date('1995-12-02T00:00:00Z') }, ON);
    expect(turning31.outcome).toBe('eligible');
  });

  it('explains every check in both languages', () => {
    const result = evaluateEligibility(
      {
        ...base,
        education: 'master',
        maxAge: 25,
        mandarinLevel: '2A',
        certificateType: 'junior',
        acceptExamPass: true,
      },
      { ...graduate, certificates: [{ type: 'junior', pending: true }] },
      ON,
    );
    const zh = describeEligibility(result, 'zh-CN');
    const en = describeEligibility(result, 'en');
    expect(zh.summary).toBe('不符合报考条件');
    expect(en.summary).toBe('Not eligible');
    expect(zh.lines.map((l) => l.text)).toEqual([
      '学历未达到要求（硕士研究生及以上）',
      '教师资格考试已合格、证书待取得：可以报名，入职前须取得证书',
      '年龄 26 周岁，超过 25 周岁的上限',
      '普通话达到要求（二级甲等及以上）',
    ]);
    expect(en.lines[2]!.text).toBe('You are 26, above the limit of 25');
    for (const line of [...zh.lines, ...en.lines]) expect(line.text).not.toMatch(/eligibility\.|\{\{/);
  });
});

describe('ID card numbers', () => {
  it('accepts a valid number and reads birth date and sex from it', () => {
    const body = '11010519491231002';
    const number = body + checkDigit(body);
    expect(number).toBe('11010519491231002X');
    expect(parseIdCard(number)).toEqual({ number, birthDate: new Date(Date.UTC(1949, 11, 31)), gender: 'female' });
    expect(parseIdCard('130722200005201234'.slice(0, 17) + checkDigit('13072220000520123'))?.gender).toBe('male');
  });

  it.each([
    ['a letter other than X', '11010519491231002Y'],
    ['a wrong check digit', '110105194912310021'],
    ['too short', '1101051949123100'],
    ['letters', 'abcdefghijklmnopqr'],
    ['month 13, even with a right check digit', '11010519491331002' + checkDigit('11010519491331002')],
    ['a birth year before 1900', '11010518991231002' + checkDigit('11010518991231002')],
  ])('refuses %s', (_why, number) => {
    expect(parseIdCard(number)).toBeNull();
  });

  it('masks all but the region and the last four characters', () => {
    expect(maskIdCard('11010519491231002X')).toBe('1101**********002X');
  });
});
