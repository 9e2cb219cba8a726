// Saved vacancies: a candidate stars posts from the board or a vacancy's page and finds them again at /me/saved.
import { Router, type Request } from 'express';
import type { RouteDeps } from '.';
import { actorCtx, actorOf, requireRole, safeReturnTo } from '../server/middleware/guards';
import { presentSaved } from '../server/views/saved';

/** Back to the page the star was pressed on (the board with its filters, a vacancy, the list), never elsewhere. */
function back(req: Request, fallback: string): string {
  const to = safeReturnTo((req.body as Record<string, unknown> | undefined)?.back);
  return to && /^\/(?:jobs(?:[/?#]|$)|me\/saved(?:[?#]|$)|announcements\/)/.test(to) ? to : fallback;
}

export function savedRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { saved, applications } = services;
  router.use('/me/saved', requireRole('candidate'));

  router.get('/me/saved', async (req, res) => {
    const list = await saved.list(actorOf(req));
    const mine = await applications.statusesFor(
      actorOf(req),
      list.map((s) => s.id),
    );
    res.set('Cache-Control', 'private, no-store');
    res.render('pages/saved/index', {
      title: req.t('saved.title'),
      items: presentSaved(list, mine, req.locale, clock.now()),
    });
  });

  router.post('/me/saved/:id', async (req, res) => {
    const id = String(req.params.id);
    await saved.save(actorCtx(req), id);
    req.flash('success', 'saved.added');
    res.redirect(303, back(req, `/jobs/${id}`));
  });

  router.post('/me/saved/:id/delete', async (req, res) => {
    const id = String(req.params.id);
    await saved.unsave(actorCtx(req), id);
    req.flash('success', 'saved.removed');
    res.redirect(303, back(req, '/me/saved'));
  });

  return router;
}
