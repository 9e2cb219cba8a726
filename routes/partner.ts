// Partner staff (universities, Beijing/Tianjin paired schools): referrals, imports, recommendations, the funnel.
// And the graduate's side: the invitation link and their referrals.
import { Router, type Request, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import { byAccount, byAddress, limiter } from '../server/middleware/rateLimit';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ConflictError, ForbiddenError, ValidationError } from '../server/errors';
import { errorList, parseForm, renderInvalid, field } from '../server/middleware/forms';
import { sizeLabel, uploadForm, uploadRefusal } from '../server/middleware/uploads';
import { actorCtx, actorOf, requestCtx, requireRole } from '../server/middleware/guards';
import { decodeCsv, parseCsv, toCsv } from '../server/services/csv';
import { readReferralRows, templateCsv } from '../server/services/referralCsv';
import { FUNNEL } from '../server/services/referrals';
import { hebeiUnits, unitName } from '../server/services/regions';
import { options, SUBJECT_KEYS } from '../server/services/taxonomy';
import { CONSENT_LEVELS } from '../models/Referral';
import { Vacancy } from '../models/Vacancy';
import { pager } from '../server/views/present';
import {
  email,
  formRules,
  many,
  newPassword,
  optionalText,
  phone,
  text,
  confirmPasswords,
  privacyConsent,
} from './schemas';

const keys = (list: readonly string[]) => list as [string, ...string[]];
const DEGREES = ['college', 'bachelor', 'master', 'doctorate'] as const;
export const referralSchema = z.object({
  name: text(50),
  email,
  phone,
  major: optionalText(100),
  graduationYear: z
    .string('validation.required')
    .trim()
    .regex(/^20\d{2}$/, 'referrals.errors.year')
    .transform(Number),
  degree: z.enum(DEGREES, 'validation.choose'),
  certificates: optionalText(200),
  subjects: many.pipe(z.array(z.enum(keys(SUBJECT_KEYS), 'validation.choose')).max(6, 'validation.tooMany')),
  preferredUnits: many.pipe(z.array(z.string().max(10)).max(14)),
  note: optionalText(500),
});
/** The referral form's labels are `referrals.fields.<name>`, for the error summary. */
const REFERRAL_LABELS = Object.fromEntries(Object.keys(referralSchema.shape).map((k) => [k, `referrals.fields.${k}`]));
const claimSchema = z
  .object({
    name: text(50),
    password: newPassword,
    passwordConfirm: z.string('validation.required'),
    consent: z.enum(CONSENT_LEVELS, 'referrals.errors.consent'),
    privacy: privacyConsent,
  })
  .superRefine(confirmPasswords);
export const referralImportUpload = uploadForm({
  path: '/partner/referrals/import',
  file: 'file',
  maxBytes: 2 * 1024 * 1024,
  fields: 1,
});

/** A city row's size for sorting: referrals in it, every suppressed ("<3") size counting alike. */
const shownSize = (u: { funnel: { shown: number | '<3' }[] }) => {
  const shown = u.funnel[0]?.shown ?? 0;
  return shown === '<3' ? 1 : shown;
};

export function partnerRouter({ services, clock, config }: RouteDeps): Router {
  const router = Router();
  const { referrals } = services;
  // Staff of a partner (a university, or a Beijing/Tianjin school); the services check the organisation again.
  const staffOnly = requireRole('staff');
  const partnerOnly: RequestHandler = (req, res, next) =>
    staffOnly(req, res, (err?: unknown) => (err ? next(err) : req.user?.partner ? next() : next(new ForbiddenError())));

  const formLocals = (req: Request) => ({
    title: req.t('referrals.new.title'),
    rules: formRules(referralSchema),
    degrees: DEGREES.map((d) => ({ value: d, label: req.t(`vacancies.education.${d}`) })),
    subjectOptions: options('subjects', req.locale),
    units: hebeiUnits(req.locale),
  });

  router.get('/partner', partnerOnly, async (req, res) => {
    const org = await referrals.partnerOf(actorOf(req));
    const d = await referrals.dashboard(actorOf(req));
    res.render('pages/partner/dashboard', {
      title: req.t('referrals.dashboard.title', { partner: org.name }),
      ...d,
      // By city: most referrals first (groups too small to show count as one size), then by name.
      units: d.units
        .map((u) => ({ ...u, name: unitName(u.unit, req.locale) }))
        .sort((a, b) => shownSize(b) - shownSize(a) || a.name.localeCompare(b.name, req.locale)),
      steps: FUNNEL,
    });
  });

  router.get('/partner/referrals', partnerOnly, async (req, res) => {
    const cohort = Number(req.query.cohort) || undefined;
    const major = typeof req.query.major === 'string' ? req.query.major.slice(0, 50) : '';
    const status = typeof req.query.status === 'string' ? req.query.status : '';
    const name = typeof req.query.name === 'string' ? req.query.name.trim().slice(0, 50) : '';
    const result = await referrals.listPage(actorOf(req), { cohort, major, status, name }, Number(req.query.page));
    const link = (page: number) => {
      const qs = new URLSearchParams();
      if (name) qs.set('name', name);
      if (cohort) qs.set('cohort', String(cohort));
      if (major) qs.set('major', major);
      if (status) qs.set('status', status);
      if (page > 1) qs.set('page', String(page));
      const s = qs.toString();
      return `/partner/referrals${s ? `?${s}` : ''}`;
    };
    res.render('pages/partner/referrals', {
      title: req.t('referrals.list.title'),
      items: result.items,
      total: result.total,
      ...pager(result, link),
      filtered: Boolean(name || cohort || major || status),
      f: { cohort, major, status, name },
      statuses: [...FUNNEL, 'declined', 'expired', 'not_hired', 'revoked'],
      maxImportSize: sizeLabel(referralImportUpload.maxBytes),
    });
  });

  router.get('/partner/referrals/new', partnerOnly, async (req, res) => {
    await referrals.partnerOf(actorOf(req));
    res.render('pages/partner/new', {
      ...formLocals(req),
      values: {},
    });
  });

  router.post('/partner/referrals/new', partnerOnly, async (req, res, next) => {
    try {
      const form = parseForm(referralSchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      const id = await referrals.refer(actorCtx(req), { ...form.data, stages: [] });
      req.flash('success', 'referrals.new.done', { email: form.data.email });
      res.redirect(303, `/partner/referrals/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      renderInvalid(res, 'pages/partner/new', formLocals(req), err.fields, req.body, REFERRAL_LABELS);
    }
  });

  router.get('/partner/referrals.csv', partnerOnly, async (req, res) => {
    const items = await referrals.list(actorOf(req), {});
    const header = ['name', 'email', 'major', 'graduationYear', 'status'].map((k) => req.t(`referrals.export.${k}`));
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="referrals.csv"');
    res.send(
      toCsv([
        header,
        ...items.map((r) => [r.name, r.email, r.major, r.graduationYear, req.t(`referrals.status.${r.status}`)]),
      ]),
    );
  });

  router.get('/partner/referrals/template.csv', partnerOnly, (req, res) => {
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="referrals-template.csv"');
    res.send(templateCsv());
  });

  router.post('/partner/referrals/import', partnerOnly, async (req, res) => {
    await referrals.partnerOf(actorOf(req));
    const refused = uploadRefusal(req);
    const decoded = req.file && !refused ? decodeCsv(req.file.buffer) : null;
    if (!decoded) {
      const errors = refused?.errors ?? {
        file: req.file ? 'referrals.import.encoding' : 'referrals.import.noFile',
      };
      return res.status(refused?.status ?? 422).render('pages/partner/import', {
        title: req.t('referrals.import.title'),
        errors,
        errorList: errorList(res, errors, { file: 'referrals.import.file' }),
        maxSize: sizeLabel(referralImportUpload.maxBytes),
      });
    }
    const report = await referrals.importRows(actorCtx(req), readReferralRows(parseCsv(decoded.text)));
    res.status(report.rejected.length > 0 ? 422 : 200).render('pages/partner/import', {
      title: req.t('referrals.import.title'),
      report: {
        ...report,
        rejected: report.rejected.map((r) => ({ row: r.row, reasons: r.errors.map((e) => req.t(e)).join('；') })),
      },
      gbk: decoded.encoding === 'gbk',
    });
  });

  router.get('/partner/referrals/:id', partnerOnly, async (req, res) => {
    const detail = await referrals.detail(actorOf(req), String(req.params.id));
    const open = await Vacancy.find({ status: 'open' })
      .sort({ openedAt: -1 })
      .limit(100)
      .select({ title: 1, schoolName: 1 })
      .lean();
    res.render('pages/partner/referral', {
      title: detail.referral.name,
      ...detail,
      vacancies: open.map((v) => ({ value: String(v._id), label: `${v.title} · ${v.schoolName}` })),
    });
  });

  for (const action of ['resend', 'revoke'] as const) {
    router.post(`/partner/referrals/:id/${action}`, partnerOnly, async (req, res) => {
      try {
        await referrals[action](actorCtx(req), String(req.params.id));
        req.flash('success', `referrals.done.${action}`);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        req.flash('error', err.messageKey);
      }
      res.redirect(303, `/partner/referrals/${req.params.id}`);
    });
  }

  router.post('/partner/referrals/:id/recommend', partnerOnly, async (req, res) => {
    try {
      await referrals.recommend(actorCtx(req), String(req.params.id), field(req.body, 'vacancyId'));
      req.flash('success', 'referrals.done.recommend');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      req.flash('error', 'validation.choose');
    }
    res.redirect(303, `/partner/referrals/${req.params.id}`);
  });

  // Campus drives: a QR code (and short link) for quick registration on the spot.
  router.get('/manage/announcements/:id/qr.svg', partnerOnly, async (req, res) => {
    const a = await services.announcements.getForStaff(actorOf(req), String(req.params.id));
    const svg = await QRCode.toString(referrals.driveLink(String(a._id), config.baseUrl, config.sessionSecret), {
      type: 'svg',
      margin: 1,
    });
    res.set('Content-Type', 'image/svg+xml');
    res.set('Cache-Control', 'private, max-age=300');
    res.send(svg);
  });

  const driveSchema = z
    .object({
      name: text(50),
      email,
      password: newPassword,
      passwordConfirm: z.string('validation.required'),
      privacy: privacyConsent,
      graduationYear: z
        .string('validation.required')
        .trim()
        .regex(/^20\d{2}$/, 'referrals.errors.year')
        .transform(Number),
      consent: z.enum(CONSENT_LEVELS, 'referrals.errors.consent'),
    })
    .superRefine(confirmPasswords);

  router.get('/d/:id/:sig', async (req, res) => {
    const drive = await referrals.drive(String(req.params.id), String(req.params.sig), config.sessionSecret);
    res.render('pages/partner/drive', {
      title: drive.title,
      drive,
      consents: CONSENT_LEVELS.map((c) => ({ value: c, label: req.t(`referrals.consent.${c}`) })),
      values: {},
    });
  });

  router.post(
    '/d/:id/:sig',
    // A drive signs up a lecture hall from one network: per address and drive, with room for hundreds, and per
    // account as everywhere.
    limiter(
      'signup-drive',
      config.rateLimits.drive,
      config.rateLimits.windowMs,
      clock,
      (req) => `${byAddress(req)}|${String(req.params.id)}`,
    ),
    limiter('signup-account', config.rateLimits.signup, config.rateLimits.windowMs, clock, byAccount),
    async (req, res, next) => {
      const drive = await referrals.drive(String(req.params.id), String(req.params.sig), config.sessionSecret);
      const form = parseForm(driveSchema, req.body);
      if (!form.ok) {
        return renderInvalid(
          res,
          'pages/partner/drive',
          {
            title: drive.title,
            drive,
            consents: CONSENT_LEVELS.map((c) => ({ value: c, label: req.t(`referrals.consent.${c}`) })),
          },
          form.errors,
          req.body,
        );
      }
      try {
        await referrals.quickRegister(requestCtx(req), services.accounts, drive, { ...form.data, locale: req.locale });
      } catch (err) {
        return next(err);
      }
      res.redirect(303, '/register/sent');
    },
  );

  // The graduate's side.
  router.get('/referrals/:token', async (req, res) => {
    const inv = await referrals.invitation(String(req.params.token));
    res.render('pages/partner/claim', {
      title: req.t('referrals.claim.title'),
      inv,
      signedInAsThem: req.user?.role === 'candidate' && req.user.email === inv.referral.email,
      consents: CONSENT_LEVELS.map((c) => ({ value: c, label: req.t(`referrals.consent.${c}`) })),
      values: { name: inv.referral.name },
      returnTo: encodeURIComponent(req.originalUrl),
      declineAction: `${req.originalUrl.split('?')[0]}/decline`,
    });
  });

  router.post('/referrals/:token/decline', async (req, res) => {
    await referrals.decline(requestCtx(req), String(req.params.token));
    res.render('pages/partner/declined', { title: req.t('referrals.claim.declinedTitle') });
  });

  router.post('/referrals/:token', async (req, res, next) => {
    const token = String(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // What the partner may see is the graduate's own choice: never a default.
    const consent = CONSENT_LEVELS.find((c) => c === body.consent);
    try {
      if (req.user) {
        if (!consent) throw new ValidationError({ consent: 'referrals.errors.consent' });
        await referrals.claim(requestCtx(req), token, { name: req.user.name, consent, locale: req.locale });
        req.flash('success', 'referrals.claim.linked');
        return res.redirect(303, '/me/referrals');
      }
      const form = parseForm(claimSchema, body);
      if (!form.ok) throw new ValidationError(form.errors);
      await referrals.claim(requestCtx(req), token, { ...form.data, locale: req.locale });
      req.flash('success', 'referrals.claim.done');
      res.redirect(303, '/login');
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const inv = await referrals.invitation(token);
      renderInvalid(
        res,
        'pages/partner/claim',
        {
          title: req.t('referrals.claim.title'),
          inv,
          signedInAsThem: req.user?.role === 'candidate' && req.user.email === inv.referral.email,
          consents: CONSENT_LEVELS.map((c) => ({ value: c, label: req.t(`referrals.consent.${c}`) })),
          returnTo: encodeURIComponent(req.originalUrl),
          declineAction: `${req.originalUrl.split('?')[0]}/decline`,
        },
        err.fields,
        body,
      );
    }
  });

  router.get('/me/referrals', requireRole('candidate'), async (req, res) => {
    const mine = await referrals.mine(actorOf(req));
    res.render('pages/partner/mine', {
      title: req.t('referrals.mine.title'),
      items: mine.map((r) => ({ ...r, id: String(r._id) })),
      consents: CONSENT_LEVELS.map((c) => ({ value: c, label: req.t(`referrals.consent.${c}`) })),
    });
  });

  router.post('/me/referrals/:id/consent', requireRole('candidate'), async (req, res) => {
    const consent = CONSENT_LEVELS.find((c) => c === (req.body as Record<string, unknown>)?.consent);
    if (!consent) {
      req.flash('error', 'referrals.errors.consent');
      return res.redirect(303, '/me/referrals');
    }
    const changed = await referrals.setConsent(actorCtx(req), String(req.params.id), consent);
    req.flash(changed ? 'success' : 'info', changed ? 'referrals.mine.saved' : 'referrals.mine.unchanged');
    res.redirect(303, '/me/referrals');
  });

  return router;
}
