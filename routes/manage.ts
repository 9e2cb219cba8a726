// Staff of verified organisations: their vacancies and announcements, from draft to filled.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid } from '../server/middleware/forms';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { placeLabel } from '../server/services/regions';
import { CERTIFICATE_KEYS, options, POST_TYPE_KEYS, STAGE_KEYS, SUBJECT_KEYS } from '../server/services/taxonomy';
import type { VacancyInput } from '../server/services/vacancies';
import { cstDate, endOfCstDay, presentAnnouncement, presentVacancy } from '../server/views/present';
import { EDUCATION_LEVELS, MANDARIN_LEVELS, PHASES, PIPELINES, PROGRAMMES, staffCan } from '../models/Posting';
import type { AnnouncementDoc } from '../models/Announcement';
import type { VacancyDoc } from '../models/Vacancy';
import { checkbox, emptyToNull, objectId, optionalDate, optionalInt, optionalText, requiredInt, text } from './schemas';

const keys = (list: readonly string[]) => list as [string, ...string[]];

const vacancySchema = z.object({
  title: text(80),
  // No location field: a vacancy is where its school is (derived by the service; a posted countyCode is ignored).
  schoolId: objectId,
  stage: z.enum(keys(STAGE_KEYS), 'validation.choose'),
  subject: z.enum(keys(SUBJECT_KEYS), 'validation.choose'),
  postType: z.enum(keys(POST_TYPE_KEYS), 'validation.choose'),
  headcount: requiredInt(1, 500),
  announcementId: emptyToNull(objectId),
  education: z.enum(EDUCATION_LEVELS, 'validation.choose'),
  certificateType: z.union([z.literal(''), z.enum(keys(CERTIFICATE_KEYS))], 'validation.choose').default(''),
  certificateSubjectMatch: checkbox,
  acceptExamPass: checkbox,
  maxAge: optionalInt(18, 70),
  mandarinLevel: z.union([z.literal(''), z.enum(MANDARIN_LEVELS)], 'validation.choose').default(''),
  freshGraduatesOnly: checkbox,
  hukouLimit: optionalText(100),
  payMin: optionalInt(0, 100_000),
  payMax: optionalInt(0, 100_000),
  housing: checkbox,
  ruralSubsidy: optionalInt(0, 20_000),
  benefits: optionalText(500),
  description: optionalText(5000),
  deadline: optionalDate,
  pipeline: z.enum(PIPELINES, 'validation.choose'),
});

const phaseFields = Object.fromEntries(
  PHASES.flatMap((p) => [
    [`${p}Start`, optionalDate],
    [`${p}End`, optionalDate],
  ]),
);
const announcementSchema = z.object({
  programme: z.enum(PROGRAMMES, 'validation.choose'),
  title: text(120),
  body: optionalText(20_000),
  venue: optionalText(200),
  ...phaseFields,
});

const VACANCY_ACTIONS = ['submit', 'withdraw', 'close', 'fill', 'cancel'] as const;
const ANNOUNCEMENT_ACTIONS = ['submit', 'withdraw', 'close', 'cancel'] as const;

function toVacancyInput(d: z.output<typeof vacancySchema>): VacancyInput {
  return { ...d, deadline: d.deadline ? endOfCstDay(d.deadline) : null } as VacancyInput;
}

/** A stored vacancy as the edit form's values. */
function vacancyValues(v: VacancyDoc) {
  const r = v.requirements ?? ({} as NonNullable<VacancyDoc['requirements']>);
  const s = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    title: v.title,
    schoolId: String(v.school),
    stage: v.stage,
    subject: v.subject,
    postType: v.postType,
    headcount: String(v.headcount),
    announcementId: v.announcement ? String(v.announcement) : '',
    education: r.education,
    certificateType: r.certificateType,
    certificateSubjectMatch: r.certificateSubjectMatch ? '1' : '',
    acceptExamPass: r.acceptExamPass ? '1' : '',
    maxAge: s(r.maxAge),
    mandarinLevel: r.mandarinLevel,
    freshGraduatesOnly: r.freshGraduatesOnly ? '1' : '',
    hukouLimit: r.hukouLimit,
    payMin: s(v.payMin),
    payMax: s(v.payMax),
    housing: v.housing ? '1' : '',
    ruralSubsidy: s(v.ruralSubsidy),
    benefits: v.benefits,
    description: v.description,
    deadline: cstDate(v.deadline),
    pipeline: v.pipeline,
  };
}

function announcementValues(a: AnnouncementDoc) {
  const values: Record<string, string> = { programme: a.programme, title: a.title, body: a.body, venue: a.venue };
  for (const p of a.phases) {
    values[`${p.kind}Start`] = cstDate(p.start);
    values[`${p.kind}End`] = cstDate(p.end);
  }
  return values;
}

function toAnnouncementInput(d: Record<string, unknown>) {
  return {
    programme: d.programme as (typeof PROGRAMMES)[number],
    title: d.title as string,
    body: d.body as string,
    venue: d.venue as string,
    phases: PHASES.map((kind) => {
      const start = d[`${kind}Start`] as string | null;
      const end = d[`${kind}End`] as string | null;
      return { kind, start: start ? new Date(`${start}T00:00:00+08:00`) : null, end: end ? endOfCstDay(end) : null };
    }),
  };
}

export function manageRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { vacancies, announcements } = services;
  router.use(requireRole('staff'));

  async function vacancyFormLocals(req: Request) {
    const { org } = await vacancies.listForStaff(actorOf(req));
    const [schools, drives] = await Promise.all([vacancies.hiringOptions(org), vacancies.announcementOptions(org)]);
    return {
      // Each school is named with its place: the vacancy's location follows the school chosen.
      schools: schools.map((s) => ({
        value: String(s._id),
        label: `${s.name} · ${placeLabel(s.countyCode, req.locale)}`,
      })),
      drives: drives.map((a) => ({ value: String(a._id), label: a.title })),
      stages: options('stages', req.locale),
      subjects: options('subjects', req.locale),
      postTypes: options('postTypes', req.locale),
      educationLevels: EDUCATION_LEVELS.map((k) => ({ value: k, label: req.t(`vacancies.education.${k}`) })),
      certificates: CERTIFICATE_KEYS.map((k) => ({ value: k, label: req.t(`taxonomy.certificates.${k}`) })),
      mandarinLevels: MANDARIN_LEVELS.map((k) => ({ value: k, label: req.t(`vacancies.mandarin.${k}`) })),
      pipelines: PIPELINES.map((k) => ({ value: k, label: req.t(`vacancies.pipelines.${k}`) })),
    };
  }

  router.get('/vacancies', async (req, res) => {
    const { org, vacancies: list } = await vacancies.listForStaff(actorOf(req));
    const now = clock.now();
    res.render('pages/manage/vacancies', {
      title: req.t('manage.vacancies.title'),
      org,
      items: list.map((v) => presentVacancy(v, req.locale, now)),
      canPost: (await vacancies.hiringOptions(org)).length > 0,
    });
  });

  router.get('/vacancies/new', async (req, res) => {
    const locals = await vacancyFormLocals(req);
    // A school posting for itself has one choice, already made: itself.
    const only = locals.schools.length === 1 ? locals.schools[0]!.value : '';
    const values = { education: 'bachelor', pipeline: 'open_recruitment', headcount: '1', schoolId: only };
    res.render('pages/manage/vacancy-form', {
      title: req.t('manage.vacancies.new'),
      ...locals,
      values,
    });
  });

  router.post('/vacancies/new', async (req, res, next) => {
    const title = req.t('manage.vacancies.new');
    try {
      const form = parseForm(vacancySchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const id = await vacancies.create(actorCtx(req), toVacancyInput(form.data));
      req.flash('success', 'manage.vacancies.created');
      res.redirect(303, `/manage/vacancies/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      renderInvalid(
        res,
        'pages/manage/vacancy-form',
        { title, ...(await vacancyFormLocals(req)) },
        err.fields,
        req.body,
      );
    }
  });

  router.get('/vacancies/:id', async (req, res) => {
    const { vacancy } = await vacancies.getForStaff(actorOf(req), String(req.params.id));
    const v = presentVacancy(vacancy, req.locale, clock.now());
    res.render('pages/manage/vacancy', {
      title: v.title,
      v,
      actions: VACANCY_ACTIONS.filter((a) => staffCan(v.status, a)),
    });
  });

  router.get('/vacancies/:id/edit', async (req, res) => {
    const { vacancy } = await vacancies.getForStaff(actorOf(req), String(req.params.id));
    const values = vacancyValues(vacancy);
    res.render('pages/manage/vacancy-form', {
      title: req.t('manage.vacancies.edit'),
      editing: presentVacancy(vacancy, req.locale, clock.now()),
      ...(await vacancyFormLocals(req)),
      values,
    });
  });

  router.post('/vacancies/:id/edit', async (req, res, next) => {
    const id = String(req.params.id);
    try {
      const form = parseForm(vacancySchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const { backToReview } = await vacancies.update(actorCtx(req), id, toVacancyInput(form.data));
      req.flash(backToReview ? 'info' : 'success', backToReview ? 'manage.vacancies.backToReview' : 'manage.saved');
      res.redirect(303, `/manage/vacancies/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const { vacancy } = await vacancies.getForStaff(actorOf(req), id);
      renderInvalid(
        res,
        'pages/manage/vacancy-form',
        {
          title: req.t('manage.vacancies.edit'),
          editing: presentVacancy(vacancy, req.locale, clock.now()),
          ...(await vacancyFormLocals(req)),
        },
        err.fields,
        req.body,
      );
    }
  });

  router.post('/vacancies/:id/duplicate', async (req, res) => {
    const copy = await vacancies.duplicate(actorCtx(req), String(req.params.id));
    req.flash('success', 'manage.vacancies.duplicated');
    res.redirect(303, `/manage/vacancies/${copy}/edit`);
  });

  router.post('/vacancies/:id/:action', async (req, res, next) => {
    const action = VACANCY_ACTIONS.find((a) => a === req.params.action);
    if (!action) return next();
    const id = String(req.params.id);
    try {
      await vacancies.act(actorCtx(req), id, action);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      req.flash('error', Object.values(err.fields)[0] ?? 'errors.validation.summary');
      return res.redirect(303, `/manage/vacancies/${id}`);
    }
    req.flash('success', `manage.done.${action}`);
    res.redirect(303, `/manage/vacancies/${id}`);
  });

  // Announcements
  const announcementLocals = (req: Request) => ({
    programmes: PROGRAMMES.map((k) => ({ value: k, label: req.t(`announcements.programmes.${k}`) })),
    phases: PHASES.map((k) => ({
      key: k,
      label: req.t(`announcements.phases.${k}`),
      start: `${k}Start`,
      end: `${k}End`,
    })),
  });

  router.get('/announcements', async (req, res) => {
    const list = await announcements.listForStaff(actorOf(req));
    res.render('pages/manage/announcements', {
      title: req.t('manage.announcements.title'),
      items: list.map((a) => presentAnnouncement(a, req.locale)),
    });
  });

  router.get('/announcements/new', (req, res) => {
    res.render('pages/manage/announcement-form', {
      title: req.t('manage.announcements.new'),
      ...announcementLocals(req),
      values: {},
    });
  });

  router.post('/announcements/new', async (req, res, next) => {
    try {
      const form = parseForm(announcementSchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const id = await announcements.create(actorCtx(req), toAnnouncementInput(form.data));
      req.flash('success', 'manage.announcements.created');
      res.redirect(303, `/manage/announcements/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      renderInvalid(
        res,
        'pages/manage/announcement-form',
        { title: req.t('manage.announcements.new'), ...announcementLocals(req) },
        err.fields,
        req.body,
      );
    }
  });

  router.get('/announcements/:id', async (req, res) => {
    const a = presentAnnouncement(await announcements.getForStaff(actorOf(req), String(req.params.id)), req.locale);
    res.render('pages/manage/announcement', {
      title: a.title,
      a,
      actions: ANNOUNCEMENT_ACTIONS.filter((x) => staffCan(a.status, x)),
    });
  });

  router.get('/announcements/:id/edit', async (req, res) => {
    const a = await announcements.getForStaff(actorOf(req), String(req.params.id));
    res.render('pages/manage/announcement-form', {
      title: req.t('manage.announcements.edit'),
      editing: presentAnnouncement(a, req.locale),
      ...announcementLocals(req),
      values: announcementValues(a),
    });
  });

  router.post('/announcements/:id/edit', async (req, res, next) => {
    const id = String(req.params.id);
    try {
      const form = parseForm(announcementSchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const { backToReview } = await announcements.update(actorCtx(req), id, toAnnouncementInput(form.data));
      req.flash(backToReview ? 'info' : 'success', backToReview ? 'manage.announcements.backToReview' : 'manage.saved');
      res.redirect(303, `/manage/announcements/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const a = await announcements.getForStaff(actorOf(req), id);
      renderInvalid(
        res,
        'pages/manage/announcement-form',
        {
          title: req.t('manage.announcements.edit'),
          editing: presentAnnouncement(a, req.locale),
          ...announcementLocals(req),
        },
        err.fields,
        req.body,
      );
    }
  });

  router.post('/announcements/:id/:action', async (req, res, next) => {
    const action = ANNOUNCEMENT_ACTIONS.find((a) => a === req.params.action);
    if (!action) return next();
    await announcements.act(actorCtx(req), String(req.params.id), action);
    req.flash('success', `manage.done.${action}`);
    res.redirect(303, `/manage/announcements/${req.params.id}`);
  });

  return router;
}
