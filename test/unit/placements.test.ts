import { addMonths, checkInSchedule, commitmentEnd, nextStatus, suspendedDays } from '../../server/services/placements';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('service commitment', () => {
  it('adds calendar months, keeping month ends inside shorter months', () => {
    expect(addMonths(d('2026-01-31'), 1)).toEqual(d('2026-02-28'));
    expect(addMonths(d('2026-08-31'), 36)).toEqual(d('2029-08-31'));
  });

  it('ends after the committed years, pushed back by suspended time only', () => {
    const start = d('2026-09-01');
    expect(commitmentEnd(start, 3, [], d('2027-01-01'))).toEqual(d('2029-09-01'));
    const suspensions = [
      { from: d('2027-03-01'), to: d('2027-05-30') }, // 90 days
      { from: d('2028-01-01'), to: d('2028-01-11') }, // 10 days
    ];
    expect(suspendedDays(suspensions, d('2029-01-01'))).toBe(100);
    expect(commitmentEnd(start, 3, suspensions, d('2029-01-01'))).toEqual(d('2029-12-10'));
    // An open suspension counts up to today.
    expect(suspendedDays([{ from: d('2027-03-01'), to: null }], d('2027-03-11'))).toBe(10);
    expect(commitmentEnd(start, 0, [], d('2027-01-01'))).toBeNull();
  });

  it('schedules check-ins at 1, 3, 6, 12, 24, 36 months and at the end, within the commitment plus a year', () => {
    const start = d('2026-09-01');
    expect(checkInSchedule(start, d('2029-09-01')).map((x) => x.toISOString().slice(0, 10))).toEqual([
      '2026-10-01',
      '2026-12-01',
      '2027-03-01',
      '2027-09-01',
      '2028-09-01',
      '2029-09-01',
    ]);
    // A one-year (silver-age) commitment: up to two years after the start.
    expect(checkInSchedule(start, d('2027-09-01')).map((x) => x.toISOString().slice(0, 10))).toEqual([
      '2026-10-01',
      '2026-12-01',
      '2027-03-01',
      '2027-09-01',
      '2028-09-01',
    ]);
    // No commitment: the first year.
    expect(checkInSchedule(start, null)).toHaveLength(4);
  });

  it('moves only along the placement lifecycle', () => {
    expect(nextStatus('onboarding', 'activate')).toBe('active');
    expect(nextStatus('active', 'suspend')).toBe('suspended');
    expect(nextStatus('suspended', 'resume')).toBe('active');
    expect(nextStatus('active', 'complete')).toBe('completed');
    expect(nextStatus('suspended', 'leave')).toBe('left_early');
    expect(() => nextStatus('completed', 'leave')).toThrow();
    expect(() => nextStatus('onboarding', 'complete')).toThrow();
    expect(() => nextStatus('left_early', 'resume')).toThrow();
  });
});
