import crypto from 'node:crypto';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'teachbridge' },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password', '*.password'], remove: true },
  });
}

/** Query parameters that are secrets: their values never reach a log line, even when a stale page sends them. */
const SECRET_PARAMS = ['_csrf'];

/** A URL (or path with a query) with the values of secret parameters replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (all: string, sep: string, name: string) =>
    SECRET_PARAMS.includes(decodeURIComponent(name)) ? `${sep}${name}=[redacted]` : all,
  );
}

/** pino-http's request serializer, with secret query parameters redacted from the url, query and Referer. */
export function redactRequest<R extends { url?: string; query?: unknown; headers?: Record<string, unknown> }>(
  req: R,
): R {
  const query =
    req.query && typeof req.query === 'object'
      ? Object.fromEntries(Object.entries(req.query).filter(([k]) => !SECRET_PARAMS.includes(k)))
      : req.query;
  const referer = req.headers?.referer;
  return {
    ...req,
    url: redactUrl(req.url),
    query,
    ...(typeof referer === 'string' ? { headers: { ...req.headers, referer: redactUrl(referer) } } : {}),
  };
}

/** One log line per request, with its request id (echoed as X-Request-Id) and no secrets from its URL. */
export function httpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/public/') },
    serializers: { req: redactRequest },
  });
}
