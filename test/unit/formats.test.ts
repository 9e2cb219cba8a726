// The strict readers of typed dates and numbers that every form and service uses.
import { cstDateTime, cstDayStart, isDay, plainDecimal, wholeNumber, yearsAfter } from '../../server/services/formats';
import { readReferralRows } from '../../server/services/referralCsv';

describe('dates as typed', () => {
  it('when a day does not exist, then it is refused instead of rolling over into the next month', () => {
    for (const bad of [
      '2027-02-30',
      '2027-13-01',
      '2027-00-10',
      '2026-02-29',
      '2027-04-31',
      '2027-2-3',
      '20270301',
      '',
    ]) {
      expect([bad, isDay(bad), cstDayStart(bad)]).toEqual([bad, false, null]);
    }
    expect(isDay('2028-02-29')).toBe(true);
    expect(cstDayStart('2027-03-01')?.toISOString()).toBe('2027-02-28T16:00:00.000Z');
  });

  it('when a date and time does not exist, then it is refused; a real one is read in China Standard Time', () => {
    for (const bad of ['2027-02-30T10:00', '2027-03-01T24:00', '2027-03-01T10:60', '2027-03-01 10:00']) {
      expect([bad, cstDateTime(bad)]).toEqual([bad, null]);
    }
    expect(cstDateTime('2027-03-01T09:30')?.toISOString()).toBe('2027-03-01T01:30:00.000Z');
  });

  it('when a deadline horizon is two years, then it ends on the same day two years later', () => {
    expect(yearsAfter(new Date('2026-12-07T00:00:00Z'), 2).toISOString()).toBe('2028-12-07T00:00:00.000Z');
  });
});

describe('numbers as typed', () => {
  it('when a whole number is written as 1e2, 0x10, " 12 ", 1.5 or with full-width digits, then it is refused', () => {
    for (const bad of ['1e2', '0x10', ' 12 ', '12 ', '1.5', '１２', '', '+3', 'Infinity', '0b11']) {
      expect([bad, wholeNumber(bad)]).toEqual([bad, null]);
    }
    expect(wholeNumber('12')).toBe(12);
    expect(wholeNumber('-3')).toBe(-3);
  });

  it('when a score has more decimals than allowed or is written as an exponent, then it is refused', () => {
    for (const bad of ['8.85e1', '88.555', ' 88', '0x10', '.5', '5.']) {
      expect([bad, plainDecimal(bad, 2)]).toEqual([bad, null]);
    }
    expect(plainDecimal('88.5', 2)).toBe(88.5);
  });

  it('when an imported referral row gives its graduation year as 2.027e3, then the row is refused', () => {
    const rows = readReferralRows([
      ['姓名', '邮箱', '毕业年份'],
      ['陈佳怡', 'chen@example.cn', '2.027e3'],
      ['王磊', 'wang@example.cn', '2027'],
    ]);
    expect(rows.map((r) => r.errors)).toEqual([['referrals.import.errors.year'], []]);
  });
});
