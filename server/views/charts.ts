// Server-rendered SVG charts for the reports pages: pure functions from already-translated data to escaped SVG strings.

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies. */
export const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/**
 * ColorBrewer YlGnBu steps, light → dark, chosen so lightness rises steadily (greyscale print keeps the order) and
 * every step has either dark or white text at 4.5:1 or better.
 */
export const SEQUENTIAL = ['#ffffcc', '#c7e9b4', '#7fcdbb', '#1d91c0', '#225ea8', '#081d58'];
export const NO_DATA = '#d9d9d9';

const TEXT = '#1a1a1a';
const MUTED = '#595959';
const GRID = '#e0e0e0';
const AXIS = '#737373';
const LINK = '#0b5cad';
const WHITE = '#ffffff';
const FONT = "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";
const FS = 12;
const PAD = 8;
const WIDTH = 640;
const LABEL_EM = 16;
/**
 * The smallest a chart is drawn, as a share of its natural size: 12-unit text stays at about 10 px. The SVG's width
 * attribute says this; the stylesheet lets it grow to fill its box, and a narrower box (a phone) scrolls it.
 */
export const MIN_SCALE = 0.8;
/** The room a line of text needs across its baseline (bold included), so that neighbouring labels never touch. */
const LINE_H = FS * 1.3;

export interface HeatRow {
  key: string;
  label: string;
  href?: string;
}
export interface HeatCol {
  key: string;
  label: string;
  marked?: boolean;
}
export interface HeatCell {
  row: string;
  col: string;
  value: number | null;
  tip: string;
}
export interface HeatGridOptions {
  id: string;
  title: string;
  desc: string;
  emptyText: string;
  rowTitle: string;
  colTitle: string;
  rows: HeatRow[];
  cols: HeatCol[];
  cells: HeatCell[];
  legendTitle: string;
  markedNote?: string;
  compact?: boolean;
  /** Printed after each value; '%' attaches directly. */
  unit?: string;
  /** Top of the colour scale; pass the same value to small multiples so their colours compare. */
  max?: number;
}

export interface ChartCategory {
  key: string;
  label: string;
}
export interface BarSeries {
  key: string;
  label: string;
  values: (number | null)[];
  tips: string[];
}
export interface BarChartOptions {
  id: string;
  title: string;
  desc: string;
  emptyText: string;
  xTitle: string;
  yTitle: string;
  unit?: string;
  categories: ChartCategory[];
  series: BarSeries[];
  max?: number;
  note?: string;
}
/** A bar chart of stages; only the first series is drawn. */
export interface FunnelChartOptions extends BarChartOptions {
  /** Pass-through % from the previous stage, one per category; the first is null. */
  rates: (number | null)[];
  rateLabel: string;
}

export interface LineSeries {
  key: string;
  label: string;
  values: (number | null)[];
  tips: string[];
  dashed?: boolean;
}
export interface LineChartOptions {
  id: string;
  title: string;
  desc: string;
  emptyText: string;
  xTitle: string;
  yTitle: string;
  xLabels: string[];
  series: LineSeries[];
  max?: number;
  unit?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers

/** A value as printed on a mark: integers as they are, others to one decimal, null as a dash. */
export function fmt(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const n = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return n + unitSuffix(unit);
}

function unitSuffix(unit: string): string {
  if (!unit) return '';
  // '%' and CJK units (人, 天) sit against the number; Latin units read better after a space.
  return unit === '%' || isWide(unit.codePointAt(0) ?? 0) ? unit : ` ${unit}`;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above n, so an axis ends on a round number. */
export function niceMax(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const c = clean(m * p);
    if (c >= n) return c;
  }
  return clean(10 * p);
}

// Floating-point products such as 3 × 0.1 would otherwise leak 0.30000000000000004 into labels.
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** 4–6 evenly spaced round ticks from 0; ending exactly on max when some round step divides it. */
function ticks(max: number): number[] {
  const k = Math.floor(Math.log10(max));
  const candidates: { step: number; count: number; exact: boolean; m: number }[] = [];
  for (let e = k - 2; e <= k; e++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = clean(m * 10 ** e);
      const q = max / step;
      const count = Math.floor(q + 1e-9) + 1;
      candidates.push({ step, count, exact: Math.abs(q - Math.round(q)) < 1e-9, m });
    }
  }
  const fit = candidates.filter((c) => c.count >= 4 && c.count <= 6);
  const pool = fit.length > 0 ? fit : candidates.filter((c) => c.count >= 2);
  pool.sort(
    (a, b) =>
      Number(b.exact) - Number(a.exact) ||
      (fit.length > 0 ? b.count - a.count : Math.abs(a.count - 5) - Math.abs(b.count - 5)) ||
      Number(a.m === 2.5) - Number(b.m === 2.5),
  );
  const best = pool[0];
  if (!best) return [0, max];
  return Array.from({ length: best.count }, (_, i) => clean(i * best.step));
}

function tickLabel(t: number, unit: string): string {
  return String(clean(t)) + (unit === '%' ? '%' : '');
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Text

function esc(s: string): string {
  return (
    String(s)
      // Characters XML 1.0 forbids would make the standalone SVG unparseable.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // &apos; is not in HTML 4's entity set; the numeric form works in both XML and HTML parsers.
      .replace(/'/g, '&#39;')
  );
}

function safeId(id: string): string {
  const s = String(id).replace(/[^A-Za-z0-9_-]/g, '-');
  return s || 'chart';
}

// Only same-site paths and web links may become drill-in links; anything else (javascript:, data:) is dropped.
function safeHref(href: string | undefined): string | null {
  if (!href) return null;
  return /^(\/(?!\/)|\?|#|https?:\/\/)/i.test(href.trim()) ? href.trim() : null;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2190 && cp <= 0x21ff) || // arrows
    (cp >= 0x2600 && cp <= 0x26ff) || // ★
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000
  );
}

/** Estimated width in em: CJK ≈ 1em, everything else ≈ 0.6em (no font metrics on the server). */
function em(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch.codePointAt(0) ?? 0) ? 1 : 0.6;
  return w;
}

function px(s: string, bold = false): number {
  return em(s) * FS * (bold ? 1.1 : 1);
}

function truncate(s: string, maxEm: number): { text: string; cut: boolean } {
  if (em(s) <= maxEm) return { text: s, cut: false };
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = isWide(ch.codePointAt(0) ?? 0) ? 1 : 0.6;
    if (w + cw + 1 > maxEm) break;
    out += ch;
    w += cw;
  }
  return { text: `${out.trimEnd()}…`, cut: true };
}

function wrap(s: string, maxEm: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of s) {
    if (line && em(line + ch) > maxEm) {
      const space = line.lastIndexOf(' ');
      if (ch !== ' ' && space > 0) {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1) + ch;
      } else {
        lines.push(line);
        line = ch === ' ' ? '' : ch;
      }
    } else {
      line += ch;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// Markup

type Attrs = Record<string, string | number | null | undefined | false>;

function r(n: number): number {
  return Math.round(n * 100) / 100;
}

function attrList(attrs: Attrs): string {
  let a = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    a += ` ${k}="${typeof v === 'number' ? r(v) : esc(v)}"`;
  }
  return a;
}

function tag(name: string, attrs: Attrs, children?: string): string {
  const a = attrList(attrs);
  return children === undefined ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

function title(s: string): string {
  return `<title>${esc(s)}</title>`;
}

/** A text whose full wording survives truncation as its own tooltip. */
function label(full: string, maxEm: number, attrs: Attrs): string {
  const t = truncate(full, maxEm);
  return tag('text', attrs, (t.cut ? title(full) : '') + esc(t.text));
}

function textLines(lines: string[], x: number, y: number, attrs: Attrs): string {
  return lines.map((l, i) => tag('text', { x, y: y + i * (FS + 4), ...attrs }, esc(l))).join('');
}

function svg(id: string, w: number, h: number, o: { title: string; desc: string }, body: string): string {
  const open = attrList({
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${r(w)} ${r(h)}`,
    width: Math.ceil(w * MIN_SCALE),
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'chart',
    'font-family': FONT,
    'font-size': FS,
  });
  return (
    `<svg${open}>` +
    tag('title', { id: `${id}-title` }, esc(o.title)) +
    tag('desc', { id: `${id}-desc` }, esc(o.desc)) +
    // A white ground keeps the dark text legible when the page itself is dark.
    tag('rect', { width: r(w), height: r(h), fill: WHITE }) +
    body +
    '</svg>'
  );
}

function empty(id: string, o: { title: string; desc: string; emptyText: string }, w = WIDTH, h = 120): string {
  const text = tag(
    'text',
    { x: w / 2, y: h / 2, dy: '0.35em', 'text-anchor': 'middle', fill: MUTED, 'font-size': 14 },
    esc(o.emptyText),
  );
  return svg(id, w, h, o, text);
}

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const [rr, gg, bb] = [n >> 16, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * rr + 0.7152 * gg + 0.0722 * bb;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function textOn(fill: string): string {
  return contrast(fill, WHITE) >= contrast(fill, TEXT) ? WHITE : TEXT;
}

/** Textures for series after the first, so grouped bars stay apart in black-and-white print. */
function texture(id: string, s: number): string {
  if (s === 0) return '';
  const common = { id: `${id}-tex${s}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse' };
  const paint = { fill: WHITE, 'fill-opacity': 0.6 };
  switch (s % 4) {
    case 1:
      return tag(
        'pattern',
        { ...common, patternTransform: 'rotate(45)' },
        tag('rect', { width: 2, height: 6, ...paint }),
      );
    case 2:
      return tag('pattern', common, tag('circle', { cx: 3, cy: 3, r: 1.4, ...paint }));
    case 3:
      return tag('pattern', common, tag('rect', { width: 6, height: 2, ...paint }));
    default:
      return tag(
        'pattern',
        { ...common, patternTransform: 'rotate(45)' },
        tag('rect', { width: 2, height: 6, ...paint }) + tag('rect', { width: 6, height: 2, ...paint }),
      );
  }
}

function colour(s: number): string {
  return CATEGORICAL[s % CATEGORICAL.length] ?? TEXT;
}

/** Legend entries laid left to right, wrapping at width; returns markup and the height used. */
function legendRow(
  items: { label: string; swatch: (x: number, y: number) => string; swatchW: number }[],
  x0: number,
  y0: number,
  width: number,
): { markup: string; height: number } {
  let x = x0;
  let y = y0;
  let markup = '';
  for (const it of items) {
    const text = truncate(it.label, 24);
    const w = it.swatchW + 6 + px(text.text) + 16;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 20;
    }
    markup += it.swatch(x, y);
    markup += label(it.label, 24, { x: x + it.swatchW + 6, y: y + 7, dy: '0.35em', fill: TEXT });
    x += w;
  }
  return { markup, height: y - y0 + 20 };
}

// ---------------------------------------------------------------------------------------------------------------
// Heat grid

/** Grid of rows × columns coloured by value relative to the largest (a heat map without a map). */
export function heatGrid(o: HeatGridOptions): string {
  const id = safeId(o.id);
  const compact = o.compact === true;
  const unit = o.unit ?? '';
  const byKey = new Map<string, HeatCell>();
  for (const c of o.cells) byKey.set(`${c.row}\u0000${c.col}`, c);
  const cellAt = (row: HeatRow, col: HeatCol): HeatCell =>
    byKey.get(`${row.key}\u0000${col.key}`) ?? {
      row: row.key,
      col: col.key,
      value: null,
      tip: `${row.label} · ${col.label}: ${fmt(null)}`,
    };
  const values: number[] = [];
  let anyNull = false;
  for (const row of o.rows) {
    for (const col of o.cols) {
      const v = cellAt(row, col).value;
      if (finite(v)) values.push(v);
      else anyNull = true;
    }
  }
  if (values.length === 0) return empty(id, o, compact ? 320 : WIDTH);

  const max = finite(o.max) && o.max > 0 ? o.max : Math.max(0, ...values);
  const step = (v: number): number => (max <= 0 || v <= 0 ? 0 : Math.min(5, Math.ceil((v / max) * 6 - 1e-9) - 1));

  // Legend ranges: counts get whole-number ranges (skipping steps no whole number falls in), others decimals.
  const integers = values.every(Number.isInteger) && Number.isInteger(max);
  const legend: { fill: string; text: string; noData?: boolean }[] = [];
  if (max <= 0) legend.push({ fill: SEQUENTIAL[0] ?? WHITE, text: fmt(0, unit) });
  else {
    for (let i = 0; i < 6; i++) {
      const lo = (max * i) / 6;
      const hi = (max * (i + 1)) / 6;
      const fill = SEQUENTIAL[i] ?? WHITE;
      if (integers) {
        const from = i === 0 ? 0 : Math.floor(lo + 1e-9) + 1;
        const to = Math.floor(hi + 1e-9);
        if (from > to) continue;
        legend.push({ fill, text: from === to ? fmt(from, unit) : `${fmt(from)}–${fmt(to, unit)}` });
      } else {
        legend.push({ fill, text: `${fmt(i === 0 ? 0 : lo)}–${fmt(hi, unit)}` });
      }
    }
  }
  if (anyNull) legend.push({ fill: NO_DATA, text: o.emptyText, noData: true });

  const cell = compact ? 16 : 44;
  const rowEm = compact ? 10 : LABEL_EM;
  const rowLabelW = Math.max(...o.rows.map((row) => px(truncate(row.label, rowEm).text)));
  const rowTitleW = px(truncate(o.rowTitle, rowEm).text, true);
  const gridX = PAD + Math.max(rowLabelW, rowTitleW) + 8;
  const colTexts = o.cols.map((col) => {
    const t = truncate(col.label, rowEm);
    const text = (col.marked ? '★ ' : '') + t.text;
    return { text, cut: t.cut, w: px(text, col.marked === true) };
  });
  const rotate = compact || colTexts.some((c) => c.w > cell - 6);
  // Labels slanted at 45° stand cell × sin 45° apart across their baselines; where that is less than a line, they
  // would overlap their neighbours, so they stand upright (90°) and have the whole cell.
  const angle = !rotate ? 0 : cell * Math.SQRT1_2 >= LINE_H ? 45 : 90;
  const [sin, cos] = angle === 90 ? [1, 0] : [Math.SQRT1_2, Math.SQRT1_2];
  const maxColW = Math.max(...colTexts.map((c) => c.w));
  const headerH = rotate ? maxColW * sin + 12 : 20;
  const gridW = o.cols.length * cell;
  const gridRight = gridX + gridW;
  const colReach = rotate
    ? Math.max(...colTexts.map((c, j) => gridX + j * cell + cell / 2 + c.w * cos + FS / 2 + 6))
    : gridRight;

  const colTitle = truncate(o.colTitle, 40);
  const colTitleW = px(colTitle.text, true);
  const colTitleX = Math.max(gridX + gridW / 2, PAD + colTitleW / 2);

  let legendW: number;
  const swatchW = (t: string): number => Math.max(36, px(t) + 8);
  if (compact) legendW = 18 + Math.max(...legend.map((l) => px(l.text)));
  else legendW = legend.reduce((sum, l) => sum + swatchW(l.text) + 4, 0);
  legendW = Math.max(legendW, px(truncate(o.legendTitle, 30).text, true));

  const w = Math.ceil(Math.max(colReach + PAD, gridRight + PAD, colTitleX + colTitleW / 2 + PAD, PAD * 2 + legendW));

  let out = '';
  out += label(o.colTitle, 40, {
    x: colTitleX,
    y: PAD + 12,
    'text-anchor': 'middle',
    'font-weight': 'bold',
    fill: TEXT,
  });
  const gridY = PAD + 20 + headerH;
  out += label(o.rowTitle, rowEm, { x: PAD, y: gridY - 6, 'font-weight': 'bold', fill: TEXT });

  o.cols.forEach((col, j) => {
    const c = colTexts[j];
    if (!c) return;
    const cx = gridX + j * cell + cell / 2;
    const attrs: Attrs = {
      fill: TEXT,
      'font-weight': col.marked ? 'bold' : null,
      ...(rotate
        ? { transform: `translate(${r(cx)},${r(gridY - 6)}) rotate(-${angle})`, x: 0, y: 0, dy: '0.35em' }
        : { x: cx, y: gridY - 6, 'text-anchor': 'middle' }),
    };
    out += tag('text', attrs, (c.cut ? title(col.label) : '') + esc(c.text));
  });

  o.rows.forEach((row, i) => {
    const y = gridY + i * cell;
    const href = safeHref(row.href);
    const attrs: Attrs = { x: gridX - 8, y: y + cell / 2, dy: '0.35em', 'text-anchor': 'end', fill: TEXT };
    if (href) {
      out += tag('a', { href }, label(row.label, rowEm, { ...attrs, fill: LINK, 'text-decoration': 'underline' }));
    } else {
      out += label(row.label, rowEm, attrs);
    }
    o.cols.forEach((col, j) => {
      const c = cellAt(row, col);
      const x = gridX + j * cell;
      const v = finite(c.value) ? c.value : null;
      const fill = v === null ? NO_DATA : (SEQUENTIAL[step(v)] ?? WHITE);
      out += tag(
        'rect',
        {
          x: x + 1,
          y: y + 1,
          width: cell - 2,
          height: cell - 2,
          fill,
          stroke: '#bdbdbd',
          'stroke-width': 0.5,
          'data-value': v === null ? null : String(v),
          'data-label': `${row.label} · ${col.label}`,
          'data-row': row.key,
          'data-col': col.key,
        },
        title(c.tip),
      );
      if (v === null && compact) out += noDataStroke(x + 1, y + 1, cell - 2, cell - 2);
      if (!compact && cell >= 18) {
        const text = fmt(v, unit);
        if (px(text) <= cell - 6) {
          out += tag(
            'text',
            {
              x: x + cell / 2,
              y: y + cell / 2,
              dy: '0.35em',
              'text-anchor': 'middle',
              fill: textOn(fill),
              'pointer-events': 'none',
            },
            esc(text),
          );
        }
      }
    });
  });

  let y = gridY + o.rows.length * cell + 16;
  out += label(o.legendTitle, 30, { x: PAD, y: y + 12, 'font-weight': 'bold', fill: TEXT });
  y += 20;
  if (compact) {
    for (const l of legend) {
      out += tag('rect', { x: PAD, y, width: 12, height: 12, fill: l.fill, stroke: '#bdbdbd', 'stroke-width': 0.5 });
      if (l.noData) out += noDataStroke(PAD, y, 12, 12);
      out += tag('text', { x: PAD + 18, y: y + 6, dy: '0.35em', fill: TEXT }, esc(l.text));
      y += 16;
    }
  } else {
    let x = PAD;
    for (const l of legend) {
      const sw = swatchW(l.text);
      out += tag('rect', { x, y, width: sw, height: 14, fill: l.fill, stroke: '#bdbdbd', 'stroke-width': 0.5 });
      out += tag('text', { x: x + sw / 2, y: y + 28, 'text-anchor': 'middle', fill: TEXT }, esc(l.text));
      x += sw + 4;
    }
    y += 36;
  }
  if (o.markedNote && o.cols.some((c) => c.marked)) {
    const note = o.markedNote.trim().startsWith('★') ? o.markedNote.trim() : `★ ${o.markedNote.trim()}`;
    const lines = wrap(note, (w - PAD * 2) / FS);
    y += 4;
    out += textLines(lines, PAD, y + 12, { fill: MUTED });
    y += lines.length * (FS + 4) + 4;
  }
  return svg(id, w, y + PAD, o, out);
}

// A diagonal so a no-data cell differs from the lightest step even without its dash or colour.
function noDataStroke(x: number, y: number, w: number, h: number): string {
  return tag('path', {
    d: `M${r(x)} ${r(y + h)}L${r(x + w)} ${r(y)}`,
    stroke: AXIS,
    'stroke-width': 1,
    'pointer-events': 'none',
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Bars

/** Horizontal grouped bars: one band per category, one bar per series. */
export function barChart(o: BarChartOptions): string {
  return bars(o, null);
}

/** One-series bars with the pass-through rate printed between consecutive stages. */
export function funnelChart(o: FunnelChartOptions): string {
  return bars({ ...o, series: o.series.slice(0, 1) }, { rates: o.rates, label: o.rateLabel });
}

function bars(o: BarChartOptions, funnel: { rates: (number | null)[]; label: string } | null): string {
  const id = safeId(o.id);
  const unit = o.unit ?? '';
  const series = o.series;
  const cats = o.categories;
  const all = series.flatMap((s) => cats.map((_, c) => s.values[c])).filter(finite);
  if (cats.length === 0 || series.length === 0 || all.length === 0) return empty(id, o);

  const max = finite(o.max) && o.max > 0 ? o.max : niceMax(Math.max(0, ...all));
  const tickVals = ticks(max);
  const tickW = Math.max(...tickVals.map((t) => px(tickLabel(t, unit))));
  const labelW = Math.max(...cats.map((c) => px(truncate(c.label, LABEL_EM).text)));
  const valueW = Math.max(px(fmt(null)), ...all.map((v) => px(fmt(v, unit))));
  const plotX = PAD + labelW + 10;
  const valueRoom = Math.max(valueW + 10, tickW / 2 + 4);
  const plotW = Math.max(240, Math.round(WIDTH - plotX - valueRoom - PAD));
  const w = Math.ceil(plotX + plotW + valueRoom + PAD);
  const xOf = (v: number): number => (Math.min(Math.max(v, 0), max) / max) * plotW;

  let defs = '';
  let out = '';
  let y = PAD;
  if (series.length > 1) {
    series.forEach((_, s) => (defs += texture(id, s)));
    const items = series.map((s, i) => ({
      label: s.label,
      swatchW: 14,
      swatch: (x: number, yy: number) => barSwatch(id, i, x, yy, 14, 14),
    }));
    const lg = legendRow(items, PAD, y, w - PAD * 2);
    out += lg.markup;
    y += lg.height + 4;
  }
  out += label(o.yTitle, 40, { x: PAD, y: y + 12, 'font-weight': 'bold', fill: TEXT });
  y += 20;

  const barH = series.length === 1 ? 20 : 14;
  const inner = series.length * barH + (series.length - 1) * 2;
  const bandPad = 5;
  const bandH = inner + bandPad * 2;
  const rateRoom = funnel ? 18 : 0;
  const plotTop = y;
  const plotBottom = plotTop + cats.length * bandH + (cats.length - 1) * rateRoom;

  for (const t of tickVals) {
    const x = plotX + xOf(t);
    out += tag('line', { x1: x, y1: plotTop, x2: x, y2: plotBottom, stroke: GRID, 'stroke-width': 1 });
    out += tag(
      'text',
      { x, y: plotBottom + 16, 'text-anchor': 'middle', fill: MUTED, 'data-tick': String(t) },
      esc(tickLabel(t, unit)),
    );
  }

  cats.forEach((cat, c) => {
    const top = plotTop + c * (bandH + rateRoom);
    out += label(cat.label, LABEL_EM, {
      x: plotX - 8,
      y: top + bandH / 2,
      dy: '0.35em',
      'text-anchor': 'end',
      fill: TEXT,
    });
    series.forEach((s, i) => {
      const v = s.values[c];
      const by = top + bandPad + i * (barH + 2);
      const tip = s.tips[c] ?? `${s.label} · ${cat.label}: ${fmt(v ?? null, unit)}`;
      if (!finite(v)) {
        out += tag('text', { x: plotX + 4, y: by + barH / 2, dy: '0.35em', fill: MUTED }, title(tip) + esc(fmt(null)));
        return;
      }
      const bw = xOf(v);
      out += tag(
        'rect',
        {
          x: plotX,
          y: by,
          width: bw,
          height: barH,
          fill: colour(i),
          'data-value': String(v),
          'data-label': cat.label,
          'data-series': s.key,
        },
        title(tip),
      );
      if (i > 0 && bw > 0)
        out += tag('rect', {
          x: plotX,
          y: by,
          width: bw,
          height: barH,
          fill: `url(#${id}-tex${i})`,
          'pointer-events': 'none',
        });
      out += tag('text', { x: plotX + bw + 4, y: by + barH / 2, dy: '0.35em', fill: TEXT }, esc(fmt(v, unit)));
    });
    if (funnel && c > 0) {
      const rate = funnel.rates[c];
      const value = finite(rate) ? rate : null;
      out += tag(
        'text',
        {
          x: plotX + 4,
          y: top - rateRoom / 2 + 4,
          fill: MUTED,
          'data-rate': value === null ? null : String(value),
        },
        title(`${funnel.label}: ${fmt(value, '%')}`) + esc(`↓ ${fmt(value, '%')}`),
      );
    }
  });

  out += tag('line', { x1: plotX, y1: plotTop, x2: plotX, y2: plotBottom, stroke: AXIS, 'stroke-width': 1 });
  out += tag('line', { x1: plotX, y1: plotBottom, x2: plotX + plotW, y2: plotBottom, stroke: AXIS, 'stroke-width': 1 });
  y = plotBottom + 36;
  out += label(o.xTitle, 50, { x: plotX + plotW / 2, y, 'text-anchor': 'middle', fill: TEXT });
  y += 8;
  if (o.note) {
    const lines = wrap(o.note, (w - PAD * 2) / FS);
    out += textLines(lines, PAD, y + 14, { fill: MUTED });
    y += lines.length * (FS + 4) + 6;
  }
  return svg(id, w, y + PAD, o, (defs ? tag('defs', {}, defs) : '') + out);
}

function barSwatch(id: string, s: number, x: number, y: number, w: number, h: number): string {
  let m = tag('rect', { x, y, width: w, height: h, fill: colour(s) });
  if (s > 0) m += tag('rect', { x, y, width: w, height: h, fill: `url(#${id}-tex${s})` });
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Lines

const DASHES = [null, '6 4', '2 3', '8 3 2 3'];

/** Marker for series s at (x, y): circle, square, then polygons, so series differ without colour. */
function marker(s: number, x: number, y: number, attrs: Attrs, children: string): string {
  const shape = s % 6;
  const hollow = s >= 6;
  const paint: Attrs = hollow
    ? { fill: WHITE, stroke: colour(s), 'stroke-width': 2 }
    : { fill: colour(s), stroke: WHITE, 'stroke-width': 1 };
  if (shape === 0) return tag('circle', { cx: x, cy: y, r: 4.5, ...paint, ...attrs }, children);
  if (shape === 1) return tag('rect', { x: x - 4, y: y - 4, width: 8, height: 8, ...paint, ...attrs }, children);
  const pts: Record<number, [number, number][]> = {
    2: [
      [0, -5.5],
      [5, 4],
      [-5, 4],
    ],
    3: [
      [0, -5.5],
      [5.5, 0],
      [0, 5.5],
      [-5.5, 0],
    ],
    4: [
      [0, 5.5],
      [5, -4],
      [-5, -4],
    ],
    5: [
      [-2, -5],
      [2, -5],
      [2, -2],
      [5, -2],
      [5, 2],
      [2, 2],
      [2, 5],
      [-2, 5],
      [-2, 2],
      [-5, 2],
      [-5, -2],
      [-2, -2],
    ],
  };
  const d = (pts[shape] ?? []).map(([dx, dy], i) => `${i ? 'L' : 'M'}${r(x + dx)} ${r(y + dy)}`).join('') + 'Z';
  return tag('path', { d, ...paint, ...attrs }, children);
}

/**
 * Value labels for the points sharing one x: the topmost prefers above its marker, the rest below, and a label that
 * would cover another marker or label takes the other side or is left to its tooltip.
 */
function columnLabels(column: { cx: number; cy: number; text: string }[], top: number, bottom: number): string {
  const sorted = [...column].sort((a, b) => a.cy - b.cy);
  const taken: [number, number][] = sorted.map((p) => [p.cy - 6, p.cy + 6]);
  let out = '';
  sorted.forEach((p, k) => {
    const above = { base: p.cy - 9, box: [p.cy - 19, p.cy - 7] as [number, number] };
    const below = { base: p.cy + 18, box: [p.cy + 8, p.cy + 20] as [number, number] };
    const spot = (k === 0 ? [above, below] : [below, above]).find(
      (c) => c.box[0] >= top && c.box[1] <= bottom && taken.every(([a, b]) => c.box[1] <= a || c.box[0] >= b),
    );
    if (!spot) return;
    taken.push(spot.box);
    out += tag(
      'text',
      { x: p.cx, y: spot.base, 'text-anchor': 'middle', fill: TEXT, 'pointer-events': 'none' },
      esc(p.text),
    );
  });
  return out;
}

function dashOf(s: LineSeries, i: number): string | null {
  if (s.dashed === true) return '6 4';
  if (s.dashed === false) return null;
  return DASHES[i % DASHES.length] ?? null;
}

/** Lines over ordered x labels (months, cohorts); a null leaves a gap. */
export function lineChart(o: LineChartOptions): string {
  const id = safeId(o.id);
  const unit = o.unit ?? '';
  const n = o.xLabels.length;
  const all = o.series.flatMap((s) => o.xLabels.map((_, i) => s.values[i])).filter(finite);
  if (n === 0 || o.series.length === 0 || all.length === 0) return empty(id, o);

  const dataMax = Math.max(0, ...all);
  const max = finite(o.max) && o.max > 0 ? o.max : unit === '%' && dataMax <= 100 ? 100 : niceMax(dataMax);
  const tickVals = ticks(max);
  const tickW = Math.max(...tickVals.map((t) => px(tickLabel(t, unit))));
  const valueW = Math.max(...all.map((v) => px(fmt(v, unit))));
  const xTexts = o.xLabels.map((l) => truncate(l, 12));
  const xLabelW = Math.max(...xTexts.map((t) => px(t.text)));

  let plotX = PAD + 18 + tickW + 6;
  const plotRightPad = PAD + 4;
  let plotW = WIDTH - plotX - plotRightPad;
  let slot = plotW / n;
  const everyLabel = slot >= valueW + 4;
  // Without room for every value, only the line ends are labelled, to their right.
  const rightRoom = everyLabel ? 0 : valueW + 12;
  plotW = Math.max(200, WIDTH - plotX - plotRightPad - rightRoom);
  slot = plotW / n;
  const rotate = xLabelW > slot - 4;
  // Rotated labels run down-left from their point; make room if the first would leave the picture.
  const firstW = px(xTexts[0]?.text ?? '');
  const overflow = rotate ? firstW * 0.71 - slot / 2 - plotX + PAD : 0;
  if (overflow > 0) {
    plotX += overflow;
    plotW = Math.max(200, WIDTH - plotX - plotRightPad - rightRoom);
    slot = plotW / n;
  }
  // Slanted labels stand slot × sin 45° apart across their baselines: every k-th one, so that is at least a line.
  const labelEvery = rotate
    ? Math.max(1, Math.ceil(LINE_H / Math.SQRT1_2 / slot))
    : Math.max(1, Math.ceil((xLabelW + 6) / slot));
  const xLabelH = rotate ? xLabelW * 0.71 + 16 : 20;
  const w = Math.ceil(plotX + plotW + rightRoom + plotRightPad);

  let out = '';
  let y = PAD;
  if (o.series.length > 1) {
    const items = o.series.map((s, i) => ({
      label: s.label,
      swatchW: 28,
      swatch: (x: number, yy: number) =>
        tag('line', {
          x1: x,
          y1: yy + 7,
          x2: x + 28,
          y2: yy + 7,
          stroke: colour(i),
          'stroke-width': 2,
          'stroke-dasharray': dashOf(s, i),
        }) + marker(i, x + 14, yy + 7, {}, ''),
    }));
    const lg = legendRow(items, PAD, y, w - PAD * 2);
    out += lg.markup;
    y += lg.height;
  }
  const plotTop = y + 16;
  const plotH = 200;
  const plotBottom = plotTop + plotH;
  const xAt = (i: number): number => plotX + slot * (i + 0.5);
  const yAt = (v: number): number => plotBottom - (Math.min(Math.max(v, 0), max) / max) * plotH;

  for (const t of tickVals) {
    const ty = yAt(t);
    out += tag('line', { x1: plotX, y1: ty, x2: plotX + plotW, y2: ty, stroke: GRID, 'stroke-width': 1 });
    out += tag(
      'text',
      { x: plotX - 6, y: ty, dy: '0.35em', 'text-anchor': 'end', fill: MUTED, 'data-tick': String(t) },
      esc(tickLabel(t, unit)),
    );
  }
  out += tag('line', { x1: plotX, y1: plotTop, x2: plotX, y2: plotBottom, stroke: AXIS, 'stroke-width': 1 });
  out += tag('line', { x1: plotX, y1: plotBottom, x2: plotX + plotW, y2: plotBottom, stroke: AXIS, 'stroke-width': 1 });
  out += label(o.yTitle, plotH / FS, {
    transform: `translate(${r(PAD + 12)},${r(plotTop + plotH / 2)}) rotate(-90)`,
    x: 0,
    y: 0,
    'text-anchor': 'middle',
    fill: TEXT,
  });

  xTexts.forEach((t, i) => {
    if (i % labelEvery !== 0) return;
    const full = o.xLabels[i] ?? '';
    const body = (t.cut ? title(full) : '') + esc(t.text);
    const attrs: Attrs = rotate
      ? { transform: `translate(${r(xAt(i))},${r(plotBottom + 12)}) rotate(-45)`, x: 0, y: 0, 'text-anchor': 'end' }
      : { x: xAt(i), y: plotBottom + 16, 'text-anchor': 'middle' };
    out += tag('text', { ...attrs, fill: TEXT }, body);
  });
  out += label(o.xTitle, 50, {
    x: plotX + plotW / 2,
    y: plotBottom + xLabelH + 16,
    'text-anchor': 'middle',
    fill: TEXT,
  });

  const points: { cx: number; cy: number; text: string }[][] = o.xLabels.map(() => []);
  const ends: { y: number; text: string; x: number }[] = [];
  let marks = '';
  o.series.forEach((s, si) => {
    let d = '';
    let pen = false;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (!finite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${r(xAt(i))} ${r(yAt(v))}`;
      pen = true;
      last = i;
    }
    if (d.includes('L')) {
      out += tag('path', {
        d,
        fill: 'none',
        stroke: colour(si),
        'stroke-width': 2,
        'stroke-dasharray': dashOf(s, si),
        'stroke-linejoin': 'round',
      });
    }
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      if (!finite(v)) continue;
      const cx = xAt(i);
      const cy = yAt(v);
      const tip = s.tips[i] ?? `${s.label} · ${o.xLabels[i] ?? ''}: ${fmt(v, unit)}`;
      marks += marker(
        si,
        cx,
        cy,
        { 'data-value': String(v), 'data-label': o.xLabels[i] ?? '', 'data-series': s.key },
        title(tip),
      );
      const text = fmt(v, unit);
      if (everyLabel) points[i]?.push({ cx, cy, text });
      else if (i === last) {
        ends.push({ x: cx + 9, y: cy, text });
      }
    }
  });
  // Labels at the line ends are nudged apart so values of neighbouring series stay readable.
  ends.sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i++) {
    const prev = ends[i - 1];
    const cur = ends[i];
    if (prev && cur && cur.y - prev.y < FS + 2) cur.y = prev.y + FS + 2;
  }
  for (const column of points) marks += columnLabels(column, plotTop - 14, plotBottom);
  for (const e of ends) {
    marks += tag('text', { x: e.x, y: e.y, dy: '0.35em', fill: TEXT, 'pointer-events': 'none' }, esc(e.text));
  }
  out += marks;
  return svg(id, w, plotBottom + xLabelH + 16 + PAD + 4, o, out);
}
