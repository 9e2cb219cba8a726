import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorOf, requireUser, safeReturnTo, requestCtx, actorCtx } from '../server/middleware/guards';
import { byAccount, limiter } from '../server/middleware/rateLimit';
import type { Actor } from '../server/services/actor';
import { confirmPasswords, email, formRules, locale, newPassword, privacyConsent, text } from './schemas';
import { APPLICATION_MAIL } from '../models/User';

export const registerSchema = z
  .object({
    name: text(100),
    email,
    password: newPassword,
    passwordConfirm: z.string('validation.required'),
    privacy: privacyConsent,
  })
  .superRefine(confirmPasswords);
const loginSchema = z.object({
  email: z.string('validation.required').trim().min(1, 'validation.required').max(254, 'validation.tooLong'),
  password: z.string('validation.required').min(1, 'validation.required').max(1024, 'validation.tooLong'),
  returnTo: z.string().optional(),
});
const forgotSchema = z.object({ email });
const resetSchema = z
  .object({ password: newPassword, passwordConfirm: z.string('validation.required') })
  .superRefine(confirmPasswords);
const accountSchema = z.object({
  name: text(100),
  locale,
  // Only staff see the choice; for them it is always sent (a radio group with the current value checked).
  applicationMail: z.enum(APPLICATION_MAIL, 'validation.choose').optional(),
});
const passwordSchema = z
  .object({
    currentPassword: z.string('validation.required').min(1, 'validation.required'),
    password: newPassword,
    passwordConfirm: z.string('validation.required'),
  })
  .superRefine(confirmPasswords);

/** Where each role lands after signing in. */
export function homeFor(actor: Actor): string {
  if (actor.role === 'coordinator') return '/coordinator/organisations';
  if (actor.role === 'staff') return '/organisation';
  return '/account';
}

/** Signs out and ends the session: its record in the store and the cookie in the browser. */
export function endSession(req: Request, res: Response, production: boolean): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logout((err) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      req.session.destroy(() => {
        res.clearCookie(production ? '__Host-tb.sid' : 'tb.sid', { path: '/' });
        resolve();
      });
    }),
  );
}

export function login(req: Request, user: Express.User): Promise<void> {
  // passport ≥0.6 regenerates the session id here (no fixation).
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

/** The account page's fixed parts: the account, and (for staff) the choices of new-application email. */
function settingsLocals(req: Request, account: { applicationMail: string | null }) {
  return {
    title: req.t('account.title'),
    account,
    mailChoices: APPLICATION_MAIL.map((k) => ({ value: k, label: req.t(`account.applicationMail.${k}`) })),
  };
}

export function accountRouter({ services, config, auth, clock }: RouteDeps): Router {
  const router = Router();
  const { accounts } = services;
  const windowMs = config.rateLimits.windowMs;

  router.get('/register', (req, res) => {
    res.render('pages/account/register', {
      title: req.t('auth.register.title'),
      values: {},
      rules: formRules(registerSchema),
    });
  });

  // Per address on this form, and per account (each try for a taken address emails its owner).
  const signupLimits = [
    limiter('signup', config.rateLimits.signup, windowMs, clock),
    limiter('signup-account', config.rateLimits.signup, windowMs, clock, byAccount),
  ];
  router.post('/register', ...signupLimits, async (req, res) => {
    const form = parseForm(registerSchema, req.body);
    if (!form.ok)
      return renderInvalid(
        res,
        'pages/account/register',
        { title: req.t('auth.register.title'), rules: formRules(registerSchema) },
        form.errors,
        req.body,
      );
    await accounts.registerUser(requestCtx(req), { ...form.data, locale: req.locale }, { role: 'candidate' });
    res.redirect(303, '/register/sent');
  });

  router.get('/register/sent', (req, res) => {
    res.render('pages/account/check-email', {
      title: req.t('auth.checkEmail.title'),
      message: req.t('auth.checkEmail.register'),
    });
  });

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, homeFor(req.user));
    res.render('pages/account/login', {
      title: req.t('auth.login.title'),
      values: { returnTo: safeReturnTo(req.query.returnTo) ?? '' },
    });
  });

  // Only failed sign-ins count: a class signing in on one network, or a user signing in often, is never held up.
  const loginLimits = [
    // Per account, from any address: guessing one password is slow however many machines try.
    limiter('login', config.rateLimits.login, windowMs, clock, byAccount, { onlyFailures: true }),
    // A wider net per address, against one machine trying many accounts.
    limiter('login-address', config.rateLimits.login * 10, windowMs, clock, undefined, { onlyFailures: true }),
  ];
  router.post('/login', ...loginLimits, (req, res, next) => {
    const form = parseForm(loginSchema, req.body);
    const title = req.t('auth.login.title');
    if (!form.ok) return renderInvalid(res, 'pages/account/login', { title }, form.errors, req.body);
    auth.authenticate('local', (err: unknown, user: (Express.User & { _id?: unknown }) | false) => {
      if (err) return next(err);
      if (!user) {
        res.status(401).render('pages/account/login', {
          title,
          values: { email: form.data.email, returnTo: safeReturnTo(form.data.returnTo) ?? '' },
          errorList: [{ field: 'email', message: req.t('auth.login.failed') }],
        });
        return;
      }
      const id = String(user._id);
      const version = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      services.twoFactor
        .enabled(id)
        .then(async (second) => {
          if (!second) return login(req, user).then(() => false);
          // The password is right; the sign-in finishes on the code page, in a fresh session.
          await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
          req.session.twoFactor = {
            id,
            v: version,
            returnTo: safeReturnTo(form.data.returnTo),
            until: clock.now().getTime() + 5 * 60 * 1000,
          };
          res.redirect(303, '/login/2fa');
          return true;
        })
        .then(async (waiting) => {
          if (waiting) return;
          await accounts.recordLogin(requestCtx(req), id);
          const loaded = await accounts.loadActor(id, version);
          res.redirect(303, safeReturnTo(form.data.returnTo) ?? (loaded ? homeFor(loaded.actor) : '/'));
        })
        .catch(next);
    })(req, res, next);
  });

  router.post('/logout', async (req, res) => {
    await endSession(req, res, config.isProduction);
    res.redirect(303, '/');
  });

  router.get('/verify-email/:token', async (req, res) => {
    await accounts.verifyEmail(requestCtx(req), String(req.params.token));
    req.flash('success', 'auth.verify.done');
    res.redirect(303, req.user ? homeFor(req.user) : '/login');
  });

  router.post('/verify-email/resend', requireUser, async (req, res) => {
    await accounts.resendVerification(actorOf(req));
    req.flash('info', 'auth.verify.resent');
    res.redirect(303, '/account');
  });

  router.get('/password/forgot', (req, res) => {
    res.render('pages/account/forgot', { title: req.t('auth.forgot.title'), values: {} });
  });

  const forgotLimits = [
    limiter('reset', config.rateLimits.reset, windowMs, clock),
    limiter('reset-account', config.rateLimits.reset, windowMs, clock, byAccount),
  ];
  router.post('/password/forgot', ...forgotLimits, async (req, res) => {
    const form = parseForm(forgotSchema, req.body);
    if (!form.ok)
      return renderInvalid(res, 'pages/account/forgot', { title: req.t('auth.forgot.title') }, form.errors, req.body);
    await accounts.requestPasswordReset(requestCtx(req), form.data.email);
    res.redirect(303, '/password/forgot/sent');
  });

  router.get('/password/forgot/sent', (req, res) => {
    res.render('pages/account/check-email', {
      title: req.t('auth.checkEmail.title'),
      message: req.t('auth.checkEmail.reset'),
    });
  });

  router.get('/password/reset/:token', async (req, res) => {
    await accounts.peekToken(String(req.params.token), 'password_reset');
    res.render('pages/account/reset', { title: req.t('auth.reset.title'), values: {} });
  });

  router.post(
    '/password/reset/:token',
    limiter('reset-token', config.rateLimits.reset, windowMs, clock),
    async (req, res) => {
      const form = parseForm(resetSchema, req.body);
      if (!form.ok)
        return renderInvalid(res, 'pages/account/reset', { title: req.t('auth.reset.title') }, form.errors, req.body);
      await accounts.resetPassword(requestCtx(req), String(req.params.token), form.data.password);
      req.flash('success', 'auth.reset.done');
      res.redirect(303, '/login');
    },
  );

  router.get('/account', requireUser, async (req, res) => {
    const account = await accounts.getAccount(actorOf(req));
    res.render('pages/account/settings', { ...settingsLocals(req, account), values: account });
  });

  router.post('/account', requireUser, async (req, res) => {
    const actor = actorOf(req);
    const form = parseForm(accountSchema, req.body);
    if (!form.ok) {
      const account = await accounts.getAccount(actor);
      return renderInvalid(res, 'pages/account/settings', settingsLocals(req, account), form.errors, req.body);
    }
    await accounts.updateAccount(actorCtx(req), form.data);
    res.cookie('tb_lang', form.data.locale, {
      maxAge: 365 * 24 * 3600 * 1000,
      sameSite: 'lax',
      httpOnly: true,
      secure: config.isProduction,
    });
    req.flash('success', 'account.saved');
    res.redirect(303, '/account');
  });

  router.post('/account/password', requireUser, async (req, res, next) => {
    const actor = actorOf(req);
    const account = await accounts.getAccount(actor);
    const form = parseForm(passwordSchema, req.body);
    const locals = { ...settingsLocals(req, account), values: account, passwordErrors: true };
    if (!form.ok) return renderInvalid(res, 'pages/account/settings', locals, form.errors, account);
    try {
      await accounts.changePassword(actorCtx(req), form.data.currentPassword, form.data.password);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderInvalid(res, 'pages/account/settings', locals, err.fields, account);
      return next(err);
    }
    // Other sessions end (sessionVersion moved on); this one is renewed with the new version.
    const loaded = await services.accounts.authenticate(actor.email, form.data.password);
    if (loaded) await login(req, loaded as unknown as Express.User);
    req.flash('success', 'account.password.changed');
    res.redirect(303, '/account');
  });

  return router;
}
