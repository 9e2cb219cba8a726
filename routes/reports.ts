// The coordinator's reports: the dashboard, one CSV per chart, and "refresh now"; every filter lives in the URL.
import { Router, type Request } from 'express';
import type { RouteDeps } from '.';
import { actorCtx, actorOf, requireRole } from '../server/middleware/guards';
import { toCsv } from '../server/services/csv';
import { FILTER_KEYS, coverage, type Filters } from '../server/services/reports/figures';
import { countiesOf, countyLabel, findPlace, hebeiUnits, isHebeiUnit, unitName } from '../server/services/regions';
import {
  POST_TYPE_KEYS,
  STAGE_KEYS,
  SUBJECT_KEYS,
  options,
  postTypeName,
  stageName,
  subjectName,
} from '../server/services/taxonomy';
import { cstDate, cstDateTime } from '../server/views/present';
import { CHART_KEYS, headline, reportCharts, type Chart, type ChartKey } from '../server/views/reports';

type Query = Partial<Record<(typeof FILTER_KEYS)[number] | 'timeBy', string | number | undefined>>;

/** The filters from the query string; unknown values are dropped, and a unit coordinator is held to their unit. */
function filtersOf(req: Request): { f: Filters; timeBy: 'place' | 'postType' } {
  const q = req.query as Record<string, unknown>;
  const s = (k: string) => (typeof q[k] === 'string' && q[k] !== '' ? (q[k] as string).slice(0, 40) : undefined);
  const scope = actorOf(req).scopeUnit;
  const year = Number(s('year'));
  const unit = scope ?? (isHebeiUnit(s('unit') ?? '') ? s('unit') : undefined);
  const county = s('county');
  const place = county ? findPlace(county) : undefined;
  return {
    f: {
      year: Number.isInteger(year) && year > 2000 && year < 2100 ? year : undefined,
      unit,
      // A county only within the chosen unit (choosing a county chooses its unit).
      county: place && place.province === 'hebei' && (!unit || place.unitCode === unit) ? county : undefined,
      stage: STAGE_KEYS.find((k) => k === s('stage')),
      subject: SUBJECT_KEYS.find((k) => k === s('subject')),
      postType: POST_TYPE_KEYS.find((k) => k === s('postType')),
      announcement: /^[a-f0-9]{24}$/.test(s('announcement') ?? '') ? s('announcement') : undefined,
    },
    timeBy: s('timeBy') === 'postType' ? 'postType' : 'place',
  };
}

function queryString(values: Query): string {
  const qs = new URLSearchParams(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return qs ? `?${qs}` : '';
}

export function reportsRouter({ services, clock }: RouteDeps): Router {
  const router = Router();
  const { reports } = services;
  router.use('/coordinator/reports', requireRole('coordinator'));

  async function build(req: Request, only?: ChartKey) {
    const { f, timeBy } = filtersOf(req);
    const data = await reports.data(actorOf(req), f);
    const current: Query = { ...f, timeBy: timeBy === 'postType' ? 'postType' : undefined };
    const href = (change: Query) => `/coordinator/reports${queryString({ ...current, ...change })}`;
    const charts = reportCharts(data, f, { locale: req.locale, href, timeBy }, only);
    return { f, timeBy, data, charts, current, href };
  }

  router.get('/coordinator/reports', async (req, res) => {
    const started = performance.now();
    const { f, timeBy, data, charts, current, href } = await build(req);
    const loaded = performance.now() - started;
    const actor = actorOf(req);
    const cover = coverage(data.facts);
    const by = new Map(charts.map((c) => [c.key, present(c)]));
    function present(c: Chart) {
      return {
        ...c,
        table: { columns: c.table.columns, rows: c.table.rows.map((r) => r.map((cell) => cell ?? '–')) },
        csv: `/coordinator/reports/${c.key}.csv${queryString(current)}`,
      };
    }
    const unit = f.unit;
    res.set(
      'Server-Timing',
      [`facts;dur=${loaded.toFixed(1)}`, ...charts.map((c) => `${c.key};dur=${c.ms.toFixed(1)}`)].join(', '),
    );
    const incentives = await services.awards.summary(actor);
    res.render('pages/coordinator/reports', {
      incentives,
      title: req.t('reports.title'),
      scope: actor.scopeUnit ? unitName(actor.scopeUnit, req.locale) : null,
      snapshot: {
        at: cstDateTime(data.snapshot.takenAt),
        counts: data.snapshot.counts,
      },
      headline: headline(data, f),
      filters: {
        years: cover.years.map((y) => ({ value: y, label: String(y), selected: y === f.year })),
        units: actor.scopeUnit
          ? null
          : hebeiUnits(req.locale).map((u) => ({ value: u.code, label: u.name, selected: u.code === unit })),
        counties: unit
          ? countiesOf(unit, req.locale).map((c) => ({ value: c.code, label: c.name, selected: c.code === f.county }))
          : null,
        stages: options('stages', req.locale, f.stage),
        subjects: options('subjects', req.locale, f.subject),
        postTypes: options('postTypes', req.locale, f.postType),
        announcements: cover.announcements
          .map((id) => ({ value: id, label: data.announcements.get(id)?.title ?? id, selected: id === f.announcement }))
          .sort((a, b) => a.label.localeCompare(b.label)),
        timeBy,
        active: FILTER_KEYS.some((k) => f[k] !== undefined && !(k === 'unit' && actor.scopeUnit)),
      },
      stageToggle: [
        { label: req.t('reports.allStages'), href: href({ stage: undefined }), current: !f.stage },
        ...STAGE_KEYS.map((k) => ({
          label: stageName(k, req.locale),
          href: href({ stage: k }),
          current: f.stage === k,
        })),
      ],
      timeToggle: [
        { label: req.t('reports.time.byPlace'), href: href({ timeBy: undefined }), current: timeBy === 'place' },
        { label: req.t('reports.time.byPostType'), href: href({ timeBy: 'postType' }), current: timeBy === 'postType' },
      ],
      back: req.originalUrl.startsWith('/coordinator/reports') ? req.originalUrl : '/coordinator/reports',
      filterSummary: [
        f.year,
        unit ? unitName(unit, req.locale) : null,
        f.county ? countyLabel(f.county, req.locale) : null,
        f.stage ? stageName(f.stage, req.locale) : null,
        f.subject ? subjectName(f.subject, req.locale) : null,
        f.postType ? postTypeName(f.postType, req.locale) : null,
        f.announcement ? data.announcements.get(f.announcement)?.title : null,
      ]
        .filter(Boolean)
        .join(' · '),
      upHref: unit && !actor.scopeUnit ? href({ unit: undefined, county: undefined }) : null,
      unitName: unit ? unitName(unit, req.locale) : null,
      chart: Object.fromEntries(by),
      charts: [...by.values()],
    });
  });

  router.get('/coordinator/reports/:chart.csv', async (req, res, next) => {
    const key = CHART_KEYS.find((k) => k === req.params.chart);
    if (!key) return next();
    const { charts } = await build(req, key);
    const chart = charts[0]!;
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set(
      'Content-Disposition',
      `attachment; filename="teachbridge-${key}-${cstDate(clock.now())}.csv"; filename*=UTF-8''${encodeURIComponent(`${chart.title.replace(/[\\/:*?"<>|]+/g, ' ')}-${cstDate(clock.now())}.csv`)}`,
    );
    res.send(toCsv([chart.table.columns, ...chart.table.rows]));
  });

  router.post('/coordinator/reports/refresh', async (req, res) => {
    const done = await reports.refresh(actorCtx(req));
    req.flash(done ? 'success' : 'info', done ? 'reports.refreshed' : 'reports.refreshWait');
    const back =
      typeof req.body?.back === 'string' && req.body.back.startsWith('/coordinator/reports')
        ? req.body.back
        : '/coordinator/reports';
    res.redirect(303, back);
  });

  return router;
}
