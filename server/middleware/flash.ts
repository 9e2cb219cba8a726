// One-shot messages shown on the next page, stored in the session as catalogue keys (translated on display).
import type { RequestHandler } from 'express';

export const flashMiddleware: RequestHandler = (req, res, next) => {
  const pending = req.session?.flash;
  if (pending && pending.length > 0) {
    res.locals.flash = pending.map((f) => ({ kind: f.kind, message: req.t(f.key, f.params ?? {}) }));
    req.session.flash = [];
  }
  req.flash = (kind, key, params) => {
    req.session.flash = [...(req.session.flash ?? []), { kind, key, params }];
  };
  // express-session saves while the response is already under way, and a browser may follow a redirect as soon as
  // it has the headers: the next page could then miss the message. Save first, then redirect.
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session?.flash?.length) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};
