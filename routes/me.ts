// The candidate's own pages: profile (and, with applications, their applications).
import { Router, type Request, type Response } from 'express';
import { MAX_UPLOAD_BYTES } from '../server/storage';
import { DOCUMENT_KINDS } from '../models/CandidateProfile';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { ValidationError } from '../server/errors';
import { errorList, field, parseForm, renderInvalid, withParams } from '../server/middleware/forms';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { parseIdCard } from '../server/services/idcard';
import type { ProfileInput } from '../server/services/profiles';
import { hebeiUnits } from '../server/services/regions';
import { CERTIFICATE_KEYS, options, STAGE_KEYS, SUBJECT_KEYS } from '../server/services/taxonomy';
import { cstDate } from '../server/views/present';
import { EDUCATION_LEVELS, MANDARIN_LEVELS } from '../models/Posting';
import type { ProfileDoc } from '../models/CandidateProfile';
import { checkbox, formRules, many, optionalDate, optionalText, rule, text } from './schemas';
import { cstDayStart } from '../server/services/formats';
import { sizeLabel, uploadForm, uploadRefusal } from '../server/middleware/uploads';

const ROWS = [0, 1, 2];
const keys = (list: readonly string[]) => list as [string, ...string[]];
const day = (v: string | null) => cstDayStart(v);

const rowFields = Object.fromEntries(
  ROWS.flatMap((i) => [
    [`edu${i}Institution`, optionalText(100)],
    [`edu${i}Level`, z.union([z.literal(''), z.enum(EDUCATION_LEVELS)], 'validation.choose').default('')],
    [`edu${i}Major`, optionalText(100)],
    [`edu${i}Graduation`, optionalDate],
    [`edu${i}FullTime`, checkbox],
    [`edu${i}Normal`, checkbox],
    [`cert${i}Type`, z.union([z.literal(''), z.enum(keys(CERTIFICATE_KEYS))], 'validation.choose').default('')],
    [`cert${i}Subject`, z.union([z.literal(''), z.enum(keys(SUBJECT_KEYS))], 'validation.choose').default('')],
    [`cert${i}Number`, optionalText(40)],
    [`cert${i}Pending`, checkbox],
    [`cert${i}Expected`, optionalDate],
  ]),
);

export const profileSchema = z
  .object({
    legalName: text(50),
    idNumber: z
      .string('validation.invalid')
      .trim()
      .default('')
      .refine((v) => v === '' || parseIdCard(v) !== null, 'profile.errors.idNumber')
      .meta(rule({ maxlength: 18 })),
    phone: z
      .string('validation.required')
      .trim()
      .regex(/^1[3-9]\d{9}$/, 'profile.errors.mobile')
      .meta(rule({ required: true, maxlength: 11, inputmode: 'tel' })),
    mandarinLevel: z.union([z.literal(''), z.enum(MANDARIN_LEVELS)], 'validation.choose').default(''),
    stages: many.pipe(z.array(z.enum(keys(STAGE_KEYS), 'validation.choose'))),
    subjects: many.pipe(z.array(z.enum(keys(SUBJECT_KEYS), 'validation.choose')).max(6, 'validation.tooMany')),
    preferredUnits: many.pipe(z.array(z.string().max(10)).max(14, 'validation.tooMany')),
    availableFrom: optionalDate,
    ...rowFields,
  })
  .superRefine((v, ctx) => {
    const f = v as Record<string, unknown>;
    for (const i of ROWS) {
      if (f[`edu${i}Institution`] && !f[`edu${i}Level`])
        ctx.addIssue({ code: 'custom', path: [`edu${i}Level`], message: 'validation.choose' });
      if (f[`cert${i}Type`] && !f[`cert${i}Pending`] && !f[`cert${i}Number`]) {
        ctx.addIssue({ code: 'custom', path: [`cert${i}Number`], message: 'profile.errors.certificateNumber' });
      }
    }
  });

/** The profile's fields whose label is not `fields.<name>`: each row's fields named with their row. */
const ROW_LABELS: Record<string, string> = {
  Institution: 'fields.institution',
  Level: 'fields.degree',
  Major: 'fields.major',
  Graduation: 'fields.graduationDate',
  Type: 'fields.certificate',
  Subject: 'fields.subject',
  Number: 'fields.certificateNumber',
  Expected: 'fields.certificateExpected',
};
function profileLabels(req: Request): Record<string, string> {
  const labels: Record<string, string> = {
    phone: 'fields.mobile',
    mandarinLevel: 'fields.mandarinLevel',
    stages: 'fields.stagesTaught',
    subjects: 'fields.subjectsTaught',
  };
  for (const i of ROWS) {
    for (const [suffix, key] of Object.entries(ROW_LABELS)) {
      const edu = ['Institution', 'Level', 'Major', 'Graduation'].includes(suffix);
      const row = req.t(edu ? 'profile.educationRow' : 'profile.certificateRow', { n: i + 1 });
      labels[`${edu ? 'edu' : 'cert'}${i}${suffix}`] = withParams('profile.rowField', { row, field: req.t(key) });
    }
  }
  return labels;
}

function toInput(d: Record<string, unknown>): ProfileInput {
  const str = (k: string) => (d[k] as string) ?? '';
  return {
    legalName: str('legalName'),
    idNumber: str('idNumber'),
    phone: str('phone'),
    education: ROWS.filter((i) => str(`edu${i}Institution`)).map((i) => ({
      institution: str(`edu${i}Institution`),
      level: d[`edu${i}Level`] as ProfileInput['education'][number]['level'],
      major: str(`edu${i}Major`),
      graduationDate: day(d[`edu${i}Graduation`] as string | null),
      fullTime: Boolean(d[`edu${i}FullTime`]),
      normalUniversity: Boolean(d[`edu${i}Normal`]),
    })),
    certificates: ROWS.filter((i) => str(`cert${i}Type`)).map((i) => ({
      type: str(`cert${i}Type`),
      subject: str(`cert${i}Subject`),
      number: str(`cert${i}Number`),
      pending: Boolean(d[`cert${i}Pending`]),
      expectedDate: day(d[`cert${i}Expected`] as string | null),
    })),
    mandarinLevel: d.mandarinLevel as ProfileInput['mandarinLevel'],
    stages: d.stages as string[],
    subjects: d.subjects as string[],
    preferredUnits: d.preferredUnits as string[],
    availableFrom: day(d.availableFrom as string | null),
  };
}

/** A stored profile as the form's values. */
function values(profile: ProfileDoc | null, idNumber: string): Record<string, unknown> {
  if (!profile) return {};
  const v: Record<string, unknown> = {
    legalName: profile.legalName,
    idNumber,
    phone: profile.phone,
    mandarinLevel: profile.mandarinLevel,
    stages: profile.stages,
    subjects: profile.subjects,
    preferredUnits: profile.preferredUnits,
    availableFrom: cstDate(profile.availableFrom),
  };
  profile.education.forEach((e, i) => {
    Object.assign(v, {
      [`edu${i}Institution`]: e.institution,
      [`edu${i}Level`]: e.level,
      [`edu${i}Major`]: e.major,
      [`edu${i}Graduation`]: cstDate(e.graduationDate),
      [`edu${i}FullTime`]: e.fullTime ? '1' : '',
      [`edu${i}Normal`]: e.normalUniversity ? '1' : '',
    });
  });
  profile.certificates.forEach((c, i) => {
    Object.assign(v, {
      [`cert${i}Type`]: c.type,
      [`cert${i}Subject`]: c.subject,
      [`cert${i}Number`]: c.number,
      [`cert${i}Pending`]: c.pending ? '1' : '',
      [`cert${i}Expected`]: cstDate(c.expectedDate),
    });
  });
  return v;
}

/** Sends a stored document as a download under the name its owner gave it. */
export function sendDocument(res: Response, file: { data: Buffer; name: string; mime: string }) {
  res.set('Content-Type', file.mime);
  res.set('Content-Disposition', `attachment; filename="document"; filename*=UTF-8''${encodeURIComponent(file.name)}`);
  res.set('Cache-Control', 'private, no-store');
  res.send(file.data);
}

export const documentUpload = uploadForm({
  path: '/me/documents',
  file: 'file',
  maxBytes: MAX_UPLOAD_BYTES,
  fields: 2,
});

export function meRouter({ services }: RouteDeps): Router {
  const router = Router();
  const { profiles, documents } = services;
  router.use('/me/profile', requireRole('candidate'));
  router.use('/me/documents', requireRole('candidate'));

  async function profilePage(
    req: Request,
    res: Response,
    status: number,
    errors: Record<string, string> = {},
    typed: Record<string, unknown> = {},
  ) {
    const mine = await profiles.mine(actorOf(req));
    res.status(status).render('pages/me/profile', {
      ...formLocals(req, mine.completeness),
      sensitiveConsented: await services.privacy.has(actorOf(req), 'sensitive'),
      values: values(mine.profile, mine.idNumber),
      documents: mine.profile?.documents ?? [],
      kinds: DOCUMENT_KINDS.map((k) => ({ value: k, label: req.t(`documents.kinds.${k}`) })),
      freshGraduate: mine.freshGraduate,
      derived: mine.profile?.birthDate
        ? { birthDate: cstDate(mine.profile.birthDate), gender: req.t(`profile.gender.${mine.profile.gender}`) }
        : null,
      // A refused upload: the summary at the top of the documents section (where the form's action lands, at
      // #documents) names the field and links to it; the kind chosen stays chosen.
      docErrorList: errorList(res, errors, { file: 'documents.file', kind: 'documents.kind' }),
      docErrors: errors,
      docKind: DOCUMENT_KINDS.find((k) => k === typed.kind) ?? '',
      maxDocumentSize: sizeLabel(MAX_UPLOAD_BYTES),
    });
  }

  router.post('/me/documents', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const refused = uploadRefusal(req);
    if (refused) return profilePage(req, res, refused.status, refused.errors, body);
    const kind = DOCUMENT_KINDS.find((k) => k === body.kind);
    if (!req.file || !kind) {
      const errors = {
        ...(kind ? {} : { kind: 'validation.choose' }),
        ...(req.file ? {} : { file: 'documents.errors.missing' }),
      };
      return profilePage(req, res, 422, errors, body);
    }
    try {
      await documents.add(actorCtx(req), kind, req.file);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return profilePage(req, res, 422, e.fields, body);
    }
    req.flash('success', 'documents.uploaded');
    res.redirect(303, '/me/profile#documents');
  });

  router.get('/me/documents/:id', async (req, res) => {
    sendDocument(res, await documents.forOwner(actorOf(req), String(req.params.id)));
  });

  router.post('/me/documents/:id/delete', async (req, res) => {
    await documents.remove(actorCtx(req), String(req.params.id));
    req.flash('success', 'documents.removed');
    res.redirect(303, '/me/profile#documents');
  });

  const formLocals = (req: Request, completeness: unknown) => ({
    title: req.t('profile.title'),
    completeness,
    rows: ROWS.map((i) => ({
      i,
      n: i + 1,
      institution: `edu${i}Institution`,
      level: `edu${i}Level`,
      major: `edu${i}Major`,
      graduation: `edu${i}Graduation`,
      fullTime: `edu${i}FullTime`,
      normal: `edu${i}Normal`,
      certType: `cert${i}Type`,
      certSubject: `cert${i}Subject`,
      certNumber: `cert${i}Number`,
      certPending: `cert${i}Pending`,
      certExpected: `cert${i}Expected`,
    })),
    educationLevels: EDUCATION_LEVELS.map((k) => ({ value: k, label: req.t(`vacancies.education.${k}`) })),
    certificates: CERTIFICATE_KEYS.map((k) => ({ value: k, label: req.t(`taxonomy.certificates.${k}`) })),
    mandarinLevels: MANDARIN_LEVELS.map((k) => ({ value: k, label: req.t(`vacancies.mandarin.${k}`) })),
    stageOptions: options('stages', req.locale),
    subjectOptions: options('subjects', req.locale),
    units: hebeiUnits(req.locale),
    rules: formRules(profileSchema),
  });

  router.get('/me/profile', async (req, res) => {
    await profilePage(req, res, 200);
  });

  router.post('/me/profile', async (req, res, next) => {
    try {
      const form = parseForm(profileSchema, req.body);
      if (!form.ok) throw new ValidationError(form.errors);
      if (field(req.body, 'sensitive') === '1' && form.data.idNumber)
        await services.privacy.consent(actorCtx(req), 'sensitive');
      await profiles.save(actorCtx(req), toInput(form.data as Record<string, unknown>));
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const mine = await profiles.mine(actorOf(req));
      return renderInvalid(
        res,
        'pages/me/profile',
        {
          ...formLocals(req, mine.completeness),
          sensitiveConsented: await services.privacy.has(actorOf(req), 'sensitive'),
          documents: mine.profile?.documents ?? [],
          kinds: DOCUMENT_KINDS.map((k) => ({ value: k, label: req.t(`documents.kinds.${k}`) })),
        },
        err.fields,
        req.body,
        profileLabels(req),
      );
    }
    req.flash('success', 'profile.saved');
    res.redirect(303, '/me/profile');
  });

  return router;
}
