// Shared zod pieces for forms. Messages are catalogue keys (see server/middleware/forms.ts). Each piece also carries
// the attributes its input needs (required, maxlength, inputmode, min, max) as metadata: formRules() hands them to
// the page, and the form-field partial writes them, so the browser states the same limits the server enforces.
import { z } from 'zod';
import { LOCALES } from '../server/i18n';
import { withParams } from '../server/middleware/forms';
import { cstDateTime, isDay, plainDecimal, wholeNumber } from '../server/services/formats';

/** The input attributes that mirror a schema piece's rule. */
export interface FieldRule {
  required?: boolean;
  maxlength?: number;
  minlength?: number;
  inputmode?: 'numeric' | 'decimal' | 'tel' | 'email';
  min?: number;
  max?: number;
  step?: number;
}
/** A schema piece's input attributes, as `.meta(rule({...}))`: read back by formRules. */
export const rule = (form: FieldRule) => ({ form });

/** Every field's input attributes, from a form schema's pieces: pass as `rules` to the page. */
export function formRules(schema: z.ZodObject): Record<string, FieldRule> {
  const rules: Record<string, FieldRule> = {};
  for (const [name, piece] of Object.entries(schema.shape)) {
    const form = (piece as z.ZodType).meta()?.form as FieldRule | undefined;
    if (form) rules[name] = form;
  }
  return rules;
}

export const text = (max = 200) =>
  z
    .string('validation.required')
    .trim()
    .min(1, 'validation.required')
    .max(max, 'validation.tooLong')
    .meta(rule({ required: true, maxlength: max }));
export const optionalText = (max = 200) =>
  z
    .string('validation.invalid')
    .trim()
    .max(max, 'validation.tooLong')
    .default('')
    .meta(rule({ maxlength: max }));
export const email = z
  .string('validation.required')
  .trim()
  .toLowerCase()
  .min(1, 'validation.required')
  .max(254, 'validation.tooLong')
  .pipe(z.email('validation.email'))
  .meta(rule({ required: true, maxlength: 254, inputmode: 'email' }));
export const newPassword = z
  .string('validation.required')
  .min(10, 'validation.passwordTooShort')
  .max(128, 'validation.passwordTooLong')
  .meta(rule({ required: true, minlength: 10, maxlength: 128 }));
export const locale = z.enum(LOCALES, 'validation.choose');
export const phone = z
  .string('validation.invalid')
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})?$/, 'validation.phone')
  .default('')
  .meta(rule({ maxlength: 13, inputmode: 'tel' }));
/** A form field that may arrive once (string) or several times (array): always an array of strings. */
export const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''));

export const confirmPasswords = <T extends { password: string; passwordConfirm: string }>(
  v: T,
  ctx: z.RefinementCtx,
) => {
  if (v.password !== v.passwordConfirm) {
    ctx.addIssue({ code: 'custom', path: ['passwordConfirm'], message: 'validation.passwordMismatch' });
  }
};

export const objectId = z.string('validation.choose').regex(/^[a-f\d]{24}$/i, 'validation.choose');
/** "Enter a number from 1 to 500": the range travels with the error (see withParams). */
const between = (min: number, max: number) => withParams('validation.between', { min, max });
/** An optional whole number in a form, typed as digits only (see server/services/formats.ts): '' is null. */
export const optionalInt = (min: number, max: number) =>
  z
    .string('validation.invalid')
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => v === '' || wholeNumber(v) !== null, 'validation.number')
    .transform((v) => (v === '' ? null : Number(v)))
    .pipe(z.number().min(min, between(min, max)).max(max, between(min, max)).nullable())
    .meta(rule({ inputmode: 'numeric', min, max }));
export const requiredInt = (min: number, max: number) =>
  z
    .string('validation.required')
    .min(1, 'validation.required')
    .refine((v) => wholeNumber(v) !== null, 'validation.number')
    .transform(Number)
    .pipe(z.number().min(min, between(min, max)).max(max, between(min, max)))
    .meta(rule({ required: true, inputmode: 'numeric', min, max }));
/** An optional number with at most `places` decimals (scores): '' is null. */
export const optionalDecimal = (min: number, max: number, places: number) =>
  z
    .string('validation.invalid')
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => v === '' || plainDecimal(v, places) !== null, withParams('validation.decimal', { places }))
    .transform((v) => (v === '' ? null : Number(v)))
    .pipe(z.number().min(min, between(min, max)).max(max, between(min, max)).nullable())
    .meta(rule({ inputmode: 'decimal', min, max, step: 1 / 10 ** places }));
/** A checkbox: present means yes. */
export const checkbox = z
  .unknown()
  .optional()
  .transform((v) => v === '1' || v === 'on' || v === 'true');
/** A date input (YYYY-MM-DD) or empty: a day that does not exist (2027-02-30) is refused, never rolled over. */
export const optionalDate = z
  .string('validation.date')
  .trim()
  .optional()
  .transform((v) => v || null)
  .refine((v) => v === null || isDay(v), 'validation.date');
/** A date input that must be filled in. */
export const requiredDate = z
  .string('validation.required')
  .trim()
  .min(1, 'validation.required')
  .refine((v) => isDay(v), 'validation.date')
  .meta(rule({ required: true }));
/** A `datetime-local` input read in China Standard Time; a moment that does not exist is refused. */
export const requiredDateTime = z
  .string('validation.required')
  .trim()
  .min(1, 'validation.required')
  .transform((v) => cstDateTime(v))
  .refine((v): v is Date => v !== null, 'validation.dateTime')
  .meta(rule({ required: true }));
export const emptyToNull = <T extends z.ZodType>(schema: T) =>
  z
    .union([z.literal(''), schema])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

/** The sign-up forms' box for the privacy notice: required, and recorded with the notice's version. */
export const privacyConsent = z.literal('1', 'privacy.errors.required');
