import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from '../errors';
import type { Actor, Ctx } from '../services/actor';
import type { Role } from '../../models/User';

/** A same-site path to come back to after signing in; anything else (other hosts, schemes, `//`) is refused. */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!/^\/(?![/\\])[A-Za-z0-9\-._~/?=&%]*$/.test(value)) return undefined;
  if (value.startsWith('/login') || value.startsWith('/logout')) return undefined;
  return value;
}

export const requireUser: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  const returnTo = req.method === 'GET' ? safeReturnTo(req.originalUrl) : undefined;
  res.redirect(303, returnTo ? `/login?returnTo=${encodeURIComponent(returnTo)}` : '/login');
};

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireUser(req, res, next);
    if (!roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}

/** The signed-in actor; only call behind requireUser. */
export function actorOf(req: Request): Actor {
  if (!req.user) throw new ForbiddenError();
  return req.user;
}

/** The service context of a request: who is asking (if anyone) and the request id for the audit trail. */
export function requestCtx(req: Request): Ctx {
  return { actor: req.user ?? null, requestId: String(req.id) };
}

/** requestCtx for routes behind requireUser: the actor is known. */
export function actorCtx(req: Request): Ctx & { actor: Actor } {
  return { actor: actorOf(req), requestId: String(req.id) };
}
