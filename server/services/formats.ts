// Strict reading of the dates and numbers people type: a day that does not exist (2027-02-30, 2027-13-01) is refused,
// never rolled over into the next month, and a whole number is digits only (no 1e2, 0x10, " 12 " or 1.5). Forms read
// them through routes/schemas.ts; services that take raw strings use these functions directly.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/;
const WHOLE = /^-?\d{1,12}$/;

/** Years a form accepts at all: anything else is a typo (20277) or a placeholder (0001). */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;

/** A calendar day written YYYY-MM-DD that exists. */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < FIRST_YEAR || y > LAST_YEAR || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The start of a day in China Standard Time, or null for anything but an existing YYYY-MM-DD. */
export function cstDayStart(value: unknown): Date | null {
  return isDay(value) ? new Date(`${value}T00:00:00+08:00`) : null;
}

/** A `datetime-local` value (YYYY-MM-DDTHH:MM) read in China Standard Time, or null if the moment does not exist. */
export function cstDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = DATE_TIME.exec(value);
  if (!m || !isDay(m[1]) || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  return new Date(`${value}:00+08:00`);
}

/** A whole number written with digits only (an optional minus), or null. */
export function wholeNumber(value: unknown): number | null {
  return typeof value === 'string' && WHOLE.test(value) ? Number(value) : null;
}

/** A number with at most `places` decimals written plainly (`88.5`, not `8.85e1` or ` 88 `), or null. */
export function plainDecimal(value: unknown, places: number): number | null {
  if (typeof value !== 'string') return null;
  const pattern = new RegExp(`^\\d{1,12}(\\.\\d{1,${places}})?$`);
  return pattern.test(value) ? Number(value) : null;
}

/** The same moment `years` later (a deadline's horizon). */
export function yearsAfter(date: Date, years: number): Date {
  const later = new Date(date);
  later.setUTCFullYear(later.getUTCFullYear() + years);
  return later;
}
