// Form validation with zod: field-keyed i18n keys on failure, so the page re-renders with the user's input.
import type { Response } from 'express';
import type { z } from 'zod';
import type { FieldErrors } from '../errors';

/** An error key with its parameters (`validation.tooLong?max=100`); every `t` reads them back. */
export function withParams(key: string, params: Record<string, string | number>): string {
  return `${key}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function parseForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    // Messages in our schemas are catalogue keys; zod's own (type errors from tampered forms) map to a generic one.
    errors[field] ??= limitStated(issue) ?? (isKey(issue.message) ? issue.message : 'validation.invalid');
  }
  return { ok: false, errors };
}

const isKey = (message: string) => message.includes('.') && !message.includes(' ');

/** "最多 100 字", "最多选 6 项": the generic too-long and too-many errors state their limit. */
function limitStated(issue: z.core.$ZodIssue): string | null {
  if (issue.code !== 'too_big' || (typeof issue.maximum !== 'number' && typeof issue.maximum !== 'bigint')) return null;
  if (issue.origin === 'string' && issue.message === 'validation.tooLong')
    return withParams('validation.maxLength', { max: Number(issue.maximum) });
  if (issue.origin === 'array' && issue.message === 'validation.tooMany')
    return withParams('validation.maxItems', { max: Number(issue.maximum) });
  return null;
}

/** Strips secrets before a form's values go back into the page. */
export function echo(values: unknown, omit: string[] = ['password', 'currentPassword', 'newPassword', '_csrf']) {
  if (typeof values !== 'object' || values === null) return {};
  return Object.fromEntries(
    Object.entries(values).filter(([k, v]) => !omit.includes(k) && (typeof v === 'string' || Array.isArray(v))),
  );
}

/**
 * Re-renders a form with status 422, its errors and the user's values. `labels` names the fields whose label is not
 * `fields.<name>` in the catalogue (field name → catalogue key), so the summary can say which field is wrong.
 */
export function renderInvalid(
  res: Response,
  view: string,
  locals: Record<string, unknown>,
  errors: FieldErrors,
  values: unknown,
  labels: Record<string, string> = {},
) {
  res.status(422).render(view, { ...locals, ...formLocals(res, { values: echo(values), errors }, labels) });
}

/** What a form page shows after a refused submission (or nothing, on first view): its values, errors and summary. */
export type FormState = { values: Record<string, unknown>; errors: FieldErrors };

/** A form page's locals for its state: the values to show again, the errors by field, and the summary naming them. */
export function formLocals(res: Response, form: FormState, labels: Record<string, string> = {}) {
  return { values: form.values, errors: form.errors, errorList: errorList(res, form.errors, labels) };
}

/** The error summary: one line per field, "学历：请从列表中选择。", each linking to its field. */
export function errorList(res: Response, errors: FieldErrors, labels: Record<string, string> = {}) {
  const t = res.locals.t;
  return Object.entries(errors).map(([field, key]) => {
    const message = t(key);
    const label = fieldLabel(t, field, labels);
    return { field, message: label ? t('forms.fieldError', { label, message }) : message };
  });
}

/** A field's label: the form's own key for it, else `fields.<name>`; null when neither is in the catalogue. */
function fieldLabel(t: Response['locals']['t'], field: string, labels: Record<string, string>): string | null {
  for (const key of [labels[field], `fields.${field}`]) {
    if (!key) continue;
    const label = t(key);
    if (label !== key) return label;
  }
  return null;
}

/**
 * A text field of a body parsed without a schema: the string sent, or '' for anything else (a repeated field's
 * array, or a JSON object whose `toString` is not a function, which `String()` would throw on).
 */
export function field(body: unknown, key: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : '';
}

/** A numeric field of a body parsed without a schema: NaN unless a string or number was sent. */
export function numberField(body: unknown, key: string): number {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
}

/** A repeatable field (checkboxes): its strings, whether one or several were sent; anything else is dropped. */
export function listField(body: unknown, key: string): string[] {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
