// Coordinators: the organisation verification queue, within their scope.
import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorOf, actorCtx, requireRole } from '../server/middleware/guards';
import { unitName } from '../server/services/regions';
import { optionalText } from './schemas';

const STATES = ['pending', 'verified', 'rejected'] as const;
const decisionSchema = z.object({
  decision: z.enum(['verified', 'rejected'], 'validation.choose'),
  reason: optionalText(500),
});

export function coordinatorRouter({ services }: RouteDeps): Router {
  const router = Router();
  const { organisations } = services;
  router.use(requireRole('coordinator'));

  router.get('/organisations', async (req, res) => {
    const actor = actorOf(req);
    const state = STATES.find((s) => s === req.query.state) ?? 'pending';
    const items = await organisations.queue(actor, state);
    res.render('pages/coordinator/organisations', {
      title: req.t('coordinator.queue.title'),
      items,
      state,
      states: STATES.map((s) => ({ key: s, current: s === state })),
      scope: actor.scopeUnit ? unitName(actor.scopeUnit, req.locale) : null,
    });
  });

  router.get('/organisations/:id', async (req, res) => {
    const detail = await organisations.detailForCoordinator(actorOf(req), String(req.params.id));
    res.render('pages/coordinator/organisation', { title: detail.org.name, ...detail, values: {} });
  });

  router.post('/organisations/:id/decision', async (req, res, next) => {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const form = parseForm(decisionSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await organisations.decide(actorCtx(req), id, form.data.decision, form.data.reason);
    } catch (err) {
      if (err instanceof ValidationError) {
        const detail = await organisations.detailForCoordinator(actor, id);
        return renderInvalid(
          res,
          'pages/coordinator/organisation',
          { title: detail.org.name, ...detail },
          err.fields,
          req.body,
        );
      }
      return next(err);
    }
    req.flash(
      'success',
      form.ok && form.data.decision === 'verified' ? 'coordinator.decision.verified' : 'coordinator.decision.rejected',
    );
    res.redirect(303, '/coordinator/organisations');
  });

  return router;
}
