// Job alerts: candidates save a search; anyone with the emailed link can unsubscribe without signing in.
import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { describeFilters, parseFilters, toQueryString } from '../server/services/board';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { ALERT_FREQUENCIES } from '../models/JobAlert';

const alertSchema = z.object({
  query: z.string().max(1000).default(''),
  frequency: z.enum(ALERT_FREQUENCIES).default('daily'),
});

export function alertsRouter({ services }: RouteDeps): Router {
  const router = Router();
  const { alerts } = services;

  router.get('/me/alerts', requireRole('candidate'), async (req, res) => {
    const list = await alerts.list(actorOf(req));
    res.render('pages/me/alerts', {
      title: req.t('alerts.title'),
      items: list.map((a) => ({
        id: String(a._id),
        description: describeFilters(parseFilters(Object.fromEntries(new URLSearchParams(a.query))), req.locale),
        frequency: a.frequency,
        link: `/jobs${a.query ? `?${a.query}` : ''}`,
      })),
    });
  });

  router.post('/me/alerts', requireRole('candidate'), async (req, res) => {
    const parsed = alertSchema.safeParse(req.body);
    const data = parsed.success ? parsed.data : { query: '', frequency: 'daily' as const };
    const query = Object.fromEntries(new URLSearchParams(data.query));
    await alerts.create(actorCtx(req), query, data.frequency);
    req.flash('success', 'alerts.saved');
    const qs = toQueryString(parseFilters(query));
    res.redirect(303, `/jobs${qs ? `?${qs}` : ''}`);
  });

  router.post('/me/alerts/:id/delete', requireRole('candidate'), async (req, res) => {
    await alerts.remove(actorCtx(req), String(req.params.id));
    req.flash('success', 'alerts.removed');
    res.redirect(303, '/me/alerts');
  });

  router.get('/alerts/unsubscribe/:id/:sig', (req, res) => {
    res.render('pages/me/unsubscribe', {
      title: req.t('alerts.unsubscribe.title'),
      action: req.originalUrl.split('?')[0],
    });
  });

  // One-click (RFC 8058): mail clients POST here with List-Unsubscribe=One-Click; the signature is the proof,
  // so this route is exempt from the CSRF check (see server/app.ts).
  router.post('/alerts/unsubscribe/:id/:sig', async (req, res) => {
    await alerts.unsubscribe(String(req.params.id), String(req.params.sig));
    res.render('pages/me/unsubscribed', { title: req.t('alerts.unsubscribe.done') });
  });

  return router;
}
