// Coordinators: the organisation verification queue, within their scope.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorOf, actorCtx, requireRole } from '../server/middleware/guards';
import { unitName } from '../server/services/regions';
import { checkbox, optionalText } from './schemas';
import { presentAnnouncement, presentVacancy } from '../server/views/present';
import { presentProgramme } from '../server/views/incentives';

const STATES = ['pending', 'verified', 'rejected'] as const;
const reviewSchema = z.object({
  decision: z.enum(['approve', 'return'], 'validation.choose'),
  comment: optionalText(1000),
  minorEditsAllowed: checkbox,
});
const programmeDecisionSchema = z.object({
  decision: z.enum(['approve', 'return'], 'validation.choose'),
  comment: optionalText(1000),
});
const decisionSchema = z.object({
  decision: z.enum(['verified', 'rejected'], 'validation.choose'),
  reason: optionalText(500),
});

export function coordinatorRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { organisations, vacancies, announcements } = services;
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

  router.get('/reviews', async (req, res) => {
    const actor = actorOf(req);
    const now = clock.now();
    const [v, a] = await Promise.all([vacancies.reviewQueue(actor), announcements.reviewQueue(actor)]);
    res.render('pages/coordinator/reviews', {
      title: req.t('coordinator.reviews.title'),
      vacancies: v.map((x) => presentVacancy(x, req.locale, now)),
      announcements: a.map((x) => presentAnnouncement(x, req.locale)),
    });
  });

  router.get('/reviews/vacancies/:id', async (req, res) => {
    const v = presentVacancy(
      await vacancies.getForCoordinator(actorOf(req), String(req.params.id)),
      req.locale,
      clock.now(),
    );
    res.render('pages/coordinator/review', { title: v.title, kind: 'vacancy', v, values: {} });
  });

  router.get('/reviews/announcements/:id', async (req, res) => {
    const a = presentAnnouncement(
      await announcements.getForCoordinator(actorOf(req), String(req.params.id)),
      req.locale,
    );
    res.render('pages/coordinator/review', { title: a.title, kind: 'announcement', a, values: {} });
  });

  router.post('/reviews/:kind/:id', async (req, res, next) => {
    const kind =
      req.params.kind === 'vacancies' ? 'vacancy' : req.params.kind === 'announcements' ? 'announcement' : null;
    if (!kind) return next();
    const id = String(req.params.id);
    const form = parseForm(reviewSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const { decision, comment, minorEditsAllowed } = form.data;
      if (kind === 'vacancy') await vacancies.review(actorCtx(req), id, decision, comment, minorEditsAllowed);
      else await announcements.review(actorCtx(req), id, decision, comment);
      req.flash('success', decision === 'approve' ? 'coordinator.reviews.approved' : 'coordinator.reviews.returned');
      res.redirect(303, '/coordinator/reviews');
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const locals =
        kind === 'vacancy'
          ? { kind, v: presentVacancy(await vacancies.getForCoordinator(actorOf(req), id), req.locale, clock.now()) }
          : { kind, a: presentAnnouncement(await announcements.getForCoordinator(actorOf(req), id), req.locale) };
      renderInvalid(
        res,
        'pages/coordinator/review',
        { title: req.t('coordinator.reviews.title'), ...locals },
        err.fields,
        req.body,
      );
    }
  });

  // Incentive programmes of sponsors: submitted ones await a regional coordinator's decision; approved ones are
  // listed for every coordinator whose unit they can fund.
  router.get('/programmes', async (req, res) => {
    const state = req.query.state === 'approved' ? 'approved' : 'submitted';
    const list = await services.incentives.queue(actorOf(req), state);
    const summary = await services.awards.summary(actorOf(req));
    res.render('pages/coordinator/programmes', {
      summary,
      title: req.t('incentives.coordinator.title'),
      state,
      states: (['submitted', 'approved'] as const).map((s) => ({ key: s, current: s === state })),
      programmes: list.map((p) => presentProgramme(p, req)),
    });
  });
  const programmePage = async (req: Request) => {
    const actor = actorOf(req);
    const programme = await services.incentives.forCoordinator(actor, String(req.params.id));
    return {
      title: programme.name,
      p: presentProgramme(programme, req),
      canDecide: !actor.scopeUnit && programme.status === 'submitted',
    };
  };
  router.get('/programmes/:id', async (req, res) => {
    res.render('pages/coordinator/programme', { ...(await programmePage(req)), values: {} });
  });
  router.post('/programmes/:id/decide', async (req, res, next) => {
    const form = parseForm(programmeDecisionSchema, req.body);
    const id = String(req.params.id);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const approve = form.data.decision === 'approve';
      await services.incentives.decide(actorCtx(req), id, approve, form.data.comment);
      req.flash('success', approve ? 'incentives.coordinator.approved' : 'incentives.coordinator.returned');
      res.redirect(303, '/coordinator/programmes');
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      renderInvalid(res, 'pages/coordinator/programme', await programmePage(req), err.fields, req.body);
    }
  });

  // The regional office's own accounts: regional coordinators see them and close those of people who left.
  const team = async (req: Request) => {
    const rows = await services.personalData.coordinators(actorOf(req));
    return {
      title: req.t('coordinators.title'),
      rows: rows.map((r) => ({
        ...r,
        scope: r.scopeUnit ? unitName(r.scopeUnit, req.locale) : req.t('coordinators.regional'),
      })),
    };
  };
  router.get('/team', async (req, res) => {
    res.render('pages/coordinator/team', { ...(await team(req)), values: {} });
  });
  router.post('/team/:id/close', async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = String(req.params.id);
    try {
      if (body.understood !== '1') throw new ValidationError({ close: 'coordinators.confirm' });
      await services.personalData.closeCoordinator(actorCtx(req), id);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      // The message sits on the row of the coordinator concerned.
      return renderInvalid(
        res,
        'pages/coordinator/team',
        await team(req),
        { [`close-${id}`]: Object.values(err.fields)[0]! },
        {},
      );
    }
    req.flash('success', 'coordinators.closed');
    res.redirect(303, '/coordinator/team');
  });

  return router;
}
