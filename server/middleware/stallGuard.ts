// A request must not hang on a database that has stopped answering: a process stopped or frozen keeps its TCP
// connections open, and nothing fails until the driver's own heartbeat gives up. A request that has waited `waitMs`
// while the database is not answering (server/db/health.ts) is answered at once with the 503 page; if the database
// stops answering later, at that moment; unless it is being answered from memory instead (the public catalogue's
// fallbacks mark it: see DatabaseHealth.orElse). Whatever an abandoned route does afterwards goes nowhere: its late
// writes are dropped, its late errors are not reported twice (the final error handler checks `isAbandoned`).
import type { Request, RequestHandler, Response } from 'express';
import { requestScope, type DatabaseHealth } from '../db/health';

const ABANDONED = Symbol('abandoned');

export function isAbandoned(res: Response): boolean {
  return (res as unknown as Record<symbol, boolean>)[ABANDONED] === true;
}

/** From the first `end` on, the response takes no more headers or bytes (the route may still try, late). */
function muteAfterEnd(res: Response): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    const out = end(...args);
    const ignore = () => res;
    res.setHeader = ignore as unknown as Response['setHeader'];
    res.appendHeader = ignore as unknown as Response['appendHeader'];
    res.removeHeader = ignore as unknown as Response['removeHeader'];
    res.writeHead = ignore as unknown as Response['writeHead'];
    res.flushHeaders = ignore as unknown as Response['flushHeaders'];
    res.write = (() => true) as unknown as Response['write'];
    res.end = ignore as unknown as Response['end'];
    return out;
  }) as Response['end'];
}

export function stallGuard(
  health: DatabaseHealth,
  waitMs: number,
  /** Answers the request with the 503 page (the app's error handler, with a DatabaseStalledError). */
  answer: (req: Request, res: Response) => void,
  /** Paths that bound their own wait and answer in their own terms (the health check). */
  except: string[] = [],
): RequestHandler {
  return (req, res, next) => {
    if (except.includes(req.path)) return next();
    const started = Date.now();
    const scope = { fromMemory: false };
    const done = () => {
      clearTimeout(timer);
      health.off('stalled', abandon);
    };
    const abandon = () => {
      done();
      if (res.headersSent || res.writableEnded || scope.fromMemory) return;
      (res as unknown as Record<symbol, boolean>)[ABANDONED] = true;
      req.log?.warn({ waitedMs: Date.now() - started }, 'the database is not answering: 503 without waiting longer');
      muteAfterEnd(res);
      answer(req, res);
    };
    const timer = setTimeout(() => {
      if (res.headersSent) return done();
      if (!health.answering) return abandon();
      health.on('stalled', abandon);
    }, waitMs);
    timer.unref();
    res.once('finish', done);
    res.once('close', done);
    requestScope.run(scope, next);
  };
}
