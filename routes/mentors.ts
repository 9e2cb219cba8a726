// Mentoring: Beijing/Tianjin staff register mentors; Hebei staff (or a coordinator) match one to a placement;
// mentors keep their log through the signed link of their introduction email, teachers from /me/placement.
import { Router, type Request } from 'express';
import type { RouteDeps } from '.';
import { field } from '../server/middleware/forms';
import { ConflictError, ValidationError } from '../server/errors';
import { actorCtx, actorOf, requestCtx, requireRole } from '../server/middleware/guards';
import { options, stageName, subjectName } from '../server/services/taxonomy';
import { cstDate } from '../server/views/present';
import { ACTIVITY_KINDS } from '../models/Mentor';
import type { Types } from 'mongoose';
import type { Suggestion } from '../server/services/mentors';
import type { Locale } from '../server/i18n';

const FIELDS = ['name', 'email', 'subject', 'stage', 'capacity', 'kind', 'date', 'minutes', 'note', 'mentor'] as const;
type Body = Record<(typeof FIELDS)[number], string>;
const fieldsOf = (req: Request): Body => {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : '');
  return Object.fromEntries(FIELDS.map((k) => [k, text(b[k])])) as Body;
};

type Services = RouteDeps['services'];

/** A placement's mentoring log and check-ins with their dates as the school reads them (CST). */
export async function datedActivities(services: Services, placementId: Types.ObjectId) {
  return (await services.mentors.activitiesOf(placementId)).map((a) => ({ ...a, day: cstDate(a.date) }));
}

export async function datedCheckIns(services: Services, placementId: Types.ObjectId) {
  return (await services.placements.checkInsOf(placementId)).map((c) => ({ ...c, due: cstDate(c.dueAt) }));
}

export function presentSuggestions(list: Suggestion[], locale: Locale) {
  return list.map((s) => ({
    ...s,
    id: String(s.mentor._id),
    subjectName: subjectName(s.mentor.subject, locale),
    stageName: stageName(s.mentor.stage, locale),
  }));
}

export function activityKinds(req: Request) {
  return ACTIVITY_KINDS.map((k) => ({ value: k, label: req.t(`mentors.kinds.${k}`) }));
}

export function mentorsRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { mentors } = services;

  async function renderList(
    req: Request,
    res: import('express').Response,
    values: Partial<Body>,
    errors: Record<string, string>,
    status = 200,
  ) {
    const list = await mentors.ofSchool(actorOf(req));
    res.status(status).render('pages/mentors/list', {
      title: req.t('mentors.title'),
      mentors: list.map((m) => ({
        ...m,
        id: String(m._id),
        subjectName: subjectName(m.subject, req.locale),
        stageName: stageName(m.stage, req.locale),
      })),
      values,
      errors,
      subjects: options('subjects', req.locale),
      stages: options('stages', req.locale),
    });
  }

  router.get('/manage/mentors', requireRole('staff'), async (req, res) => {
    await renderList(req, res, { capacity: '2' }, {});
  });

  router.post('/manage/mentors', requireRole('staff'), async (req, res) => {
    const values = fieldsOf(req);
    try {
      await mentors.register(actorCtx(req), values);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderList(req, res, values, err.fields, 422);
    }
    req.flash('success', 'mentors.registered');
    res.redirect(303, '/manage/mentors');
  });

  // The school withdraws a mentor's link (links sent so far stop working), or the mentor stops mentoring.
  router.post('/manage/mentors/:id/revoke-link', requireRole('staff'), async (req, res) => {
    await mentors.revokeLink(actorCtx(req), String(req.params.id));
    req.flash('success', 'mentors.link.revoked');
    res.redirect(303, '/manage/mentors');
  });

  router.post('/manage/mentors/:id/deactivate', requireRole('staff'), async (req, res) => {
    await mentors.deactivate(actorCtx(req), String(req.params.id));
    req.flash('success', 'mentors.link.deactivated');
    res.redirect(303, '/manage/mentors');
  });

  // Matching, from the placement page of the Hebei school or the coordinator's registry.
  router.post('/placements/:id/mentor', requireRole('staff', 'coordinator'), async (req, res) => {
    const id = String(req.params.id);
    try {
      await mentors.assign(actorCtx(req), id, fieldsOf(req).mentor);
      req.flash('success', 'mentors.assigned');
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof ValidationError)) throw err;
      req.flash(
        'error',
        err instanceof ValidationError ? (Object.values(err.fields)[0] ?? 'validation.invalid') : err.messageKey,
      );
    }
    const back = req.user?.role === 'coordinator' ? `/coordinator/placements/${id}` : `/manage/placements/${id}`;
    res.redirect(303, back);
  });

  router.get('/mentoring/:id/:sig', async (req, res) => {
    const { mentor, mentees } = await mentors.forMentorLink(String(req.params.id), String(req.params.sig));
    const items = await Promise.all(
      mentees.map(async (p) => ({
        id: String(p._id),
        teacherName: p.teacherName,
        schoolName: p.schoolName,
        title: p.title,
        status: p.status,
        start: cstDate(p.startDate),
        activities: await datedActivities(services, p._id),
        checkIns: await datedCheckIns(services, p._id),
      })),
    );
    res.render('pages/mentors/mentoring', {
      title: req.t('mentors.menteesTitle'),
      mentor,
      items,
      kinds: activityKinds(req),
      action: `/mentoring/${req.params.id}/${req.params.sig}`,
      today: cstDate(clock.now()),
    });
  });

  router.post('/mentoring/:id/:sig/checkins/:checkin', async (req, res) => {
    try {
      const text = field(req.body, 'feedback');
      await mentors.feedback(
        requestCtx(req),
        String(req.params.id),
        String(req.params.sig),
        String(req.params.checkin),
        text,
      );
      req.flash('success', 'mentors.feedbackSaved');
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
      req.flash(
        'error',
        err instanceof ValidationError ? (Object.values(err.fields)[0] ?? 'validation.invalid') : err.messageKey,
      );
    }
    res.redirect(303, `/mentoring/${req.params.id}/${req.params.sig}`);
  });

  router.post('/mentoring/:id/:sig/:placement', async (req, res) => {
    const base = `/mentoring/${req.params.id}/${req.params.sig}`;
    try {
      await mentors.log(
        requestCtx(req),
        { side: 'mentor', mentorId: String(req.params.id), signature: String(req.params.sig) },
        String(req.params.placement),
        fieldsOf(req),
      );
      req.flash('success', 'mentors.logged');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      req.flash('error', Object.values(err.fields)[0] ?? 'validation.invalid');
    }
    res.redirect(303, base);
  });

  router.post('/me/placement/:placement/activities', requireRole('candidate'), async (req, res) => {
    try {
      await mentors.log(
        requestCtx(req),
        { side: 'teacher', actor: actorOf(req) },
        String(req.params.placement),
        fieldsOf(req),
      );
      req.flash('success', 'mentors.logged');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      req.flash('error', Object.values(err.fields)[0] ?? 'validation.invalid');
    }
    res.redirect(303, '/me/placement');
  });

  return router;
}
