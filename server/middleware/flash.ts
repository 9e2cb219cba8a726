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
  next();
};
