// Renders views/emails/<name>.{html,text}.hbs per locale; the subject is the catalogue's `emails.<name>.subject`.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from '../i18n';
import { viewsDir } from '../paths';

const emailsDir = path.join(viewsDir, 'emails');

type Template = (context: Record<string, unknown>) => string;
const compiled = new Map<string, { html: Template; text: Template }>();
const engines = new Map<Locale, typeof Handlebars>();

/** One Handlebars environment per locale, whose `t` helper speaks that locale. */
function engine(locale: Locale): typeof Handlebars {
  let hbs = engines.get(locale);
  if (!hbs) {
    hbs = Handlebars.create();
    const t = translator(locale);
    hbs.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => t(key, options.hash));
    hbs.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // For emails that carry an English version below the Chinese one.
    const en = translator('en');
    hbs.registerHelper('tEn', (key: string, options: Handlebars.HelperOptions) => en(key, options.hash));
    hbs.registerPartial('layout', fs.readFileSync(path.join(emailsDir, 'layout.html.hbs'), 'utf8'));
    engines.set(locale, hbs);
  }
  return hbs;
}

function templates(name: string, locale: Locale) {
  const key = `${locale}:${name}`;
  let hit = compiled.get(key);
  if (!hit) {
    if (!/^[a-zA-Z]+$/.test(name)) throw new Error(`Invalid email template name ${name}`);
    const read = (file: string) => fs.readFileSync(path.join(emailsDir, file), 'utf8');
    const hbs = engine(locale);
    hit = {
      html: hbs.compile(`{{#> layout}}${read(`${name}.html.hbs`)}{{/layout}}`),
      // Plain text is not HTML: no entity escaping.
      text: hbs.compile(read(`${name}.text.hbs`), { noEscape: true }),
    };
    compiled.set(key, hit);
  }
  return hit;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export function renderEmail(name: string, locale: string, data: Record<string, unknown>): RenderedMail {
  const lng: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const t = translator(lng);
  const subjectKey = `emails.${name}.subject`;
  const subject = t(subjectKey, data);
  if (subject === subjectKey) throw new Error(`Missing subject for email ${name}`);
  const { html, text } = templates(name, lng);
  const context = { ...data, locale: lng, subject };
  // A subject is a header: no line break may reach it (header injection).
  return { subject: subject.replace(/[\r\n]+/g, ' '), html: html(context), text: text(context) };
}
