// Placements: the school's view (checklist, status, commitment) and the teacher's own (/me/placement).
import { presentAward } from '../server/views/incentives';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import {
  echo,
  field,
  type FormState,
  formLocals,
  numberField,
  parseForm,
  withParams,
} from '../server/middleware/forms';
import { cstDayStart, wholeNumber } from '../server/services/formats';
import type { FieldErrors } from '../server/errors';
import { optionalText } from './schemas';
import { ConflictError, ValidationError } from '../server/errors';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { commitmentEnd, CHECKLIST } from '../server/services/placements';
import { postTypeName } from '../server/services/taxonomy';
import { activityKinds, datedActivities, datedCheckIns, presentSuggestions } from './mentors';
import { cstDate } from '../server/views/present';
import { LEAVE_REASONS, type PlacementDoc } from '../models/Placement';
import type { Locale } from '../server/i18n';

const MOVES = ['activate', 'suspend', 'resume', 'complete', 'leave', 'transfer'] as const;

/** The check-in's scales, asked 1–5. */
const CHECKIN_SCALES = ['workload', 'support', 'housing', 'intention'] as const;
const scale = (key: string) =>
  z.enum(['1', '2', '3', '4', '5'], `placements.checkin.errors.${key}`).transform((v) => Number(v));
/** Every question must be answered: an untouched form says which, and records nothing. */
const checkInSchema = z.object({
  inPost: z.enum(['yes', 'no'], 'placements.checkin.errors.inPost').transform((v) => v === 'yes'),
  workload: scale('workload'),
  support: scale('support'),
  housing: scale('housing'),
  intention: scale('intention'),
  text: optionalText(2000),
  mentoring: optionalText(2000),
});

/** The check-in form's scales with what the teacher chose (nothing until they choose). */
function checkInQuestions(values: Record<string, unknown>, errors: FieldErrors) {
  return CHECKIN_SCALES.map((key) => ({
    key,
    error: errors[key],
    options: ['1', '2', '3', '4', '5'].map((value) => ({ value, checked: values[key] === value })),
  }));
}

function present(p: PlacementDoc, locale: Locale, now: Date) {
  const end = commitmentEnd(p.startDate, p.commitmentYears, p.suspensions, now);
  return {
    ...p,
    id: String(p._id),
    start: cstDate(p.startDate),
    end: cstDate(end),
    postTypeName: postTypeName(p.postType, locale),
    items: p.checklist.map((c) => ({
      ...c,
      due: cstDate(c.dueAt),
      overdue: !c.doneAt && Boolean(c.dueAt && c.dueAt < now),
    })),
  };
}

export function placementsRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { placements } = services;

  router.get('/manage/placements', requireRole('staff'), async (req, res) => {
    const now = clock.now();
    const list = await placements.forStaffList(actorOf(req));
    res.render('pages/placements/list', {
      title: req.t('placements.title'),
      items: list.map((p) => present(p, req.locale, now)),
    });
  });

  // The school's onboarding checklist template (applies to placements created from now on).
  const renderTemplate = (
    req: import('express').Request,
    res: import('express').Response,
    rows: { key: string; label: string; days: string; drop?: boolean }[],
    errors: Record<string, string>,
    status = 200,
  ) =>
    res.status(status).render('pages/placements/template', {
      title: req.t('placements.template.title'),
      rows: rows.map((r, i) => ({
        ...r,
        i,
        builtIn: CHECKLIST.some((c) => c.key === r.key),
        labelError: errors[`label${i}`],
        daysError: errors[`days${i}`],
      })),
      error: errors.template,
    });
  const BLANK_ROWS = 3;

  router.get('/manage/placements/template', requireRole('staff'), async (req, res) => {
    const rows = (await placements.template(actorOf(req))).map((c) => ({ ...c, days: String(c.days) }));
    renderTemplate(
      req,
      res,
      [...rows, ...Array.from({ length: BLANK_ROWS }, () => ({ key: '', label: '', days: '' }))],
      {},
    );
  });

  router.post('/manage/placements/template', requireRole('staff'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 100) : '');
    const count = Math.min(40, numberField(body, 'rows') || 0);
    const rows = Array.from({ length: count }, (_, i) => ({
      key: text(body[`key${i}`]),
      label: text(body[`label${i}`]),
      days: text(body[`days${i}`]),
      drop: body[`drop${i}`] === '1',
    }));
    try {
      await placements.saveTemplate(actorCtx(req), rows);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderTemplate(req, res, rows, err.fields, 422);
    }
    req.flash('success', 'placements.template.saved');
    res.redirect(303, '/manage/placements/template');
  });

  /** A placement for its school's staff; after a refused form, with its errors and what was typed. */
  const renderPlacement = async (req: Request, res: Response, form: FormState = { values: {}, errors: {} }) => {
    const doc = await placements.forStaff(actorOf(req), String(req.params.id));
    const p = present(doc, req.locale, clock.now());
    const checkIns = await datedCheckIns(services, doc._id);
    const open = ['onboarding', 'active', 'suspended'].includes(doc.status);
    const suggestions = open ? (await services.mentors.suggestions(actorOf(req), p.id)).slice(0, 8) : [];
    const activities = await datedActivities(services, doc._id);
    res.status(Object.keys(form.errors).length ? 422 : 200).render('pages/placements/staff', {
      title: p.teacherName,
      ...formLocals(res, form),
      p,
      checkIns,
      activities,
      suggestions: presentSuggestions(suggestions, req.locale),
      moves: MOVES.filter((m) => m !== 'leave'),
      reasons: LEAVE_REASONS.map((r) => ({ value: r, label: req.t(`placements.leaveReasons.${r}`) })),
      checklistKeys: CHECKLIST.map((c) => c.key),
    });
  };

  router.get('/manage/placements/:id', requireRole('staff'), async (req, res) => {
    await renderPlacement(req, res);
  });

  router.post('/manage/placements/:id/checklist', requireRole('staff'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    await placements.tick(actorCtx(req), String(req.params.id), field(body, 'key'), body.done === '1');
    res.redirect(303, `/manage/placements/${req.params.id}`);
  });

  router.post('/manage/placements/:id/move', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const move = MOVES.find((m) => m === body.move);
    const at = cstDayStart(body.at) ?? undefined;
    try {
      if (!move) throw new ValidationError({ move: 'validation.choose' });
      if (field(body, 'at') && !at) throw new ValidationError({ at: 'validation.date' });
      await placements.move(actorCtx(req), id, move, {
        at,
        reason: LEAVE_REASONS.find((r) => r === body.reason),
        note: field(body, 'note').slice(0, 200),
        converted: body.converted === '1',
      });
      req.flash('success', `placements.done.${move}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderPlacement(req, res, { values: echo(body), errors: err.fields });
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
    }
    res.redirect(303, `/manage/placements/${id}`);
  });

  router.post('/manage/placements/:id/commitment', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const years = wholeNumber(body.years);
    try {
      if (years === null || years < 0 || years > 10)
        throw new ValidationError({ years: withParams('validation.between', { min: 0, max: 10 }) });
      await placements.setCommitment(actorCtx(req), id, years, field(body, 'reason').slice(0, 300));
      req.flash('success', 'placements.done.commitment');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      req.flash('error', Object.values(err.fields)[0] ?? 'validation.invalid');
    }
    res.redirect(303, `/manage/placements/${id}`);
  });

  // The check-in form: opened from the email, no sign-in (the signed link is the proof).
  const renderCheckIn = async (req: Request, res: Response, values: Record<string, unknown>, errors: FieldErrors) => {
    const { checkIn, placement } = await placements.checkIn(String(req.params.id), String(req.params.sig));
    res.status(Object.keys(errors).length ? 422 : 200).render('pages/placements/checkin', {
      title: req.t('placements.checkin.title'),
      checkIn,
      placement,
      questions: checkInQuestions(values, errors),
      ...formLocals(res, { values, errors }),
    });
  };

  router.get('/checkins/:id/:sig', async (req, res) => {
    await renderCheckIn(req, res, {}, {});
  });

  router.post('/checkins/:id/:sig', async (req, res) => {
    const form = parseForm(checkInSchema, req.body);
    if (!form.ok) return renderCheckIn(req, res, echo(req.body), form.errors);
    try {
      await placements.answer(String(req.params.id), String(req.params.sig), form.data);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
    res.render('pages/placements/thanks', { title: req.t('placements.checkin.thanks') });
  });

  router.get('/me/placement', requireRole('candidate'), async (req, res) => {
    const now = clock.now();
    const list = await placements.forTeacher(actorOf(req));
    const items = await Promise.all(
      list.map(async (p) => ({
        ...present(p, req.locale, now),
        activities: await datedActivities(services, p._id),
      })),
    );
    const awards = (await services.awards.forTeacher(actorOf(req))).map((a) => presentAward(a, req));
    res.render('pages/placements/mine', {
      title: req.t('placements.mine.title'),
      items,
      awards,
      kinds: activityKinds(req),
    });
  });

  // The teacher accepts a sponsored award's terms (and chooses whether the sponsor may see their name).
  router.post('/me/awards/:id/accept', requireRole('candidate'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await services.awards.accept(actorCtx(req), String(req.params.id), body.shareName === '1');
      req.flash('success', 'incentives.teacher.accepted');
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
    }
    res.redirect(303, '/me/placement');
  });

  return router;
}
