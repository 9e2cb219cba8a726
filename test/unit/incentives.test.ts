// The rules of incentive programmes: which vacancies qualify, how many places the budget still covers, and when a
// programme is offered.
import fc from 'fast-check';
import { isOffered, matches, NO_CRITERIA, placesLeft } from '../../server/services/incentives';

const ANY = NO_CRITERIA;
// 张北县 (a county, rural) in Zhangjiakou; 长安区 (an urban district) in Shijiazhuang.
const ruralEnglish = {
  unitCode: '1307',
  countyCode: '130722',
  stage: 'junior',
  subject: 'english',
  postType: 'special_post',
  shortage: true,
};
const urbanMaths = {
  unitCode: '1301',
  countyCode: '130102',
  stage: 'senior',
  subject: 'math',
  postType: 'established',
  shortage: false,
};

it('an empty criterion admits anything; each one set must hold', () => {
  expect(matches(ANY, ruralEnglish)).toBe(true);
  expect(matches(ANY, urbanMaths)).toBe(true);
  const rural = { ...ANY, ruralOnly: true };
  expect([matches(rural, ruralEnglish), matches(rural, urbanMaths)]).toEqual([true, false]);
  const shortage = { ...ANY, shortageOnly: true };
  expect([matches(shortage, ruralEnglish), matches(shortage, urbanMaths)]).toEqual([true, false]);
  const englishOrMusic = { ...ANY, subjects: ['english', 'music'] };
  expect([matches(englishOrMusic, ruralEnglish), matches(englishOrMusic, urbanMaths)]).toEqual([true, false]);
  // Every criterion at once: one failing is enough to refuse.
  const narrow = { ...ANY, units: ['1307'], stages: ['junior'], subjects: ['english'], postTypes: ['special_post'] };
  expect(matches(narrow, ruralEnglish)).toBe(true);
  expect(matches(narrow, { ...ruralEnglish, postType: 'contract' })).toBe(false);
  expect(matches({ ...ANY, counties: ['130723'] }, ruralEnglish)).toBe(false);
});

it('places left: the fewer of the places and what the budget still covers, never negative', () => {
  // 500 a month for 36 months is 18,000 per teacher: a 100,000 budget covers 5 teachers, whatever the places say.
  const p = { places: 10, placesUsed: 0, budget: 100_000, amount: 500, periods: 36 };
  expect(placesLeft(p)).toBe(5);
  expect(placesLeft({ ...p, placesUsed: 4 })).toBe(1);
  expect(placesLeft({ ...p, placesUsed: 5 })).toBe(0);
  expect(placesLeft({ ...p, budget: 1_000_000, placesUsed: 9 })).toBe(1);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 48 }),
      fc.integer({ min: 1, max: 5_000_000 }),
      (places, used, amount, periods, budget) => {
        const left = placesLeft({ places, placesUsed: used, budget, amount, periods });
        // Taking every place left never commits more than the budget, nor more places than offered.
        return (
          left >= 0 &&
          (used + left) * amount * periods <= Math.max(budget, used * amount * periods) &&
          used + left <= Math.max(places, used)
        );
      },
    ),
  );
});

it('offered only while approved, within its dates (whole China days) and with a place left', () => {
  const p = {
    status: 'approved' as const,
    startsOn: new Date('2026-09-01T00:00:00+08:00'),
    endsOn: new Date('2027-08-31T00:00:00+08:00'),
    places: 2,
    placesUsed: 0,
    budget: 36_000,
    amount: 500,
    periods: 36,
  };
  expect(isOffered(p, new Date('2026-08-31T23:59:59+08:00'))).toBe(false);
  expect(isOffered(p, new Date('2026-09-01T00:00:00+08:00'))).toBe(true);
  expect(isOffered(p, new Date('2027-08-31T23:59:59+08:00'))).toBe(true); // the whole last day
  expect(isOffered(p, new Date('2027-09-01T00:00:00+08:00'))).toBe(false);
  const during = new Date('2026-12-01T10:00:00+08:00');
  expect(isOffered({ ...p, status: 'submitted' as const }, during)).toBe(false);
  expect(isOffered({ ...p, placesUsed: 2 }, during)).toBe(false);
  expect(isOffered({ ...p, budget: 17_999 }, during)).toBe(false); // not even one teacher's whole award
});
