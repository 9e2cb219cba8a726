// "My data": a copy of everything held about me, where to correct it, and erasing my account (PIPL).
import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorCtx, actorOf, requireUser } from '../server/middleware/guards';
import { endSession } from './account';

const eraseSchema = z.object({
  password: z.string('validation.required').min(1, 'validation.required').max(1024, 'validation.tooLong'),
  understood: z.literal('1', 'personalData.errors.understood'),
});

export function personalDataRouter({ services, config }: RouteDeps): Router {
  const router = Router();
  const { personalData } = services;
  router.use('/me/data', requireUser);

  const locals = (role: string) => ({ canErase: role === 'candidate' });

  router.get('/me/data', (req, res) => {
    res.render('pages/me/data', { title: req.t('personalData.title'), ...locals(actorOf(req).role), values: {} });
  });

  router.get('/me/data/export.zip', async (req, res) => {
    const { zip, name } = await personalData.export(actorCtx(req));
    res.set('Content-Type', 'application/zip');
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    res.set('Cache-Control', 'no-store');
    res.send(zip);
  });

  router.post('/me/data/erase', async (req, res, next) => {
    const form = parseForm(eraseSchema, req.body);
    const view = { title: req.t('personalData.title'), ...locals(actorOf(req).role) };
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await personalData.erase(actorCtx(req), form.data.password);
    } catch (err) {
      if (err instanceof ValidationError) return renderInvalid(res, 'pages/me/data', view, err.fields, {});
      return next(err);
    }
    await endSession(req, res, config.isProduction);
    res.locals.user = null; // the page is drawn for nobody: no session, no sign-out form
    res.render('pages/me/erased', { title: req.t('personalData.erased.title') });
  });

  return router;
}
