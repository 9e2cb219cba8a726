// Applying, the candidate's applications, and the staff side of a vacancy's pipeline.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ConflictError, ValidationError } from '../server/errors';
import {
  echo,
  errorList,
  type FormState,
  formLocals,
  parseForm,
  renderInvalid,
  field,
} from '../server/middleware/forms';
import { sizeLabel, uploadForm, uploadRefusal } from '../server/middleware/uploads';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { applicationRef, Applications, nextStage, stagesOf, type Move } from '../server/services/applications';
import { cstDate, endOfCstDay } from '../server/views/present';
import { describeEligibility, presentMyApplication, presentVacancy } from '../server/views/present';
import { REJECT_REASONS, type ApplicationDoc } from '../models/Application';
import type { Eligibility } from '../server/services/eligibility';
import type { Locale } from '../server/i18n';
import { checkbox, many, optionalDate, optionalDecimal, optionalText, text } from './schemas';
import { cstDateTime, wholeNumber } from '../server/services/formats';
import { sendDocument } from './me';

const applySchema = z.object({ statement: optionalText(2000), consent: checkbox });
const score = optionalDecimal(0, 100, 2);
const scoresSchema = z.object({ written: score, interview: score, reason: optionalText(500) });
/** An objection received during a notice period, and how it was resolved: both must say something. */
const objectionSchema = z.object({
  text: z
    .string('applications.notice.errors.text')
    .trim()
    .min(1, 'applications.notice.errors.text')
    .max(2000, 'validation.tooLong'),
});
const resolutionSchema = z.object({
  resolution: z
    .string('applications.notice.errors.resolution')
    .trim()
    .min(1, 'applications.notice.errors.resolution')
    .max(2000, 'validation.tooLong'),
});
/** The version of the application the form was shown with: a repeat of a move already made changes nothing. */
const seenVersion = z
  .string()
  .regex(/^\d{1,6}$/)
  .transform(Number)
  .optional();
export const scoreSheetUpload = uploadForm({
  path: '/manage/vacancies/:id/scores',
  file: 'sheet',
  maxBytes: 1024 * 1024,
  // the token and the correction's reason
  fields: 3,
});
const withdrawSchema = z.object({ note: optionalText(500), version: seenVersion });
/** The applications a bulk action applies to: at least one, and each a plain id. */
const selection = many.pipe(
  z
    .array(
      // `<id>@<version>`: the version the board showed, so that a resent form does not move anyone twice.
      z
        .string()
        .regex(/^[a-f\d]{24}(@\d{1,6})?$/i)
        .transform((v) => {
          const [id = '', version] = v.split('@');
          return { id, version: version === undefined ? undefined : Number(version) };
        }),
    )
    .min(1, 'applications.board.errors.nothingSelected')
    .max(500, 'validation.tooMany'),
);
/** A bulk action on a selection: pass, return (with what to fix) or reject (with a reason chosen, never a default). */
const bulkSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('advance'), ids: selection }),
    z.object({
      action: z.literal('return'),
      ids: selection,
      message: z
        .string('applications.board.errors.message')
        .trim()
        .min(1, 'applications.board.errors.message')
        .max(1000, 'validation.tooLong'),
    }),
    z.object({
      action: z.literal('reject'),
      ids: selection,
      reason: z.enum(REJECT_REASONS, 'applications.errors.reason'),
      message: optionalText(1000),
    }),
  ],
  'applications.board.errors.action',
);
const moveSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('advance'),
    contractDate: optionalDate.transform((v) => (v ? endOfCstDay(v) : null)),
    version: seenVersion,
  }),
  z.object({ action: z.literal('absent'), version: seenVersion }),
  z.object({ action: z.literal('return'), message: text(1000), version: seenVersion }),
  z.object({
    action: z.literal('reject'),
    reason: z.enum(REJECT_REASONS, 'applications.errors.reason'),
    message: optionalText(1000),
    version: seenVersion,
  }),
]);

function present(app: ApplicationDoc, locale: Locale) {
  return {
    ...app,
    id: String(app._id),
    state: app.outcome ?? app.stage,
    eligibilityText: describeEligibility(app.eligibility as unknown as Eligibility, locale),
    steps: stagesOf(app.pipeline),
    ref: applicationRef(app._id),
    next: nextStage(app.pipeline, app.stage),
  };
}

export function applicationsRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { applications } = services;

  /**
   * Why applying is not possible, and the way on: the application already made (its status and link), or the profile
   * when that is what stands in the way — never "update your profile" for a deadline or a second application.
   */
  async function blockedLocals(
    req: Request,
    prepared: { vacancy: { _id: unknown }; blocked: string | null },
  ): Promise<Record<string, unknown>> {
    const statuses =
      prepared.blocked === 'applications.errors.duplicate'
        ? await applications.statusesFor(actorOf(req), [String(prepared.vacancy._id)])
        : new Map<string, { id: string; state: string }>();
    return {
      title: req.t('applications.apply.title'),
      blocked: prepared.blocked,
      mine: presentMyApplication(statuses.get(String(prepared.vacancy._id)), req.locale),
      fixInProfile: ['applications.errors.profile', 'applications.errors.ineligible'].includes(prepared.blocked ?? ''),
    };
  }

  router.get('/jobs/:id/apply', requireRole('candidate'), async (req, res) => {
    const prepared = await applications.prepare(actorOf(req), String(req.params.id));
    res.render('pages/applications/apply', {
      ...(await blockedLocals(req, prepared)),
      v: presentVacancy(prepared.vacancy, req.locale, clock.now()),
      eligibility: describeEligibility(prepared.eligibility, req.locale),
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
          ...(await blockedLocals(req, prepared)),
          v: presentVacancy(prepared.vacancy, req.locale, clock.now()),
          eligibility: describeEligibility(prepared.eligibility, req.locale),
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
      items: apps.map((a) => ({
        ...present(a, req.locale),
        vacancy: titles.get(String(a.vacancy)) ?? { title: '', school: '' },
      })),
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
      offerOpen: app.stage === 'offer' && !app.outcome && !app.offer?.acceptedAt && !app.offer?.declinedAt,
      values: {},
    });
  });

  router.post('/me/applications/:id/resubmit', requireRole('candidate'), async (req, res) => {
    const seen = seenVersion.safeParse(field(req.body, 'version') || undefined);
    const changed = await applications.move(
      actorCtx(req),
      String(req.params.id),
      { action: 'resubmit' },
      { seenVersion: seen.success ? seen.data : undefined },
    );
    req.flash(
      changed ? 'success' : 'info',
      changed ? 'applications.returned.resubmitted' : 'applications.moved.already',
    );
    res.redirect(303, `/me/applications/${req.params.id}`);
  });

  router.post('/me/applications/:id/withdraw', requireRole('candidate'), async (req, res) => {
    const form = withdrawSchema.safeParse(req.body);
    const changed = await applications.move(
      actorCtx(req),
      String(req.params.id),
      { action: 'withdraw', note: form.success ? form.data.note : '' },
      { seenVersion: form.success ? form.data.version : undefined },
    );
    req.flash(changed ? 'success' : 'info', changed ? 'applications.withdrawn' : 'applications.moved.already');
    res.redirect(303, `/me/applications/${req.params.id}`);
  });

  /** The staff pipeline board; after a refused bulk action, with the selection and what was typed kept. */
  const renderBoard = async (
    req: Request,
    res: Response,
    form: FormState & { query?: Record<string, unknown> } = {
      values: {},
      errors: {},
    },
  ) => {
    const query = form.query ?? (req.query as Record<string, unknown>);
    const { vacancy, apps } = await applications.forVacancy(actorOf(req), String(req.params.id));
    const stage = typeof query.stage === 'string' ? query.stage : '';
    const eligibility = typeof query.eligibility === 'string' ? query.eligibility : '';
    const counts = Applications.countByStage(apps);
    const sort = query.sort === 'written' || query.sort === 'total' || query.sort === 'name' ? query.sort : 'submitted';
    const shown = apps
      .filter((a) => !stage || (a.outcome ?? a.stage) === stage)
      .filter((a) => !eligibility || (a.eligibility as { outcome?: string })?.outcome === eligibility)
      .sort((x, y) =>
        sort === 'name'
          ? String((x.snapshot as { legalName?: string }).legalName).localeCompare(
              String((y.snapshot as { legalName?: string }).legalName),
              'zh-CN',
            )
          : sort === 'submitted'
            ? x.submittedAt.getTime() - y.submittedAt.getTime()
            : (y.scores?.[sort] ?? -1) - (x.scores?.[sort] ?? -1),
      );
    const notices = await applications.notices(actorOf(req), String(req.params.id));
    res.status(Object.keys(form.errors).length ? 422 : 200).render('pages/applications/board', {
      title: req.t('applications.board.title', { title: vacancy.title }),
      notices: notices.map((n) => ({
        id: String(n._id),
        date: cstDate(n.publishedAt),
        open: n.objections.filter((o) => !o.resolvedAt).length,
      })),
      gates: ['written_exam', 'interview'].filter((st) => stagesOf(vacancy.pipeline).includes(st)),
      hasNoticeStage: stagesOf(vacancy.pipeline).includes('public_notice'),
      maxSheetSize: sizeLabel(scoreSheetUpload.maxBytes),
      v: presentVacancy(vacancy, req.locale, clock.now()),
      columns: [...stagesOf(vacancy.pipeline), 'rejected', 'withdrawn', 'absent'].map((s) => ({
        key: s,
        count: counts[s] ?? 0,
        current: s === stage,
        people: apps
          .filter((a) => (a.outcome ?? a.stage) === s)
          .slice(0, 30)
          .map((a) => ({
            id: String(a._id),
            name: (a.snapshot as { legalName?: string }).legalName ?? '',
            flagged: (a.eligibility as { outcome?: string })?.outcome === 'pending',
          })),
      })),
      stage,
      eligibility,
      sort,
      sorts: ['submitted', 'name', 'written', 'total'].map((k) => ({ key: k, current: k === sort })),
      reasons: REJECT_REASONS.map((r) => ({ value: r, label: req.t(`applications.reasons.${r}`) })),
      items: shown.map((a) => present(a, req.locale)),
      ...formLocals(res, form, {
        ids: 'applications.board.select',
        reason: 'applications.staff.reason',
        message: 'applications.staff.message',
      }),
    });
  };

  router.get('/manage/vacancies/:id/applications', requireRole('staff'), async (req, res) => {
    await renderBoard(req, res);
  });

  /** One application for its school's staff; after a refused form, with its errors and what was typed. */
  const renderStaffOne = async (req: Request, res: Response, form: FormState = { values: {}, errors: {} }) => {
    const id = String(req.params.id);
    const { app, vacancy, maskedId, email } = await applications.forStaff(actorOf(req), id);
    const notes = await applications.notesFor(actorOf(req), id);
    const relied = await applications.relied(app.vacancy);
    const noticed = relied.noticed.has(id);
    res.status(Object.keys(form.errors).length ? 422 : 200).render('pages/applications/staff-one', {
      notes,
      title: (app.snapshot as { legalName?: string }).legalName ?? '',
      a: present(app, req.locale),
      vacancy,
      maskedId,
      email,
      reasons: REJECT_REASONS.map((r) => ({ value: r, label: req.t(`applications.reasons.${r}`) })),
      active: !app.outcome && app.stage !== 'signed',
      needsContractDate: nextStage(app.pipeline, app.stage) === 'signed',
      // Scores are final once signed; those a cut-off or notice relied on change only with a reason.
      scoresOpen: !(app.stage === 'signed' && !app.outcome),
      scoresRelied: relied.written || relied.interview || noticed,
      scoreForm: {
        written: form.values.written ?? String(app.scores?.written ?? ''),
        interview: form.values.interview ?? String(app.scores?.interview ?? ''),
      },
      corrections: (app.scoreCorrections ?? []).map((c) => ({ ...c, byName: c.byName || String(c.by ?? '') })),
      ...formLocals(res, form, {
        contractDate: 'applications.staff.contractDate',
        reason: 'applications.staff.reason',
        message: 'applications.staff.message',
      }),
    });
  };

  router.get('/manage/applications/:id', requireRole('staff'), async (req, res) => {
    await renderStaffOne(req, res);
  });

  router.post('/manage/applications/:id/move', requireRole('staff'), async (req, res, next) => {
    const id = String(req.params.id);
    const form = parseForm(moveSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const { version, ...move } = form.data;
      const changed = await applications.move(actorCtx(req), id, move as Move, { seenVersion: version });
      if (changed) req.flash('success', `applications.moved.${move.action}`);
      else req.flash('info', 'applications.moved.already');
    } catch (err) {
      if (err instanceof ConflictError) {
        req.flash('error', err.messageKey);
        return res.redirect(303, `/manage/applications/${id}`);
      }
      if (!(err instanceof ValidationError)) return next(err);
      return renderStaffOne(req, res, { values: echo(req.body), errors: err.fields });
    }
    res.redirect(303, `/manage/applications/${id}`);
  });

  router.get('/manage/vacancies/:id/applications.csv', requireRole('staff', 'coordinator'), async (req, res) => {
    const csv = await applications.exportCsv(actorCtx(req), String(req.params.id), req.t);
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="applicants-${String(req.params.id)}.csv"`);
    res.send(csv);
  });

  router.get('/manage/applications/:id/documents/:doc', requireRole('staff'), async (req, res) => {
    sendDocument(res, await services.documents.forStaff(actorCtx(req), String(req.params.id), String(req.params.doc)));
  });

  router.post('/manage/applications/:id/interview', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const at = cstDateTime(body.at);
    const place = field(body, 'place').trim().slice(0, 200);
    const minutes = field(body, 'minutes') === '' ? 30 : wholeNumber(body.minutes);
    if (!at || !place || minutes === null || minutes < 10 || minutes > 240) {
      req.flash('error', 'applications.interview.invalid');
      return res.redirect(303, `/manage/applications/${id}`);
    }
    try {
      const sent = await applications.scheduleInterview(actorCtx(req), id, {
        at,
        minutes,
        place,
        panel: field(body, 'panel').trim().slice(0, 200),
      });
      req.flash(sent ? 'success' : 'info', sent ? 'applications.interview.sent' : 'applications.interview.unchanged');
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
    }
    res.redirect(303, `/manage/applications/${id}`);
  });

  router.post('/me/applications/:id/interview', requireRole('candidate'), async (req, res) => {
    try {
      await applications.confirmInterview(actorCtx(req), String(req.params.id));
      req.flash('success', 'applications.interview.confirmed');
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
    }
    res.redirect(303, `/me/applications/${req.params.id}`);
  });

  router.post('/manage/applications/:id/notes', requireRole('staff'), async (req, res) => {
    const text = field(req.body, 'text').trim().slice(0, 2000);
    if (text) await applications.addNote(actorCtx(req), String(req.params.id), text);
    res.redirect(303, `/manage/applications/${req.params.id}`);
  });

  router.post('/manage/vacancies/:id/bulk', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = parseForm(bulkSchema, body);
    if (!form.ok) {
      // Back to the board's list with the selection, the reason and the message as they were.
      return renderBoard(req, res, { values: echo(body), errors: form.errors, query: { stage: body.stage } });
    }
    const { ids, ...move } = form.data;
    const result = await applications.bulk(actorCtx(req), id, ids, move as Move);
    req.flash(result.failed.length ? 'info' : 'success', 'applications.board.bulkDone', {
      done: result.done,
      failed: result.failed.length,
    });
    res.redirect(
      303,
      `/manage/vacancies/${id}/applications${typeof body.stage === 'string' && body.stage ? `?stage=${encodeURIComponent(body.stage)}` : ''}`,
    );
  });

  router.post('/manage/applications/:id/scores', requireRole('staff'), async (req, res, next) => {
    const id = String(req.params.id);
    const form = parseForm(scoresSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const changed = await applications.recordScores(actorCtx(req), id, form.data);
      req.flash(changed ? 'success' : 'info', changed ? 'applications.scores.saved' : 'applications.scores.unchanged');
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) return next(err);
      const errors = err instanceof ValidationError ? err.fields : { reason: err.messageKey };
      return renderStaffOne(req, res, { values: echo(req.body), errors });
    }
    res.redirect(303, `/manage/applications/${id}`);
  });

  router.post('/manage/vacancies/:id/scores', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const refused = uploadRefusal(req);
    const reason = field(req.body, 'reason').trim().slice(0, 500);
    // A refused upload's file is not there to read (a second file, or one cut short).
    const text = () => (req.file ? req.file.buffer.toString('utf8') : field(req.body, 'sheet'));
    const result = refused ? null : await applications.importScores(actorCtx(req), id, text(), reason);
    if (!result || result.errors.length > 0 || result.imported + result.unchanged === 0) {
      const { vacancy, apps } = await applications.forVacancy(actorOf(req), id);
      const fieldErrors = refused?.errors ?? {};
      return res.status(refused?.status ?? 422).render('pages/applications/import-result', {
        title: req.t('applications.scores.importTitle'),
        v: presentVacancy(vacancy, req.locale, clock.now()),
        refused: Boolean(refused),
        errors: fieldErrors,
        errorList: errorList(res, fieldErrors, { sheet: 'applications.scores.sheet' }),
        maxSize: sizeLabel(scoreSheetUpload.maxBytes),
        rows: (result?.errors ?? []).map((e) => ({
          row: e.row,
          reason: req.t(`applications.scores.rowErrors.${e.reason}`),
        })),
        count: apps.length,
        reason,
      });
    }
    if (result.imported > 0) req.flash('success', 'applications.scores.imported', { count: result.imported });
    else req.flash('info', 'applications.scores.unchanged');
    res.redirect(303, `/manage/vacancies/${id}/applications`);
  });

  router.post('/manage/vacancies/:id/advance', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    const from = field(req.body, 'from');
    const moved = await applications.advanceAdmitted(actorCtx(req), id, from);
    req.flash('success', 'applications.board.advanced', { count: moved });
    res.redirect(303, `/manage/vacancies/${id}/applications?stage=${encodeURIComponent(from)}`);
  });

  router.post('/manage/vacancies/:id/notice', requireRole('staff'), async (req, res) => {
    const id = String(req.params.id);
    try {
      const noticeId = await applications.publishNotice(actorCtx(req), id);
      req.flash('success', 'applications.notice.published');
      res.redirect(303, `/notices/${noticeId}`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
      res.redirect(303, `/manage/vacancies/${id}/applications`);
    }
  });

  /** A notice's objections for the staff who published it; after a refused form, with its errors and the text. */
  const renderNoticeManage = async (req: Request, res: Response, form: FormState = { values: {}, errors: {} }) => {
    const notice = await applications.getNotice(String(req.params.id));
    await applications.forVacancy(actorOf(req), String(notice.vacancy)); // tenancy: only the posting's staff
    res.status(Object.keys(form.errors).length ? 422 : 200).render('pages/applications/notice-manage', {
      title: req.t('applications.notice.manageTitle', { title: notice.title }),
      notice,
      objections: notice.objections.map((o, index) => ({ ...o, index })),
      endsDate: cstDate(notice.endsAt),
      ...formLocals(res, form),
    });
  };

  router.post('/manage/notices/:id/objections', requireRole('staff'), async (req, res) => {
    const form = parseForm(objectionSchema, req.body);
    if (!form.ok) return renderNoticeManage(req, res, { values: echo(req.body), errors: form.errors });
    await applications.addObjection(actorCtx(req), String(req.params.id), form.data.text);
    res.redirect(303, `/manage/notices/${req.params.id}`);
  });

  router.post('/manage/notices/:id/objections/:index', requireRole('staff'), async (req, res) => {
    const form = parseForm(resolutionSchema, req.body);
    if (!form.ok)
      return renderNoticeManage(req, res, {
        values: { ...echo(req.body), index: String(req.params.index) },
        errors: form.errors,
      });
    await applications.resolveObjection(
      actorCtx(req),
      String(req.params.id),
      Number(req.params.index),
      form.data.resolution,
    );
    res.redirect(303, `/manage/notices/${req.params.id}`);
  });

  router.get('/manage/notices/:id', requireRole('staff'), async (req, res) => {
    await renderNoticeManage(req, res);
  });

  router.get('/notices/:id', async (req, res) => {
    const notice = await applications.getNotice(String(req.params.id));
    res.render('pages/applications/notice', {
      title: req.t('applications.notice.title', { title: notice.title }),
      notice,
      startDate: cstDate(notice.publishedAt),
      endsDate: cstDate(notice.endsAt),
    });
  });

  router.post('/me/applications/:id/offer', requireRole('candidate'), async (req, res) => {
    const accept = (req.body as Record<string, unknown>)?.answer === 'accept';
    try {
      await applications.answerOffer(actorCtx(req), String(req.params.id), accept);
      req.flash('success', accept ? 'applications.offer.accepted' : 'applications.offer.declined');
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.flash('error', err.messageKey);
    }
    res.redirect(303, `/me/applications/${req.params.id}`);
  });

  return router;
}
