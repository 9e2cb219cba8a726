// Handlebars for pages: layouts, grouped partials and the helpers templates may use. `{{ }}` escapes everything;
// no helper here returns unescaped user input.
import path from 'node:path';
import { create } from 'express-handlebars';
import Handlebars, { type HelperOptions } from 'handlebars';
import { isLocale, translator } from '../i18n';
import { viewsDir } from '../paths';
import { placeLabel } from '../services/regions';

function localeOf(options: HelperOptions) {
  const locale = (options.data as { root?: { locale?: unknown } })?.root?.locale;
  return isLocale(locale) ? locale : 'zh-CN';
}

const ATTRS = ['min', 'max', 'step', 'minlength', 'maxlength', 'inputmode', 'required'] as const;

function fieldRule(field: Record<string, unknown>, options: HelperOptions): Record<string, unknown> {
  const rules = (options.data as { root?: { rules?: Record<string, Record<string, unknown>> } })?.root?.rules;
  const name = typeof field?.name === 'string' ? field.name : '';
  const fromSchema = (rules && Object.hasOwn(rules, name) ? rules[name] : undefined) ?? {};
  const merged: Record<string, unknown> = { ...fromSchema };
  for (const a of ATTRS) if (field?.[a] !== undefined && field[a] !== null) merged[a] = field[a];
  // Only number inputs take min/max/step; a date or text field's rule does not leak onto them.
  if (field?.type !== 'number') for (const a of ['min', 'max', 'step'] as const) if (!(a in field)) delete merged[a];
  if (field?.type === 'number' || field?.type === 'date' || field?.type === 'select') delete merged.inputmode;
  return merged;
}

export const helpers = {
  t(key: string, options: HelperOptions) {
    return translator(localeOf(options))(key, options.hash as Record<string, unknown>);
  },
  /** The CSRF token for a form on this page; generating it is what gives an anonymous visitor a session. */
  csrfToken(options: HelperOptions) {
    const issue = (options.data as { root?: { csrfTokenFor?: () => string } })?.root?.csrfTokenFor;
    return typeof issue === 'function' ? issue() : '';
  },
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  array: (...items: unknown[]) => items.slice(0, -1),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  /** Whether a form value (one string, or several as an array) contains `value`. */
  includes(list: unknown, value: unknown) {
    const items: unknown[] = Array.isArray(list) ? list : list === undefined || list === null ? [] : [list];
    return items.map(String).includes(String(value));
  },
  placeName(code: string, options: HelperOptions) {
    return placeLabel(code, localeOf(options));
  },
  /** A date and time in China Standard Time, as people in the region read it. */
  datetime(value: unknown, options: HelperOptions) {
    if (!value) return '';
    const date = value instanceof Date ? value : new Date(String(value));
    return new Intl.DateTimeFormat(localeOf(options), {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(date);
  },
  /** JSON-LD inside a <script> element: `<` escaped so the data cannot close the element. */
  jsonLdScript(data: unknown) {
    return new Handlebars.SafeString(JSON.stringify(data).replace(/</g, '\\u003c'));
  },
  concat: (...parts: unknown[]) => parts.slice(0, -1).join(''),
  /**
   * The attributes of a form field's control: what the partial was given (min, max, maxlength, inputmode, step,
   * required), else what the page's form schema says for that field (`rules`, from formRules in routes/schemas.ts).
   */
  fieldAttrs(field: Record<string, unknown>, options: HelperOptions) {
    const merged = fieldRule(field, options);
    const escape = Handlebars.Utils.escapeExpression;
    const html = ATTRS.filter(
      (a) => merged[a] !== undefined && merged[a] !== null && merged[a] !== false && merged[a] !== '',
    )
      .map((a) => (merged[a] === true ? ` ${a}` : ` ${a}="${escape(String(merged[a]))}"`))
      .join('');
    return new Handlebars.SafeString(html);
  },
  /** Whether a form field is required, by the partial's parameter or the page's form schema. */
  fieldRequired(field: Record<string, unknown>, options: HelperOptions) {
    return Boolean(fieldRule(field, options).required);
  },
  /** Plain text with its web addresses as links; everything is escaped before anything is marked up. */
  linkify(text: unknown) {
    const escape = Handlebars.Utils.escapeExpression;
    const html = String(text ?? '')
      .split(/(https?:\/\/[^\s<>"']+)/)
      .map((part, i) => (i % 2 === 1 ? `<a href="${escape(part)}">${escape(part)}</a>` : escape(part)))
      .join('');
    return new Handlebars.SafeString(html);
  },
};

export function createViewEngine() {
  return create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers,
  });
}
