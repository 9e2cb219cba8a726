// Staff of verified organisations: their vacancies and announcements, from draft to filled.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { parseForm, renderInvalid, withParams } from '../server/middleware/forms';
import { cstDayStart } from '../server/services/formats';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { placeLabel } from '../server/services/regions';
import { CERTIFICATE_KEYS, options, POST_TYPE_KEYS, STAGE_KEYS, SUBJECT_KEYS } from '../server/services/taxonomy';
import { STAFF_SORTS, type StaffVacancyFilters, type VacancyInput } from '../server/services/vacancies';
import { presentStaffVacancies } from '../server/views/vacancies';
import { cstDate, endOfCstDay, pager, presentAnnouncement, presentVacancy } from '../server/views/present';
import {
  EDUCATION_LEVELS,
  MANDARIN_LEVELS,
  PHASES,
  PIPELINES,
  POSTING_STATES,
  PROGRAMMES,
  staffCan,
} from '../models/Posting';
import type { AnnouncementDoc } from '../models/Announcement';
import type { VacancyDoc } from '../models/Vacancy';
import {
  checkbox,
  emptyToNull,
  formRules,
  objectId,
  optionalDate,
  optionalInt,
  optionalText,
  requiredInt,
  text,
} from './schemas';

const keys = (list: readonly string[]) => list as [string, ...string[]];

export const vacancySchema = z.object({
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
export const announcementSchema = z.object({
  programme: z.enum(PROGRAMMES, 'validation.choose'),
  title: text(120),
  body: optionalText(20_000),
  venue: optionalText(200),
  ...phaseFields,
});

/** The staff vacancy list's filters from the address: anything unknown is dropped (the list is shown unfiltered). */
function staffFilters(q: Record<string, unknown>): StaffVacancyFilters {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const status = POSTING_STATES.find((s) => s === q.status) ?? '';
  const announcement = /^[a-f\d]{24}$/i.test(str(q.announcement)) ? str(q.announcement).toLowerCase() : '';
  const sort = STAFF_SORTS.find((s) => s === q.sort) ?? 'updated';
  const page = Math.min(100, Math.max(1, Math.floor(Number(str(q.page))) || 1));
  return { status, announcement, q: str(q.q).slice(0, 50), sort, page };
}

/** The vacancy form's fields whose label is not `fields.<name>`, for the error summary. */
const VACANCY_LABELS = {
  schoolId: 'fields.school',
  countyCode: 'fields.county',
  announcementId: 'fields.announcement',
  certificateType: 'fields.certificate',
  mandarinLevel: 'fields.mandarin',
  benefits: 'fields.otherBenefits',
};

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
      return { kind, start: cstDayStart(start), end: end ? endOfCstDay(end) : null };
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
      rules: formRules(vacancySchema),
    };
  }

  router.get('/vacancies', async (req, res) => {
    const f = staffFilters(req.query as Record<string, unknown>);
    const result = await vacancies.pageForStaff(actorOf(req), f);
    const counts = await services.applications.countsForVacancies(
      actorOf(req),
      result.vacancies.map((v) => v._id),
    );
    const qs = (over: Partial<StaffVacancyFilters>) => {
      const p = { ...f, ...over };
      return new URLSearchParams(
        Object.entries({
          status: p.status,
          announcement: p.announcement,
          q: p.q,
          sort: p.sort === 'updated' ? '' : p.sort,
          page: p.page > 1 ? String(p.page) : '',
        }).filter(([, v]) => v) as [string, string][],
      ).toString();
    };
    const link = (over: Partial<StaffVacancyFilters>) => `/manage/vacancies${qs(over) ? `?${qs(over)}` : ''}`;
    res.render('pages/manage/vacancies', {
      title: req.t('manage.vacancies.title'),
      org: result.org,
      f,
      filtered: Boolean(f.status || f.announcement || f.q),
      total: result.total,
      items: presentStaffVacancies(result.vacancies, counts, req.locale, clock.now()),
      states: POSTING_STATES.map((k) => ({ value: k, label: req.t(`postings.states.${k}`), selected: k === f.status })),
      drives: result.drives.map((a) => ({ value: a.id, label: a.title, selected: a.id === f.announcement })),
      sorts: STAFF_SORTS.map((k) => ({
        value: k,
        label: req.t(`manage.vacancies.sorts.${k}`),
        selected: k === f.sort,
      })),
      ...pager(result, (page) => link({ page })),
      canPost: (await vacancies.hiringOptions(result.org)).length > 0,
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
        VACANCY_LABELS,
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
        VACANCY_LABELS,
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
    rules: formRules(announcementSchema),
  });
  // "报名 开始日期": each phase's dates named with their phase in the error summary.
  const announcementLabels = (req: Request) =>
    Object.fromEntries(
      PHASES.flatMap((k) => {
        const phase = req.t(`announcements.phases.${k}`);
        return [
          [`${k}Start`, withParams('announcements.phaseDate', { phase, which: req.t('announcements.start') })],
          [`${k}End`, withParams('announcements.phaseDate', { phase, which: req.t('announcements.end') })],
        ];
      }),
    );

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
        announcementLabels(req),
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
        announcementLabels(req),
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
