// Picks the page language: ?lang= (remembered in a cookie), then the cookie, then the signed-in user's saved
// preference, then Accept-Language, then zh-CN.
import type { RequestHandler } from 'express';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, translator, type Locale } from '../i18n';

export const LANG_COOKIE = 'tb_lang';

export function localeMiddleware(secureCookies: boolean): RequestHandler {
  return (req, res, next) => {
    const query = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    let locale: Locale | undefined;
    if (isLocale(query)) {
      locale = query;
      res.cookie(LANG_COOKIE, query, {
        maxAge: 365 * 24 * 3600 * 1000,
        sameSite: 'lax',
        httpOnly: true,
        secure: secureCookies,
      });
    }
    const cookie = req.cookies?.[LANG_COOKIE] as unknown;
    locale ??= isLocale(cookie) ? cookie : undefined;
    locale ??= req.user?.locale;
    locale ??= negotiateLocale(req.get('accept-language'));
    locale ??= DEFAULT_LOCALE;
    req.locale = locale;
    req.t = translator(locale);
    res.locals.locale = locale;
    res.locals.t = req.t;
    res.locals.otherLocale = locale === 'en' ? 'zh-CN' : 'en';
    // The same page in the other language (query kept, lang replaced).
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('lang', res.locals.otherLocale as string);
    res.locals.switchLangUrl = `${url.pathname}${url.search}`;
    res.vary('Accept-Language');
    next();
  };
}
