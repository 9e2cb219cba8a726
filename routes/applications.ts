// Applying, the candidate's applications, and the staff side of a vacancy's pipeline.
import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ConflictError, ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { Applications, stagesOf, type Move } from '../server/services/applications';
import { describeEligibility, presentVacancy } from '../server/views/present';
import { REJECT_REASONS, type ApplicationDoc } from '../models/Application';
import type { Eligibility } from '../server/services/eligibility';
import type { Locale } from '../server/i18n';
import { checkbox, optionalText } from './schemas';

const applySchema = z.object({ statement: optionalText(2000), consent: checkbox });
const withdrawSchema = z.object({ note: optionalText(500) });
const moveSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('advance') }),
  z.object({ action: z.literal('absent') }),
  z.object({
    action: z.literal('reject'),
    reason: z.enum(REJECT_REASONS, 'applications.errors.reason'),
    message: optionalText(1000),
  }),
]);

function present(app: ApplicationDoc, locale: Locale) {
  return {
    ...app,
    id: String(app._id),
    state: app.outcome ?? app.stage,
    eligibilityText: describeEligibility(app.eligibility as unknown as Eligibility, locale),
    steps: stagesOf(app.pipeline),
  };
}

export function applicationsRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { applications } = services;

  router.get('/jobs/:id/apply', requireRole('candidate'), async (req, res) => {
    const prepared = await applications.prepare(actorOf(req), String(req.params.id));
    res.render('pages/applications/apply', {
      title: req.t('applications.apply.title'),
      v: presentVacancy(prepared.vacancy, req.locale, clock.now()),
      eligibility: describeEligibility(prepared.eligibility, req.locale),
      blocked: prepared.blocked,
      profile: prepared.profile,
      values: {},
    });
  });

  router.post('/jobs/:id/apply', requireRole('candidate'), async (req, res, next) => {
    const vacancyId = String(req.params.id);
    try {
      const form = parseForm(applySchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const id = await applications.apply(actorCtx(req), vacancyId, {
        statement: form.data.statement,
        consent: form.data.consent,
      });
      req.flash('success', 'applications.apply.done');
      res.redirect(303, `/me/applications/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) return next(err);
      const prepared = await applications.prepare(actorOf(req), vacancyId);
      const errors = err instanceof ValidationError ? err.fields : { _form: err.messageKey };
      renderInvalid(
        res,
        'pages/applications/apply',
        {
          title: req.t('applications.apply.title'),
          v: presentVacancy(prepared.vacancy, req.locale, clock.now()),
          eligibility: describeEligibility(prepared.eligibility, req.locale),
          blocked: prepared.blocked,
          profile: prepared.profile,
        },
        errors,
        req.body,
      );
    }
  });

  router.get('/me/applications', requireRole('candidate'), async (req, res) => {
    const apps = await applications.mine(actorOf(req));
    const titles = await services.jobs.titles(apps.map((a) => a.vacancy));
    res.render('pages/applications/mine', {
      title: req.t('applications.mine.title'),
      items: apps.map((a) => ({ ...present(a, req.locale), vacancyTitle: titles.get(String(a.vacancy)) ?? '' })),
    });
  });

  router.get('/me/applications/:id', requireRole('candidate'), async (req, res) => {
    const { app, vacancy } = await applications.mineOne(actorOf(req), String(req.params.id));
    const a = present(app, req.locale);
    res.render('pages/applications/mine-one', {
      title: vacancy?.title ?? req.t('applications.mine.title'),
      a,
      vacancy,
      canWithdraw: !app.outcome && app.stage !== 'signed',
      values: {},
    });
  });

  router.post('/me/applications/:id/withdraw', requireRole('candidate'), async (req, res) => {
    const form = withdrawSchema.safeParse(req.body);
    await applications.move(actorCtx(req), String(req.params.id), {
      action: 'withdraw',
      note: form.success ? form.data.note : '',
    });
    req.flash('success', 'applications.withdrawn');
    res.redirect(303, `/me/applications/${req.params.id}`);
  });

  router.get('/manage/vacancies/:id/applications', requireRole('staff'), async (req, res) => {
    const { vacancy, apps } = await applications.forVacancy(actorOf(req), String(req.params.id));
    const stage = typeof req.query.stage === 'string' ? req.query.stage : '';
    const eligibility = typeof req.query.eligibility === 'string' ? req.query.eligibility : '';
    const counts = Applications.countByStage(apps);
    const shown = apps
      .filter((a) => !stage || (a.outcome ?? a.stage) === stage)
      .filter((a) => !eligibility || (a.eligibility as { outcome?: string })?.outcome === eligibility);
    res.render('pages/applications/board', {
      title: req.t('applications.board.title', { title: vacancy.title }),
      v: presentVacancy(vacancy, req.locale, clock.now()),
      columns: [...stagesOf(vacancy.pipeline), 'rejected', 'withdrawn', 'absent'].map((s) => ({
        key: s,
        count: counts[s] ?? 0,
        current: s === stage,
      })),
      stage,
      eligibility,
      items: shown.map((a) => present(a, req.locale)),
    });
  });

  router.get('/manage/applications/:id', requireRole('staff'), async (req, res) => {
    const { app, vacancy, maskedId, email } = await applications.forStaff(actorOf(req), String(req.params.id));
    res.render('pages/applications/staff-one', {
      title: (app.snapshot as { legalName?: string }).legalName ?? '',
      a: present(app, req.locale),
      vacancy,
      maskedId,
      email,
      reasons: REJECT_REASONS.map((r) => ({ value: r, label: req.t(`applications.reasons.${r}`) })),
      active: !app.outcome && app.stage !== 'signed',
      values: {},
    });
  });

  router.post('/manage/applications/:id/move', requireRole('staff'), async (req, res, next) => {
    const id = String(req.params.id);
    const form = parseForm(moveSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await applications.move(actorCtx(req), id, form.data as Move);
    } catch (err) {
      if (err instanceof ConflictError) {
        req.flash('error', err.messageKey);
        return res.redirect(303, `/manage/applications/${id}`);
      }
      if (!(err instanceof ValidationError)) return next(err);
      const { app, vacancy, maskedId, email } = await applications.forStaff(actorOf(req), id);
      return renderInvalid(
        res,
        'pages/applications/staff-one',
        {
          title: (app.snapshot as { legalName?: string }).legalName ?? '',
          a: present(app, req.locale),
          vacancy,
          maskedId,
          email,
          reasons: REJECT_REASONS.map((r) => ({ value: r, label: req.t(`applications.reasons.${r}`) })),
          active: true,
        },
        err.fields,
        req.body,
      );
    }
    req.flash('success', `applications.moved.${form.ok ? form.data.action : 'advance'}`);
    res.redirect(303, `/manage/applications/${id}`);
  });

  return router;
}
