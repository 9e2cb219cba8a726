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
