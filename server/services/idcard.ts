// Mainland resident identity card numbers (GB 11643): 18 characters, the last a MOD 11-2 check digit; they carry
// the birth date (digits 7–14) and the sex (digit 17: odd male, even female).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export interface IdCardInfo {
  number: string;
  birthDate: Date;
  gender: 'male' | 'female';
}

export function checkDigit(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  return CHECK[sum % 11]!;
}

/** The parsed number, or null when it is not a valid ID card number. */
export function parseIdCard(input: string): IdCardInfo | null {
  const number = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(number)) return null;
  if (checkDigit(number.slice(0, 17)) !== number[17]) return null;
  const y = Number(number.slice(6, 10));
  const m = Number(number.slice(10, 12));
  const d = Number(number.slice(12, 14));
  const birthDate = new Date(Date.UTC(y, m - 1, d));
  if (
    birthDate.getUTCFullYear() !== y ||
    birthDate.getUTCMonth() !== m - 1 ||
    birthDate.getUTCDate() !== d ||
    y < 1900
  ) {
    return null;
  }
  return { number, birthDate, gender: Number(number[16]) % 2 === 1 ? 'male' : 'female' };
}

/** 1101**********123X → shows the region and the last four characters only. */
export function maskIdCard(number: string): string {
  return number.length === 18 ? `${number.slice(0, 4)}${'*'.repeat(10)}${number.slice(14)}` : '';
}

/** Full years between birth and `on` (age on the announcement date). */
export function ageOn(birthDate: Date, on: Date): number {
  let age = on.getUTCFullYear() - birthDate.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < birthDate.getUTCMonth() ||
    (on.getUTCMonth() === birthDate.getUTCMonth() && on.getUTCDate() < birthDate.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
