// The privacy notice (public, versioned) and accepting a new version: a signed-in user who has not accepted the
// current notice is sent here before anything else.
import { Router, type RequestHandler } from 'express';
import type { RouteDeps } from '.';
import { ForbiddenError } from '../server/errors';
import { actorCtx, requireUser, safeReturnTo } from '../server/middleware/guards';
import { PRIVACY_VERSION } from '../server/services/privacy';

const OPEN_PATHS = [/^\/privacy(\/|$)/, /^\/logout$/, /^\/public\//, /^\/healthz$/];

/** Everyone signed in has accepted the current notice: pages ask for it, other requests are refused until then. */
export const requirePrivacyConsent: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (!user || user.privacyAccepted || OPEN_PATHS.some((p) => p.test(req.path))) return next();
  if (req.method === 'GET') {
    const back = safeReturnTo(req.originalUrl);
    return res.redirect(303, `/privacy/consent${back ? `?returnTo=${encodeURIComponent(back)}` : ''}`);
  }
  next(new ForbiddenError('privacy.errors.required'));
};

export function privacyRouter({ services }: RouteDeps): Router {
  const router = Router();

  router.get('/privacy', (req, res) => {
    res.render('pages/privacy/notice', { title: req.t('privacy.title'), version: PRIVACY_VERSION });
  });

  router.get('/privacy/consent', requireUser, (req, res) => {
    res.render('pages/privacy/consent', {
      title: req.t('privacy.consent.title'),
      version: PRIVACY_VERSION,
      returnTo: safeReturnTo(req.query.returnTo) ?? '',
    });
  });

  router.post('/privacy/consent', requireUser, async (req, res) => {
    await services.privacy.consent(actorCtx(req), 'privacy');
    const back = safeReturnTo((req.body as Record<string, unknown> | undefined)?.returnTo);
    res.redirect(303, back ?? '/account');
  });

  return router;
}
