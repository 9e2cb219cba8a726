// The coordinator's dashboard as charts and tables: one model per chart (title, SVG, data table, CSV rows), built
// from the figures in the reader's language. The CSV of a chart is its table, so the two cannot disagree.
import Handlebars from 'handlebars';
import { performance } from 'node:perf_hooks';
import { translator, type Locale } from '../i18n';
import { FUNNEL_STEPS } from '../services/reports/facts';
import {
  channels,
  funnel,
  retentionCurves,
  shortage,
  time,
  topPartners,
  type Curve,
  type Filters,
  type Shortage,
  type Spread,
} from '../services/reports/figures';
import type { ReportData } from '../services/reports';
import { countyLabel, isHebeiUnit, unitName } from '../services/regions';
import { isShortage, postTypeName, stageName, subjectName, STAGE_KEYS } from '../services/taxonomy';
import { barChart, funnelChart, heatGrid, lineChart } from './charts';

export type Cell = string | number | null;
export interface Table {
  columns: string[];
  rows: Cell[][];
}
export interface Chart {
  key: string;
  title: string;
  caption: string;
  svg: string;
  table: Table;
  /** Links to the same dashboard narrowed to one row (the heat map's drill-in), outside the image for every reader. */
  links?: { label: string; href: string }[];
  /** Render time in milliseconds (figures and SVG), reported in the Server-Timing header. */
  ms: number;
}

export const CHART_KEYS = [
  'shortage',
  'shortage-stages',
  'funnel',
  'exits',
  'time-fill',
  'time-offer',
  'channels',
  'channel-retention',
  'partners',
  'retention-cohorts',
  'retention-mentor',
  'retention-post-types',
  'leave-reasons',
] as const;
export type ChartKey = (typeof CHART_KEYS)[number];

export interface Options {
  locale: Locale;
  /** The dashboard's address with these filters changed (for drilling in from the heat map). */
  href: (change: Partial<Record<keyof Filters, string | number | undefined>>) => string;
  timeBy: 'place' | 'postType';
}

const pct = (n: number | null) => (n === null ? null : n);
const escape = (s: string) => Handlebars.Utils.escapeExpression(s);

export function reportCharts(data: ReportData, f: Filters, o: Options, only?: ChartKey): Chart[] {
  const t = translator(o.locale);
  const { facts } = data;
  // Unit codes (1307, xiongan) name a city; division codes a county (Dingzhou and Xinji are both at once).
  const place = (code: string) => (isHebeiUnit(code) ? unitName(code, o.locale) : countyLabel(code, o.locale));
  const subject = (key: string) => subjectName(key, o.locale);
  const partnerName = (id: string) => data.partners.get(id)?.name ?? t('reports.unknown');
  const channelName = (key: string) => {
    if (key === 'direct') return t('reports.channel.direct');
    if (key.startsWith('drive:'))
      return t('reports.channel.drive', { title: data.announcements.get(key.slice(6))?.title ?? t('reports.unknown') });
    const partner = data.partners.get(key.slice(8));
    return t(partner?.kind === 'university' ? 'reports.channel.university' : 'reports.channel.school', {
      name: partner?.name ?? t('reports.unknown'),
    });
  };
  const exitName = (key: string) =>
    ['withdrawn', 'absent'].includes(key) ? t(`applications.stages.${key}`) : t(`applications.reasons.${key}`);
  const leaveName = (key: string) =>
    key === 'transferred' ? t('placements.states.transferred') : t(`placements.leaveReasons.${key}`);
  const days = (n: number | null) => (n === null ? '–' : t('reports.daysValue', { n }));
  const percentText = (n: number | null) => (n === null ? '–' : `${n}%`);
  const empty = t('reports.empty');
  const years = [1, 2, 3].map((k) => t('reports.afterYears', { n: k }));
  /** The heat-map parts shared by the big grid and the small multiples: rows, subject columns, cells with tips. */
  const heat = (s: Shortage) => ({
    rowTitle: s.by === 'unit' ? t('reports.unit') : t('reports.county'),
    colTitle: t('reports.subject'),
    rows: s.rows.map((r) => ({ key: r, label: place(r) })),
    cols: s.subjects.map((k) => ({ key: k, label: subject(k), marked: isShortage(k) })),
    cells: s.cells.map((c) => ({
      row: c.row,
      col: c.subject,
      value: c.unfilled,
      tip: t('reports.shortage.tip', {
        place: place(c.row),
        subject: subject(c.subject),
        unfilled: c.unfilled,
        headcount: c.headcount,
        hires: c.hires,
      }),
    })),
    legendTitle: t('reports.shortage.legend'),
  });
  // Several charts share a figure (funnel and exits; channels and their retention; four retention charts):
  // each is computed once per page.
  const once = <T>(compute: () => T) => {
    let value: T | undefined;
    return () => (value ??= compute());
  };
  const funnelOf = once(() => funnel(facts, f));
  const channelsOf = once(() => channels(facts, f));
  const retentionOf = once(() => retentionCurves(facts, f));

  const builders: Record<ChartKey, () => Omit<Chart, 'ms' | 'key'>> = {
    shortage: () => {
      const s = shortage(facts, f);
      const title = t('reports.shortage.title');
      const cell = (row: string, subj: string) => s.cells.find((c) => c.row === row && c.subject === subj);
      const rowTitle = heat(s).rowTitle;
      return {
        title,
        caption: t('reports.shortage.caption', { total: s.total.unfilled, headcount: s.total.headcount }),
        links:
          s.by === 'unit' ? s.rows.map((r) => ({ label: place(r), href: o.href({ unit: r, county: undefined }) })) : [],
        svg: heatGrid({
          id: 'shortage',
          title,
          desc: t('reports.shortage.desc'),
          emptyText: empty,
          ...heat(s),
          markedNote: t('reports.shortage.marked'),
        }),
        table: {
          columns: [
            rowTitle,
            t('reports.subject'),
            t('reports.shortageSubject'),
            t('reports.vacancies'),
            t('reports.headcount'),
            t('reports.hires'),
            t('reports.unfilled'),
          ],
          rows: s.rows.flatMap((r) =>
            s.subjects
              .map((k) => cell(r, k))
              .filter((c) => c !== undefined)
              .map((c) => [
                place(c.row),
                subject(c.subject),
                isShortage(c.subject) ? t('reports.yes') : t('reports.no'),
                c.vacancies,
                c.headcount,
                c.hires,
                c.unfilled,
              ]),
          ),
        },
      };
    },
    'shortage-stages': () => {
      const stages = STAGE_KEYS.filter((st) => !f.stage || st === f.stage);
      const per = stages
        .map((st) => ({ stage: st, s: shortage(facts, { ...f, stage: st }) }))
        .filter((x) => x.s.cells.length > 0);
      const title = t('reports.stages.title');
      // One colour scale for every stage, so that the same shade means the same gap in each small grid.
      const max = Math.max(1, ...per.flatMap(({ s }) => s.cells.map((c) => c.unfilled)));
      const svg = per
        .map(
          ({ stage: st, s }) =>
            `<div class="multiple"><h4>${escape(stageName(st, o.locale))}</h4>` +
            heatGrid({
              id: `shortage-${st}`,
              title: stageName(st, o.locale),
              desc: t('reports.stages.desc', { stage: stageName(st, o.locale) }),
              emptyText: empty,
              ...heat(s),
              compact: true,
              max,
            })
              // A small multiple keeps a size in proportion to its grid (up to the column's width) instead of
              // growing to fill the column: a grid of three subjects stays small, like its neighbours.
              .replace(
                /^(<svg[^>]*?viewBox="0 0 ([\d.]+) [\d.]+"[^>]*?)width="100%"/,
                (_all, head: string, w: string) => `${head}width="${Math.round(Number(w) * 1.6)}"`,
              ) +
            '</div>',
        )
        .join('\n');
      return {
        title,
        caption: t('reports.stages.caption'),
        svg:
          svg ||
          heatGrid({
            id: 'shortage-stages',
            title,
            desc: title,
            emptyText: empty,
            rowTitle: '',
            colTitle: '',
            rows: [],
            cols: [],
            cells: [],
            legendTitle: '',
          }),
        table: {
          columns: [
            t('reports.stage'),
            t('reports.place'),
            t('reports.subject'),
            t('reports.headcount'),
            t('reports.hires'),
            t('reports.unfilled'),
          ],
          rows: per.flatMap(({ stage: st, s }) =>
            s.cells.map((c) => [
              stageName(st, o.locale),
              place(c.row),
              subject(c.subject),
              c.headcount,
              c.hires,
              c.unfilled,
            ]),
          ),
        },
      };
    },
    funnel: () => {
      const fu = funnelOf();
      const title = t('reports.funnel.title');
      const labels = fu.steps.map((s) => t(`reports.funnel.steps.${s.key}`));
      return {
        title,
        caption: t('reports.funnel.caption'),
        svg: funnelChart({
          id: 'funnel',
          title,
          desc: t('reports.funnel.desc'),
          emptyText: empty,
          xTitle: t('reports.applications'),
          yTitle: t('reports.funnel.step'),
          categories: fu.steps.map((s, k) => ({ key: s.key, label: labels[k]! })),
          series: [
            {
              key: 'count',
              label: t('reports.applications'),
              values: fu.steps[0]!.count === 0 ? [] : fu.steps.map((s) => s.count),
              tips: fu.steps.map((s, k) =>
                t('reports.funnel.tip', { step: labels[k], count: s.count, rate: percentText(s.rate), base: s.base }),
              ),
            },
          ],
          rates: fu.steps.map((s) => s.rate),
          rateLabel: t('reports.funnel.rate'),
        }),
        table: {
          columns: [
            t('reports.funnel.step'),
            t('reports.applications'),
            t('reports.funnel.rate'),
            t('reports.funnel.base'),
          ],
          rows: fu.steps.map((s, k) => [labels[k]!, s.count, pct(s.rate), s.base]),
        },
      };
    },
    exits: () => {
      const fu = funnelOf();
      const title = t('reports.exits.title');
      return {
        title,
        caption: t('reports.exits.caption'),
        svg: barChart({
          id: 'exits',
          title,
          desc: t('reports.exits.desc'),
          emptyText: empty,
          xTitle: t('reports.applications'),
          yTitle: t('reports.exits.reason'),
          categories: fu.exits.map((e) => ({ key: e.key, label: exitName(e.key) })),
          series: [
            {
              key: 'count',
              label: t('reports.applications'),
              values: fu.exits.map((e) => e.count),
              tips: fu.exits.map((e) => `${exitName(e.key)}: ${e.count}`),
            },
          ],
        }),
        table: {
          columns: [t('reports.exits.reason'), t('reports.applications')],
          rows: fu.exits.map((e) => [exitName(e.key), e.count]),
        },
      };
    },
    'time-fill': () => timeChart('fill'),
    'time-offer': () => timeChart('offer'),
    channels: () => {
      const rows = channelsOf();
      const title = t('reports.channels.title');
      return {
        title,
        caption: t('reports.channels.caption'),
        svg: barChart({
          id: 'channels',
          title,
          desc: t('reports.channels.desc'),
          emptyText: empty,
          xTitle: t('reports.count'),
          yTitle: t('reports.channels.channel'),
          categories: rows.map((r) => ({ key: r.channel, label: channelName(r.channel) })),
          series: [
            {
              key: 'applications',
              label: t('reports.applications'),
              values: rows.map((r) => r.applications),
              tips: rows.map((r) => `${channelName(r.channel)} · ${t('reports.applications')}: ${r.applications}`),
            },
            {
              key: 'hires',
              label: t('reports.hires'),
              values: rows.map((r) => r.hires),
              tips: rows.map((r) => `${channelName(r.channel)} · ${t('reports.hires')}: ${r.hires}`),
            },
          ],
        }),
        table: channelTable(rows),
      };
    },
    'channel-retention': () => {
      const rows = channelsOf().filter((r) => r.yearBase > 0);
      const title = t('reports.channelRetention.title');
      return {
        title,
        caption: t('reports.channelRetention.caption'),
        svg: barChart({
          id: 'channel-retention',
          title,
          desc: t('reports.channelRetention.desc'),
          emptyText: empty,
          xTitle: t('reports.inPostShare'),
          yTitle: t('reports.channels.channel'),
          unit: '%',
          max: 100,
          // The base beside the name: 100% of 2 is not 100% of 40.
          categories: rows.map((r) => ({ key: r.channel, label: `${channelName(r.channel)} (${r.yearBase})` })),
          series: [
            {
              key: 'retention',
              label: t('reports.inPostShare'),
              values: rows.map((r) => r.retention),
              tips: rows.map((r) =>
                t('reports.share', {
                  label: channelName(r.channel),
                  stayed: r.retained,
                  base: r.yearBase,
                  percent: percentText(r.retention),
                }),
              ),
            },
          ],
        }),
        table: channelTable(rows),
      };
    },
    partners: () => {
      const rows = topPartners(facts, f);
      const title = t('reports.partners.title');
      return {
        title,
        caption: t('reports.partners.caption'),
        svg: barChart({
          id: 'partners',
          title,
          desc: t('reports.partners.desc'),
          emptyText: empty,
          xTitle: t('reports.hires'),
          yTitle: t('reports.partners.partner'),
          categories: rows.map((r) => ({ key: r.partner, label: partnerName(r.partner) })),
          series: [
            {
              key: 'shortage',
              label: t('reports.partners.shortage'),
              values: rows.map((r) => r.shortage),
              tips: rows.map((r) => `${partnerName(r.partner)} · ${t('reports.partners.shortage')}: ${r.shortage}`),
            },
            {
              key: 'rural',
              label: t('reports.partners.rural'),
              values: rows.map((r) => r.rural),
              tips: rows.map((r) => `${partnerName(r.partner)} · ${t('reports.partners.rural')}: ${r.rural}`),
            },
          ],
        }),
        table: {
          columns: [
            t('reports.partners.partner'),
            t('reports.hires'),
            t('reports.partners.shortage'),
            t('reports.partners.rural'),
          ],
          rows: rows.map((r) => [partnerName(r.partner), r.hires, r.shortage, r.rural]),
        },
      };
    },
    'retention-cohorts': () => {
      const r = retentionOf();
      return curveChart('retention-cohorts', 'cohorts', r.cohorts, (k) => t('reports.cohort', { year: k }));
    },
    'retention-mentor': () => {
      const r = retentionOf();
      return curveChart('retention-mentor', 'mentor', r.mentor, (k) => t(`reports.mentor.${k}`));
    },
    'retention-post-types': () => {
      const r = retentionOf();
      return curveChart('retention-post-types', 'postTypes', r.postTypes, (k) => postTypeName(k, o.locale));
    },
    'leave-reasons': () => {
      const r = retentionOf();
      const title = t('reports.leave.title');
      return {
        title,
        caption: t('reports.leave.caption'),
        svg: barChart({
          id: 'leave-reasons',
          title,
          desc: t('reports.leave.desc'),
          emptyText: empty,
          xTitle: t('reports.teachers'),
          yTitle: t('reports.leave.reason'),
          categories: r.reasons.map((x) => ({ key: x.key, label: leaveName(x.key) })),
          series: [
            {
              key: 'count',
              label: t('reports.teachers'),
              values: r.reasons.map((x) => x.count),
              tips: r.reasons.map((x) => `${leaveName(x.key)}: ${x.count}`),
            },
          ],
        }),
        table: {
          columns: [t('reports.leave.reason'), t('reports.teachers')],
          rows: r.reasons.map((x) => [leaveName(x.key), x.count]),
        },
      };
    },
  };

  function channelTable(rows: ReturnType<typeof channels>): Table {
    return {
      columns: [
        t('reports.channels.channel'),
        t('reports.applications'),
        t('reports.hires'),
        t('reports.channels.yearBase'),
        t('reports.channels.retained'),
        t('reports.inPostShare'),
      ],
      rows: rows.map((r) => [
        channelName(r.channel),
        r.applications,
        r.hires,
        r.yearBase,
        r.retained,
        pct(r.retention),
      ]),
    };
  }

  function timeChart(which: 'fill' | 'offer'): Omit<Chart, 'ms' | 'key'> {
    const tm = time(facts, f, o.timeBy);
    const label = (key: string) => (o.timeBy === 'postType' ? postTypeName(key, o.locale) : place(key));
    const rows = tm.rows.filter((r) => r[which].n > 0);
    const title = t(`reports.time.${which}.title`);
    const groupTitle =
      o.timeBy === 'postType' ? t('reports.postType') : f.unit ? t('reports.county') : t('reports.unit');
    const all = [{ key: '', label: t('reports.all') }, ...rows.map((r) => ({ key: r.key, label: label(r.key) }))];
    const spreads: Spread[] = [tm.all[which], ...rows.map((r) => r[which])];
    return {
      title,
      caption: t(`reports.time.${which}.caption`),
      svg: barChart({
        id: `time-${which}`,
        title,
        desc: t(`reports.time.${which}.desc`),
        emptyText: empty,
        xTitle: t('reports.daysTitle'),
        yTitle: groupTitle,
        categories: tm.all[which].n === 0 ? [] : all,
        series: (['median', 'p90'] as const).map((m) => ({
          key: m,
          label: t(`reports.time.${m}`),
          values: spreads.map((s) => s[m]),
          tips: spreads.map((s, k) =>
            t('reports.time.tip', { label: all[k]!.label, measure: t(`reports.time.${m}`), days: days(s[m]), n: s.n }),
          ),
        })),
      }),
      table: {
        columns: [groupTitle, t('reports.time.n'), t('reports.time.median'), t('reports.time.p90')],
        rows: tm.all[which].n === 0 ? [] : spreads.map((s, k) => [all[k]!.label, s.n, s.median, s.p90]),
      },
    };
  }

  function curveChart(
    id: ChartKey,
    which: 'cohorts' | 'mentor' | 'postTypes',
    curves: Curve[],
    name: (key: string) => string,
  ): Omit<Chart, 'ms' | 'key'> {
    const shown = curves.filter((c) => c.points[0]!.base > 0);
    const title = t(`reports.retention.${which}.title`);
    return {
      title,
      caption: t('reports.retention.caption'),
      svg: lineChart({
        id,
        title,
        desc: t(`reports.retention.${which}.desc`),
        emptyText: empty,
        xTitle: t('reports.retention.x'),
        yTitle: t('reports.inPostShare'),
        xLabels: years,
        unit: '%',
        max: 100,
        series: shown.map((c) => ({
          key: c.key,
          label: name(c.key),
          dashed: which === 'mentor' && c.key === 'no',
          values: c.points.map((p) => p.percent),
          tips: c.points.map((p, i) =>
            t('reports.share', {
              label: `${name(c.key)} · ${years[i]}`,
              stayed: p.stayed,
              base: p.base,
              percent: percentText(p.percent),
            }),
          ),
        })),
      }),
      table: {
        columns: [
          t(`reports.retention.${which}.group`),
          ...[1, 2, 3].flatMap((k) => [
            t('reports.retention.base', { n: k }),
            t('reports.retention.stayed', { n: k }),
            t('reports.retention.share', { n: k }),
          ]),
        ],
        rows: shown.map((c) => [name(c.key), ...c.points.flatMap((p) => [p.base, p.stayed, pct(p.percent)])]),
      },
    };
  }

  const keys = only ? [only] : CHART_KEYS;
  return keys.map((key) => {
    const started = performance.now();
    const chart = builders[key]();
    return { key, ...chart, ms: performance.now() - started };
  });
}

/** Headline numbers for the top of the dashboard, from the same figures as the charts. */
export function headline(data: ReportData, f: Filters) {
  const s = shortage(data.facts, f);
  const fu = funnel(data.facts, f);
  const r = retentionCurves(data.facts, f);
  const signed = fu.steps[FUNNEL_STEPS.indexOf('signed')]!;
  return {
    unfilled: s.total.unfilled,
    headcount: s.total.headcount,
    applications: fu.steps[0]!.count,
    signed: signed.count,
    retention: r.all.points[0]!,
  };
}
