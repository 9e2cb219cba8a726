// Translation: zh-CN is the default, en complete. One catalogue per locale under ./locales, the same `t` for
// pages, flash messages, validation errors and emails.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { localesDir } from '../paths';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export type Catalogue = { [key: string]: string | Catalogue };

export function loadCatalogue(locale: Locale): Catalogue {
  return JSON.parse(fs.readFileSync(path.join(localesDir, `${locale}.json`), 'utf8')) as Catalogue;
}

const i18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: loadCatalogue(l) }])),
  lng: DEFAULT_LOCALE,
  fallbackLng: false,
  initAsync: false,
  returnNull: false,
  // Handlebars escapes `{{t ...}}` output and emails are escaped by their templates, so no double escaping here.
  interpolation: { escapeValue: false },
});

export type Translate = TFunction;

/**
 * A field error may carry its parameters after the key (`validation.tooLong?max=100`, see withParams in
 * server/middleware/forms.ts), so a limit travels with the error through re-renders and flash to the page.
 */
export function translator(locale: Locale): Translate {
  const fixed = i18n.getFixedT(locale);
  const t = (key: unknown, options?: unknown) => {
    if (typeof key === 'string' && key.includes('?')) {
      const [bare = '', query = ''] = key.split('?', 2);
      const params = Object.fromEntries(new URLSearchParams(query));
      return fixed(bare, { ...params, ...(typeof options === 'object' ? options : {}) });
    }
    return (fixed as (k: unknown, o?: unknown) => string)(key, options);
  };
  return t as unknown as Translate;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Maps a loose language tag (`zh`, `zh-Hans-CN`, `en-GB`) to a supported locale. */
export function matchLocale(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

/** Picks the best supported locale from an Accept-Language header, honouring q-values. */
export function negotiateLocale(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** Flattens a catalogue to dotted keys, for parity checks. */
export function flattenKeys(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flattenKeys(value, `${prefix}${key}.`),
  );
}
