// Sponsors' staff: their incentive programmes — drafted, edited while a draft or returned, and submitted to the
// regional office for approval.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '.';
import { INCENTIVE_KINDS, INCENTIVE_PERIODS, type ProgrammeDoc } from '../models/IncentiveProgramme';
import { ValidationError } from '../server/errors';
import { field, listField, parseForm, renderInvalid } from '../server/middleware/forms';
import { toCsv } from '../server/services/csv';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { criteriaOf, type ProgrammeInput } from '../server/services/incentives';
import { presentAward, presentProgramme } from '../server/views/incentives';
import { cstDate } from '../server/views/present';
import { countiesOf, hebeiUnits, isHebeiUnit } from '../server/services/regions';
import { POST_TYPE_KEYS, STAGE_KEYS, SUBJECT_KEYS, options } from '../server/services/taxonomy';
import { checkbox, formRules, many, requiredDate, requiredInt, text } from './schemas';
import { cstDayStart, wholeNumber } from '../server/services/formats';

const day = requiredDate.transform((v) => cstDayStart(v)!);

export const programmeSchema = z.object({
  name: text(100),
  kind: z.enum(INCENTIVE_KINDS, 'validation.choose'),
  amount: requiredInt(1, 1_000_000),
  period: z.enum(INCENTIVE_PERIODS, 'validation.choose'),
  periods: requiredInt(1, 120),
  places: requiredInt(1, 10_000),
  budget: requiredInt(1, 1_000_000_000),
  startsOn: day,
  endsOn: day,
  units: many.pipe(z.array(z.string().refine(isHebeiUnit, 'validation.choose'))),
  counties: many.pipe(z.array(z.string().regex(/^13\d{4}$/, 'validation.choose'))),
  ruralOnly: checkbox,
  stages: many.pipe(z.array(z.enum(STAGE_KEYS as [string, ...string[]], 'validation.choose'))),
  subjects: many.pipe(z.array(z.enum(SUBJECT_KEYS as [string, ...string[]], 'validation.choose'))),
  postTypes: many.pipe(z.array(z.enum(POST_TYPE_KEYS as [string, ...string[]], 'validation.choose'))),
  shortageOnly: checkbox,
  graduatesOf: z
    .union([z.literal(''), z.string().regex(/^[a-f\d]{24}$/i, 'validation.choose')])
    .default('')
    .transform((v) => v || null),
  termsZh: text(2000),
  termsEn: text(2000),
});
/** The programme form's labels are `incentives.fields.<name>`, for the error summary. */
const PROGRAMME_LABELS = Object.fromEntries(
  Object.keys(programmeSchema.shape).map((k) => [k, `incentives.fields.${k}`]),
);

function toInput(d: z.output<typeof programmeSchema>): ProgrammeInput {
  return {
    name: d.name,
    kind: d.kind,
    amount: d.amount,
    period: d.period,
    periods: d.periods,
    places: d.places,
    budget: d.budget,
    startsOn: d.startsOn,
    endsOn: d.endsOn,
    termsZh: d.termsZh,
    termsEn: d.termsEn,
    criteria: {
      units: d.units,
      counties: d.counties,
      ruralOnly: d.ruralOnly,
      stages: d.stages,
      subjects: d.subjects,
      postTypes: d.postTypes,
      shortageOnly: d.shortageOnly,
      graduatesOf: d.graduatesOf,
    },
  };
}

/** A stored programme as the form's values. */
export function valuesOf(p: ProgrammeDoc): Record<string, unknown> {
  const c = criteriaOf(p);
  return {
    name: p.name,
    kind: p.kind,
    amount: String(p.amount),
    period: p.period,
    periods: String(p.periods),
    places: String(p.places),
    budget: String(p.budget),
    startsOn: cstDate(p.startsOn),
    endsOn: cstDate(p.endsOn),
    termsZh: p.termsZh,
    termsEn: p.termsEn,
    units: c.units,
    counties: c.counties,
    ruralOnly: c.ruralOnly ? '1' : '',
    stages: c.stages,
    subjects: c.subjects,
    postTypes: c.postTypes,
    shortageOnly: c.shortageOnly ? '1' : '',
    graduatesOf: c.graduatesOf ? String(c.graduatesOf) : '',
  };
}

export function sponsorRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { incentives } = services;
  router.use('/sponsor', requireRole('staff'));

  const formLocals = async (req: Request, values: Record<string, unknown>) => {
    const chosen = (k: string) => listField(values, k);
    const units = hebeiUnits(req.locale);
    return {
      rules: formRules(programmeSchema),
      universities: await incentives.universities(),
      kinds: INCENTIVE_KINDS.map((k) => ({ value: k, label: req.t(`incentives.kinds.${k}`) })),
      periods: INCENTIVE_PERIODS.map((k) => ({ value: k, label: req.t(`incentives.periods.${k}`) })),
      units: units.map((u) => ({ value: u.code, label: u.name, checked: chosen('units').includes(u.code) })),
      countyGroups: units.map((u) => ({
        unit: u.code,
        label: u.name,
        options: countiesOf(u.code, req.locale).map((c) => ({
          value: c.code,
          label: c.name,
          selected: chosen('counties').includes(c.code),
        })),
      })),
      stages: options('stages', req.locale).map((o) => ({ ...o, checked: chosen('stages').includes(o.value) })),
      subjects: options('subjects', req.locale).map((o) => ({ ...o, checked: chosen('subjects').includes(o.value) })),
      postTypes: options('postTypes', req.locale).map((o) => ({
        ...o,
        checked: chosen('postTypes').includes(o.value),
      })),
    };
  };

  router.get('/sponsor/programmes', async (req, res) => {
    const list = await incentives.mine(actorOf(req));
    res.render('pages/sponsor/programmes', {
      title: req.t('incentives.sponsor.title'),
      programmes: list.map((p) => presentProgramme(p, req)),
    });
  });

  router.get('/sponsor/programmes/new', async (req, res) => {
    await incentives.mine(actorOf(req)); // sponsors only
    res.render('pages/sponsor/programme-form', {
      title: req.t('incentives.sponsor.new'),
      values: {},
      ...(await formLocals(req, {})),
    });
  });

  router.post('/sponsor/programmes', async (req, res, next) => {
    const form = parseForm(programmeSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      const id = await incentives.create(actorCtx(req), toInput(form.data));
      req.flash('success', 'incentives.sponsor.saved');
      res.redirect(303, `/sponsor/programmes/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const values = (req.body ?? {}) as Record<string, unknown>;
      renderInvalid(
        res,
        'pages/sponsor/programme-form',
        { title: req.t('incentives.sponsor.new'), ...(await formLocals(req, values)) },
        err.fields,
        values,
        PROGRAMME_LABELS,
      );
    }
  });

  const fundedOf = async (req: Request, programme: ProgrammeDoc) => {
    if (programme.status !== 'approved' && programme.status !== 'closed') return null;
    const f = await services.awards.forSponsor(actorOf(req), programme);
    return {
      rows: f.rows.map((r) => presentAward(r, req, clock.now())),
      retention: f.retention,
      committed: f.committed.toLocaleString('zh-CN'),
      due: f.due.toLocaleString('zh-CN'),
      paid: f.paid.toLocaleString('zh-CN'),
    };
  };

  router.get('/sponsor/programmes/:id', async (req, res) => {
    const programme = await incentives.get(actorOf(req), String(req.params.id));
    const values = valuesOf(programme);
    res.render('pages/sponsor/programme', {
      title: programme.name,
      p: presentProgramme(programme, req),
      funded: await fundedOf(req, programme),
      values,
      ...(await formLocals(req, values)),
    });
  });

  router.post('/sponsor/programmes/:id', async (req, res, next) => {
    const id = String(req.params.id);
    const form = parseForm(programmeSchema, req.body);
    try {
      if (!form.ok) throw new ValidationError(form.errors);
      await incentives.update(actorCtx(req), id, toInput(form.data));
      req.flash('success', 'incentives.sponsor.saved');
      res.redirect(303, `/sponsor/programmes/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) return next(err);
      const programme = await incentives.get(actorOf(req), id);
      const values = (req.body ?? {}) as Record<string, unknown>;
      renderInvalid(
        res,
        'pages/sponsor/programme',
        { title: programme.name, p: presentProgramme(programme, req), ...(await formLocals(req, values)) },
        err.fields,
        values,
        PROGRAMME_LABELS,
      );
    }
  });

  // The funded teachers as CSV (names only where the teacher agreed), the same rows as the page.
  router.get('/sponsor/programmes/:id/awards.csv', async (req, res) => {
    const programme = await incentives.get(actorOf(req), String(req.params.id));
    const f = await services.awards.forSponsor(actorOf(req), programme);
    await services.events.record(
      actorCtx(req),
      'award.exported',
      { type: 'IncentiveProgramme', id: String(programme._id) },
      {
        rows: f.rows.length,
      },
    );
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="teachbridge-awards-${String(programme._id)}.csv"`);
    res.send(
      toCsv([
        ['teacher', 'school', 'start', 'status', 'due', 'paid'].map((k) => req.t(`incentives.csv.${k}`)),
        ...f.rows.map((r) => {
          const a = presentAward(r, req);
          return [
            a.teacherName ?? req.t('incentives.funded.anonymous', { n: a.placeNo }),
            a.school,
            a.start,
            req.t(`incentives.awardStates.${a.status}`),
            r.due,
            r.paid,
          ];
        }),
      ]),
    );
  });

  // The sponsor records one due period of an award as paid (TeachBridge moves no money).
  router.post('/sponsor/awards/:id/paid', async (req, res) => {
    const period = wholeNumber(field(req.body, 'period'));
    const id = String(req.params.id);
    const programme = await services.awards.markPaid(actorCtx(req), id, period ?? -1);
    req.flash('success', 'incentives.funded.recorded');
    res.redirect(303, `/sponsor/programmes/${programme}`);
  });

  router.post('/sponsor/programmes/:id/submit', async (req, res) => {
    const id = String(req.params.id);
    await incentives.submit(actorCtx(req), id);
    req.flash('success', 'incentives.sponsor.submitted');
    res.redirect(303, `/sponsor/programmes/${id}`);
  });

  return router;
}
