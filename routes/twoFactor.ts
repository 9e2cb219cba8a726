// Two-factor sign-in: the code step after the password, and enrolment, recovery codes and switching off under
// /account/2fa. Coordinators cannot use anything else until they have enrolled.
import { Router, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ConflictError, ForbiddenError, ValidationError } from '../server/errors';
import { errorList, parseForm, renderInvalid } from '../server/middleware/forms';
import { actorCtx, actorOf, requestCtx, requireUser } from '../server/middleware/guards';
import { byAddress, limiter } from '../server/middleware/rateLimit';
import { homeFor, login } from './account';

const codeSchema = z.object({
  code: z.string('validation.required').trim().min(1, 'validation.required').max(20, 'validation.tooLong'),
});
const disableSchema = codeSchema.extend({
  password: z.string('validation.required').min(1, 'validation.required').max(1024, 'validation.tooLong'),
});

/** Where a coordinator without a second factor may still go: enrolment itself, signing out, and static files. */
const ENROLMENT_PATHS = [/^\/account\/2fa(\/|$)/, /^\/privacy(\/|$)/, /^\/logout$/, /^\/public\//, /^\/healthz$/];

/** Coordinators enrol before anything else: pages redirect to enrolment, other requests are refused. */
export const requireTwoFactorEnrolment: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (!user || user.role !== 'coordinator' || user.twoFactor || ENROLMENT_PATHS.some((p) => p.test(req.path)))
    return next();
  if (req.method === 'GET') {
    req.flash('info', 'twoFactor.mustEnrol');
    return res.redirect(303, '/account/2fa');
  }
  next(new ForbiddenError('twoFactor.mustEnrol'));
};

export function twoFactorRouter({ services, config, clock }: RouteDeps): Router {
  const router = Router();
  const { twoFactor, accounts } = services;
  const windowMs = config.rateLimits.windowMs;

  router.get('/login/2fa', (req, res) => {
    const pending = req.session.twoFactor;
    if (!pending || pending.until < clock.now().getTime()) return res.redirect(303, '/login');
    res.render('pages/account/two-factor-login', { title: req.t('twoFactor.login.title'), values: {} });
  });

  // Guesses are counted per account being signed in to (a code has a million values; ten tries a window is plenty).
  const guesses = limiter('login-2fa', config.rateLimits.login, windowMs, clock, (req) =>
    req.session.twoFactor ? `user:${req.session.twoFactor.id}` : `ip:${byAddress(req)}`,
  );
  router.post('/login/2fa', guesses, async (req, res, next) => {
    const pending = req.session.twoFactor;
    if (!pending || pending.until < clock.now().getTime()) {
      delete req.session.twoFactor;
      req.flash('error', 'twoFactor.login.expired');
      return res.redirect(303, '/login');
    }
    const title = req.t('twoFactor.login.title');
    const form = parseForm(codeSchema, req.body);
    if (!form.ok) return renderInvalid(res, 'pages/account/two-factor-login', { title }, form.errors, {});
    const how = await twoFactor.verify(requestCtx(req), pending.id, form.data.code);
    if (!how) {
      res.status(401).render('pages/account/two-factor-login', {
        title,
        values: {},
        errors: { code: 'twoFactor.errors.code' },
        errorList: errorList(res, { code: 'twoFactor.errors.code' }),
      });
      return;
    }
    const loaded = await accounts.loadActor(pending.id, pending.v);
    if (!loaded) return res.redirect(303, '/login');
    const returnTo = pending.returnTo;
    // Passport serialises { id, v } from these fields.
    await login(req, { _id: pending.id, sessionVersion: pending.v } as unknown as Express.User).catch(next);
    await accounts.recordLogin(requestCtx(req), pending.id);
    if (how === 'recovery') req.flash('info', 'twoFactor.login.recoveryUsed');
    res.redirect(303, returnTo ?? homeFor(loaded.actor));
  });

  router.get('/account/2fa', requireUser, async (req, res) => {
    const actor = actorOf(req);
    if (await twoFactor.enabled(actor.id)) {
      return res.render('pages/account/two-factor', {
        title: req.t('twoFactor.title'),
        enabled: true,
        canDisable: actor.role !== 'coordinator',
        values: {},
      });
    }
    await renderEnrolment(req, res, {});
  });

  async function renderEnrolment(
    req: Parameters<RequestHandler>[0],
    res: Parameters<RequestHandler>[1],
    errors: Record<string, string>,
    status = 200,
  ) {
    const { secret, uri } = await twoFactor.pending(actorOf(req));
    const qr = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    res.status(status).render('pages/account/two-factor', {
      title: req.t('twoFactor.title'),
      enabled: false,
      required: actorOf(req).role === 'coordinator',
      // Grouped in fours, as authenticator apps show it.
      secret: secret.replace(/(.{4})/g, '$1 ').trim(),
      qr,
      values: {},
      errors,
      errorList: Object.keys(errors).length ? errorList(res, errors) : undefined,
    });
  }

  router.post('/account/2fa/enable', requireUser, async (req, res, next) => {
    const form = parseForm(codeSchema, req.body);
    if (!form.ok) return renderEnrolment(req, res, form.errors, 422);
    try {
      const codes = await twoFactor.enable(actorCtx(req), form.data.code);
      // Shown once, here: the response is not cached and the codes are kept only as hashes.
      res.set('Cache-Control', 'no-store');
      res.render('pages/account/two-factor-codes', { title: req.t('twoFactor.codes.title'), codes, enabled: true });
    } catch (err) {
      if (err instanceof ValidationError) return renderEnrolment(req, res, err.fields, 422);
      if (err instanceof ConflictError) {
        req.flash('error', err.messageKey);
        return res.redirect(303, '/account/2fa');
      }
      next(err);
    }
  });

  router.post('/account/2fa/recovery', requireUser, async (req, res, next) => {
    const form = parseForm(codeSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const codes = await twoFactor.regenerate(actorCtx(req), form.data.code);
      res.set('Cache-Control', 'no-store');
      res.render('pages/account/two-factor-codes', { title: req.t('twoFactor.codes.title'), codes, enabled: false });
    } catch (err) {
      if (!(err instanceof ValidationError || err instanceof ConflictError)) return next(err);
      req.flash('error', err instanceof ValidationError ? 'twoFactor.errors.code' : err.messageKey);
      res.redirect(303, '/account/2fa');
    }
  });

  router.post('/account/2fa/disable', requireUser, async (req, res, next) => {
    const actor = actorOf(req);
    const form = parseForm(disableSchema, req.body);
    const locals = { title: req.t('twoFactor.title'), enabled: true, canDisable: actor.role !== 'coordinator' };
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await twoFactor.disable(actorCtx(req), form.data.password, form.data.code);
    } catch (err) {
      if (err instanceof ValidationError) return renderInvalid(res, 'pages/account/two-factor', locals, err.fields, {});
      return next(err);
    }
    req.flash('success', 'twoFactor.disabled');
    res.redirect(303, '/account/2fa');
  });

  return router;
}
