// The public pages a visitor without a session sees (home, job board, a vacancy, the feed, the JSON listing) depend
// on nothing but the address, the language and the catalogue: they are kept, compressed once, for as long as the
// catalogue's stamp is unchanged and no "days left" on them has ticked over, and answered with an ETag (304 when the
// browser has it). Such visitors never touch the session store. Signed-in people, anyone with a session, and
// requests that set the language are answered by the routes as usual (those with a session: `private, no-store`).
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { RequestHandler, Response } from 'express';
import type { Clock } from '../clock';
import { DEFAULT_LOCALE, isLocale, negotiateLocale } from '../i18n';
import type { Catalogue } from '../services/catalogue';
import { LANG_COOKIE } from './locale';

const CACHEABLE = /^\/(?:|jobs|jobs\/feed\.xml|api\/v1\/vacancies|jobs\/[a-f\d]{24})$/i;

interface Kept {
  token: string;
  /** Epoch ms after which the page would read differently (a "days left" ticks over). */
  until: number;
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

export interface PublicCacheOptions {
  catalogue: Catalogue;
  clock: Clock;
  sessionCookie: string;
  /** Upper bound of the bytes kept (all three encodings); the least recently used pages go first. */
  maxBytes?: number;
}

/** Until when a page may be reused: the route says so through `res.locals.cacheUntil` (epoch ms). */
export function keepUntil(res: Response, until: number): void {
  const current = (res.locals.cacheUntil as number | undefined) ?? Infinity;
  res.locals.cacheUntil = Math.min(current, until);
}

/** The request's cookies by name (this runs before the cookie parser). */
function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function publicPageCache(o: PublicCacheOptions): RequestHandler & { clear(): void; readonly size: number } {
  const maxBytes = o.maxBytes ?? 24 * 1024 * 1024;
  const kept = new Map<string, Kept>();
  let bytes = 0;
  const weight = (k: Kept) => k.identity.length + k.gzip.length + k.br.length;
  const drop = (key: string) => {
    const k = kept.get(key);
    if (!k) return;
    bytes -= weight(k);
    kept.delete(key);
  };
  const keep = (key: string, k: Kept) => {
    drop(key);
    if (weight(k) > maxBytes / 8) return;
    kept.set(key, k);
    bytes += weight(k);
    for (const oldest of kept.keys()) {
      if (bytes <= maxBytes) break;
      drop(oldest);
    }
  };

  const handler: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !CACHEABLE.test(req.path)) return next();
    const cookies = parseCookies(req.headers.cookie);
    if (cookies?.[o.sessionCookie] !== undefined) {
      // Someone with a session may be signed in: their page (their application's status, their saved posts) is
      // theirs alone, kept by no cache on the way, nor by the browser after they sign out.
      res.setHeader('Cache-Control', 'private, no-store');
      res.vary('Cookie');
      return next();
    }
    if (req.query.lang !== undefined || req.query.within !== undefined) return next();
    const cookieLang = cookies?.[LANG_COOKIE];
    const locale = isLocale(cookieLang) ? cookieLang : (negotiateLocale(req.get('accept-language')) ?? DEFAULT_LOCALE);
    const key = `${locale} ${req.originalUrl}`;
    o.catalogue
      .fresh()
      .then((token) => {
        const hit = kept.get(key);
        if (hit && hit.token === token && o.clock.now().getTime() < hit.until) {
          // Most recently used last.
          kept.delete(key);
          kept.set(key, hit);
          return answer(req.get('if-none-match'), req.acceptsEncodings('br', 'gzip', 'identity'), hit, res);
        }
        capture(key, token, res);
        next();
      })
      .catch(next);
  };

  function capture(key: string, token: string, res: Response) {
    res.setHeader('Cache-Control', 'no-cache');
    res.vary('Accept-Encoding');
    res.vary('Accept-Language');
    res.vary('Cookie');
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (
        res.statusCode === 200 &&
        !res.getHeader('set-cookie') &&
        (typeof body === 'string' || Buffer.isBuffer(body))
      ) {
        const identity = Buffer.from(body);
        keep(key, {
          token,
          until: (res.locals.cacheUntil as number | undefined) ?? Infinity,
          type: String(res.getHeader('content-type') ?? 'text/html; charset=utf-8'),
          etag: `"${crypto.createHash('sha1').update(identity).digest('base64url')}"`,
          identity,
          gzip: zlib.gzipSync(identity, { level: 6 }),
          br: zlib.brotliCompressSync(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
        });
      }
      return send(body);
    };
  }

  function answer(ifNoneMatch: string | undefined, encoding: string | false, hit: Kept, res: Response) {
    res.setHeader('Content-Type', hit.type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding, Accept-Language, Cookie');
    res.setHeader('ETag', hit.etag);
    if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).some((t) => t.replace(/^W\//, '') === hit.etag)) {
      res.status(304).end();
      return;
    }
    const body = encoding === 'br' ? hit.br : encoding === 'gzip' ? hit.gzip : hit.identity;
    if (body !== hit.identity) res.setHeader('Content-Encoding', encoding as string);
    res.setHeader('Content-Length', body.length);
    res.status(200).end(res.req.method === 'HEAD' ? undefined : body);
  }

  return Object.assign(handler, {
    clear() {
      kept.clear();
      bytes = 0;
    },
    get size() {
      return kept.size;
    },
  });
}
