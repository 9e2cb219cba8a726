// The server-rendered SVG charts: well-formed, escaped, accessible, and drawn to the numbers they are given.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  barChart,
  CATEGORICAL,
  fmt,
  funnelChart,
  heatGrid,
  lineChart,
  MIN_SCALE,
  niceMax,
  NO_DATA,
  SEQUENTIAL,
  type BarChartOptions,
  type HeatGridOptions,
  type LineChartOptions,
} from '../../server/views/charts';

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

// htmlEntities makes the parser decode &#39; like a browser does, so parsed text can be compared with the input.
const parser = new XMLParser({
  ignoreAttributes: false,
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});

function build(entries: Record<string, unknown>[]): Node[] {
  return entries.map((e) => {
    if ('#text' in e) return { name: '#text', attrs: {}, children: [], text: String(e['#text']) };
    const name = Object.keys(e).find((k) => k !== ':@') ?? '';
    const raw = (e[':@'] ?? {}) as Record<string, unknown>;
    const attrs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.replace(/^@_/, ''), String(v)]));
    return { name, attrs, children: build((e[name] ?? []) as Record<string, unknown>[]), text: '' };
  });
}

function parse(svg: string): Node {
  expect(XMLValidator.validate(svg)).toBe(true);
  const roots = build(parser.parse(svg) as Record<string, unknown>[]);
  expect(roots).toHaveLength(1);
  const root = roots[0]!;
  expect(root.name).toBe('svg');
  return root;
}

function all(n: Node, pick: (n: Node) => boolean): Node[] {
  return n.children.flatMap((c) => [...(pick(c) ? [c] : []), ...all(c, pick)]);
}

/** The visible text of an element: its own text, leaving out its tooltip. */
function text(n: Node): string {
  return n.children
    .filter((c) => c.name === '#text')
    .map((c) => c.text)
    .join('');
}

function tip(n: Node): string | undefined {
  const t = n.children.find((c) => c.name === 'title');
  return t ? text(t) : undefined;
}

const marks = (root: Node): Node[] => all(root, (n) => 'data-label' in n.attrs);
const texts = (root: Node): Node[] => all(root, (n) => n.name === 'text');
const textsSaying = (root: Node, s: string): Node[] => texts(root).filter((t) => text(t) === s);
const viewBoxWidth = (root: Node): number => Number(root.attrs.viewBox?.split(' ')[2]);

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const EVIL = `<script>&"'`;

function heat(over: Partial<HeatGridOptions> = {}): HeatGridOptions {
  return {
    id: 'hires',
    title: '各区县录用人数',
    desc: '按区县和学科统计的录用人数。',
    emptyText: '暂无数据',
    rowTitle: '区县',
    colTitle: '学科',
    rows: [
      { key: 'dc', label: '东城区', href: '/reports/county/110101' },
      { key: 'xc', label: '西城区' },
    ],
    cols: [
      { key: 'math', label: '数学', marked: true },
      { key: 'pe', label: 'Physical education' },
    ],
    cells: [
      { row: 'dc', col: 'math', value: 0, tip: '东城区 · 数学：0 人' },
      { row: 'dc', col: 'pe', value: 6, tip: '东城区 · 体育：6 人' },
      { row: 'xc', col: 'math', value: 12, tip: '西城区 · 数学：12 人' },
      { row: 'xc', col: 'pe', value: null, tip: '西城区 · 体育：无数据' },
    ],
    legendTitle: '录用人数',
    markedNote: '紧缺学科',
    ...over,
  };
}

function bar(over: Partial<BarChartOptions> = {}): BarChartOptions {
  return {
    id: 'channels',
    title: 'Applications by channel',
    desc: 'Applications received through each channel.',
    emptyText: 'No data yet',
    xTitle: 'Applications',
    yTitle: 'Channel',
    categories: [
      { key: 'fair', label: 'Campus fair' },
      { key: 'web', label: '招聘网站' },
      { key: 'ref', label: 'Referral' },
    ],
    series: [
      { key: 'apps', label: 'Applications', values: [100, 50, 100], tips: ['fair: 100', 'web: 50', 'ref: 100'] },
    ],
    ...over,
  };
}

function line(over: Partial<LineChartOptions> = {}): LineChartOptions {
  return {
    id: 'retention',
    title: '留任率',
    desc: '各省市教师按月的留任率。',
    emptyText: '暂无数据',
    xTitle: '月份',
    yTitle: '留任率',
    unit: '%',
    xLabels: ['1月', '2月', '3月', '4月', '5月'],
    series: [
      { key: 'bj', label: '北京', values: [90, 88, null, 85, 84.5], tips: ['a', 'b', 'c', 'd', 'e'] },
      { key: 'tj', label: '天津', values: [70, 75, 78, 80, 82], tips: ['f', 'g', 'h', 'i', 'j'] },
    ],
    ...over,
  };
}

const funnelOptions = {
  ...bar({
    categories: [
      { key: 'applied', label: '申请' },
      { key: 'screened', label: '资格审查' },
      { key: 'hired', label: '录用' },
    ],
    series: [{ key: 'n', label: '人数', values: [400, 250, 100], tips: ['申请 400', '审查 250', '录用 100'] }],
  }),
  rates: [null, 62.5, 40],
  rateLabel: '通过率',
};

const charts: [string, () => string, string][] = [
  ['heatGrid', () => heatGrid(heat()), '各区县录用人数'],
  ['barChart', () => barChart(bar()), 'Applications by channel'],
  ['funnelChart', () => funnelChart(funnelOptions), 'Applications by channel'],
  ['lineChart', () => lineChart(line()), '留任率'],
];

describe('fmt and niceMax', () => {
  it('when an axis maximum is needed, then it is the next 1, 2, 2.5 or 5 × 10^k at or above the data', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(99.5)).toBe(100);
    expect(niceMax(2.2)).toBe(2.5);
    expect(niceMax(0.3)).toBe(0.5);
    expect(niceMax(-4)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
  });

  it('when a value is printed, then integers stay whole, others get one decimal, % attaches and null is a dash', () => {
    expect(fmt(0)).toBe('0');
    expect(fmt(1)).toBe('1');
    expect(fmt(7)).toBe('7');
    expect(fmt(10)).toBe('10');
    expect(fmt(11)).toBe('11');
    expect(fmt(99.5)).toBe('99.5');
    expect(fmt(62.54)).toBe('62.5');
    expect(fmt(88, '%')).toBe('88%');
    expect(fmt(12, '天')).toBe('12天');
    expect(fmt(12, 'days')).toBe('12 days');
    expect(fmt(null)).toBe('–');
    expect(fmt(null, '%')).toBe('–');
  });
});

describe('every chart', () => {
  it.each(charts)('when %s renders, then it is a standalone accessible SVG named by its title', (_, render, title) => {
    const svg = render();
    const root = parse(svg);
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.role).toBe('img');
    // Its width is the smallest it is drawn at (the stylesheet lets it grow): a share of its viewBox, so the picture
    // scales with the viewBox and text never shrinks below legibility.
    const viewBoxWidth = Number(root.attrs.viewBox!.split(' ')[2]);
    expect(Number(root.attrs.width)).toBe(Math.ceil(viewBoxWidth * MIN_SCALE));
    expect(root.attrs['font-family']).toContain("'PingFang SC'");
    const [first, second] = root.children;
    expect(first?.name).toBe('title');
    expect(text(first!)).toBe(title);
    expect(second?.name).toBe('desc');
    const ids = new Set(all(root, () => true).map((n) => n.attrs.id));
    const labelledBy = root.attrs['aria-labelledby']!.split(' ');
    expect(labelledBy).toEqual([first!.attrs.id, second!.attrs.id]);
    for (const id of labelledBy) expect(ids.has(id)).toBe(true);
  });

  it('when the caller passes an id with unsafe characters, then only letters, digits, _ and - remain', () => {
    const root = parse(barChart(bar({ id: 'a b"<c>/1' })));
    expect(root.attrs['aria-labelledby']).toBe('a-b--c--1-title a-b--c--1-desc');
  });

  it('when heatGrid text carries markup, then it is shown literally and never becomes markup', () => {
    const svg = heatGrid(
      heat({
        title: EVIL,
        rowTitle: EVIL,
        rows: [{ key: 'x', label: EVIL, href: `/r?a=1&b="${EVIL}"` }],
        cols: [{ key: 'y', label: EVIL, marked: true }],
        cells: [{ row: 'x', col: 'y', value: 3, tip: EVIL }],
        markedNote: EVIL,
      }),
    );
    expect(svg).not.toContain('<script');
    const root = parse(svg);
    expect(text(root.children[0]!)).toBe(EVIL);
    const [cell] = marks(root);
    expect(tip(cell!)).toBe(EVIL);
    expect(cell!.attrs['data-label']).toContain(EVIL);
    expect(textsSaying(root, EVIL).length).toBeGreaterThanOrEqual(2);
    expect(textsSaying(root, `★ ${EVIL}`).length).toBe(2);
    expect(all(root, (n) => n.name === 'a')[0]?.attrs.href).toBe(`/r?a=1&b="${EVIL}"`);
  });

  it('when bar, funnel and line text carries markup, then it is shown literally and never becomes markup', () => {
    const cats = [{ key: 'c', label: EVIL }];
    const outputs = [
      barChart(
        bar({
          title: EVIL,
          xTitle: EVIL,
          categories: cats,
          series: [{ key: 's', label: EVIL, values: [1], tips: [EVIL] }],
        }),
      ),
      funnelChart({ ...funnelOptions, title: EVIL, rateLabel: EVIL }),
      lineChart(line({ title: EVIL, xLabels: [EVIL], series: [{ key: 's', label: EVIL, values: [5], tips: [EVIL] }] })),
    ];
    for (const svg of outputs) {
      expect(svg).not.toContain('<script');
      const root = parse(svg);
      expect(text(root.children[0]!)).toBe(EVIL);
    }
    const [barRoot, funnelRoot, lineRoot] = outputs.map(parse) as [Node, Node, Node];
    expect(tip(marks(barRoot)[0]!)).toBe(EVIL);
    expect(marks(barRoot)[0]!.attrs['data-label']).toBe(EVIL);
    expect(textsSaying(barRoot, EVIL).length).toBe(2); // the category and the x axis title
    expect(all(funnelRoot, (n) => 'data-rate' in n.attrs).map(tip)).toEqual([`${EVIL}: 62.5%`, `${EVIL}: 40%`]);
    expect(tip(marks(lineRoot)[0]!)).toBe(EVIL);
    expect(textsSaying(lineRoot, EVIL)).toHaveLength(1); // the x label
  });

  it('when a drill-in link is not a web address, then the row is plain text', () => {
    const root = parse(heatGrid(heat({ rows: [{ key: 'dc', label: '东城区', href: 'javascript:alert(1)' }] })));
    expect(all(root, (n) => n.name === 'a')).toHaveLength(0);
    expect(textsSaying(root, '东城区')).toHaveLength(1);
  });
});

describe('heatGrid', () => {
  it('when cells are drawn, then each carries its tooltip and value, and nulls carry no value', () => {
    const root = parse(heatGrid(heat()));
    const cells = marks(root);
    expect(cells.map(tip)).toEqual([
      '东城区 · 数学：0 人',
      '东城区 · 体育：6 人',
      '西城区 · 数学：12 人',
      '西城区 · 体育：无数据',
    ]);
    expect(cells.map((c) => c.attrs['data-value'])).toEqual(['0', '6', '12', undefined]);
    expect(cells.map((c) => c.attrs['data-label'])).toEqual([
      '东城区 · 数学',
      '东城区 · Physical education',
      '西城区 · 数学',
      '西城区 · Physical education',
    ]);
  });

  it('when values range from 0 to 12, then 12 is darkest with white text, 6 the third step, 0 lightest, null grey', () => {
    const root = parse(heatGrid(heat()));
    const fills = marks(root).map((c) => c.attrs.fill);
    // 6 of 12 is half the scale: in (4, 6], the third of six equal bins.
    expect(fills).toEqual([SEQUENTIAL[0], SEQUENTIAL[2], SEQUENTIAL[5], NO_DATA]);
    expect(textsSaying(root, '12')[0]?.attrs.fill).toBe('#ffffff');
    expect(textsSaying(root, '0')[0]?.attrs.fill).toBe('#1a1a1a');
    expect(textsSaying(root, '–')).toHaveLength(1);
  });

  it('when values fill every step, then every printed value has at least 4.5:1 contrast with its cell', () => {
    const cols = [1, 2, 3, 4, 5, 6].map((v) => ({ key: `c${v}`, label: `C${v}` }));
    const cells = cols.map((c, i) => ({ row: 'r', col: c.key, value: i + 1, tip: `${i + 1}` }));
    const root = parse(heatGrid(heat({ rows: [{ key: 'r', label: 'R' }], cols, cells })));
    const rects = marks(root);
    expect(rects.map((r) => r.attrs.fill)).toEqual(SEQUENTIAL);
    for (const r of rects) {
      const printed = textsSaying(root, r.attrs['data-value']!)[0]!;
      expect(contrast(printed.attrs.fill!, r.attrs.fill!)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('when the largest count is 12, then the legend gives each step its whole-number range and names no-data', () => {
    const root = parse(heatGrid(heat()));
    for (const range of ['0–2', '3–4', '5–6', '7–8', '9–10', '11–12', '暂无数据']) {
      expect(textsSaying(root, range)).toHaveLength(1);
    }
  });

  it('when a column is a shortage subject, then its label has a star, is bold, and the note explains the star', () => {
    const root = parse(heatGrid(heat()));
    const [math] = textsSaying(root, '★ 数学');
    expect(math?.attrs['font-weight']).toBe('bold');
    expect(textsSaying(root, 'Physical education')[0]?.attrs['font-weight']).toBeUndefined();
    expect(textsSaying(root, '★ 紧缺学科')).toHaveLength(1);
  });

  it('when a row has a link, then its label is an SVG link to that address', () => {
    const root = parse(heatGrid(heat()));
    const links = all(root, (n) => n.name === 'a');
    expect(links).toHaveLength(1);
    expect(links[0]!.attrs.href).toBe('/reports/county/110101');
    expect(text(all(links[0]!, (n) => n.name === 'text')[0]!)).toBe('东城区');
  });

  it('when a row label is longer than 16 em, then it is cut with an ellipsis and the full label is its tooltip', () => {
    const long = '河北省保定市雄安新区容城县第一实验小学附属幼儿园分园';
    const root = parse(heatGrid(heat({ rows: [{ key: 'dc', label: long }] })));
    const shown = texts(root).find((t) => tip(t) === long);
    // 16 em holds 15 CJK characters and the ellipsis.
    expect(text(shown!)).toBe(`${long.slice(0, 15)}…`);
  });

  it('when compact, then the grid is narrower and the cells carry colour and tooltips but no printed values', () => {
    const full = parse(heatGrid(heat()));
    const small = parse(heatGrid(heat({ compact: true })));
    expect(viewBoxWidth(small)).toBeLessThan(viewBoxWidth(full));
    expect(Number(marks(small)[0]!.attrs.width)).toBeLessThan(18);
    expect(marks(small).map(tip)).toEqual(marks(full).map(tip));
    expect(textsSaying(small, '12')).toHaveLength(0);
    expect(textsSaying(small, '6')).toHaveLength(0);
  });

  it('when a shared maximum is given, then colours are relative to it rather than to this grid', () => {
    const root = parse(heatGrid(heat({ max: 24 })));
    expect(marks(root).map((c) => c.attrs.fill)).toEqual([SEQUENTIAL[0], SEQUENTIAL[1], SEQUENTIAL[2], NO_DATA]);
  });
});

describe('barChart', () => {
  it('when values are 100, 50 and 100 against a maximum of 100, then 50 is half as wide and the tie is equal', () => {
    const root = parse(barChart(bar({ max: 100 })));
    const bars = marks(root);
    expect(bars.map((b) => b.attrs['data-value'])).toEqual(['100', '50', '100']);
    expect(bars.map(tip)).toEqual(['fair: 100', 'web: 50', 'ref: 100']);
    const [a, b, c] = bars.map((x) => Number(x.attrs.width)) as [number, number, number];
    expect(b).toBeCloseTo(a / 2, 1);
    expect(c).toBe(a);
    for (const v of ['100', '50']) expect(textsSaying(root, v).length).toBeGreaterThanOrEqual(1);
  });

  it('when no maximum is given, then the axis ends at the nice ceiling of the data with round ticks', () => {
    const ticksOf = (values: number[]) =>
      all(
        parse(barChart(bar({ series: [{ key: 's', label: 'S', values, tips: [] }] }))),
        (n) => 'data-tick' in n.attrs,
      ).map((n) => Number(n.attrs['data-tick']));
    expect(ticksOf([87, 12, 40])).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticksOf([7, 1, 2])).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticksOf([2, 1, 0])).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(ticksOf([180, 1, 0])).toEqual([0, 50, 100, 150, 200]);
  });

  it('when the data reaches the maximum, then the longest bar spans the axis from 0 to the last tick', () => {
    const root = parse(barChart(bar()));
    const ticks = all(root, (n) => 'data-tick' in n.attrs);
    const x0 = Number(ticks[0]!.attrs.x);
    const xEnd = Number(ticks.at(-1)!.attrs.x);
    expect(Number(marks(root)[0]!.attrs.x)).toBe(x0);
    expect(Number(marks(root)[0]!.attrs.width)).toBeCloseTo(xEnd - x0, 1);
  });

  it('when the unit is %, then value labels and ticks carry it', () => {
    const root = parse(
      barChart(bar({ unit: '%', series: [{ key: 's', label: 'S', values: [88, 40.25, 0], tips: [] }] })),
    );
    for (const s of ['88%', '40.3%', '0%', '100%']) expect(textsSaying(root, s).length).toBeGreaterThanOrEqual(1);
  });

  it('when there are two series, then each has its palette colour, both are in a legend, and a null draws no bar', () => {
    const root = parse(
      barChart(
        bar({
          series: [
            { key: 'apps', label: '申请', values: [120, 80, 40], tips: ['a1', 'a2', 'a3'] },
            { key: 'hires', label: '录用', values: [12, null, 4], tips: ['h1', 'h2', 'h3'] },
          ],
        }),
      ),
    );
    const bars = marks(root);
    expect(bars.map((b) => [b.attrs['data-series'], b.attrs.fill])).toEqual([
      ['apps', CATEGORICAL[0]],
      ['hires', CATEGORICAL[1]],
      ['apps', CATEGORICAL[0]],
      ['apps', CATEGORICAL[0]],
      ['hires', CATEGORICAL[1]],
    ]);
    expect(textsSaying(root, '申请')).toHaveLength(1);
    expect(textsSaying(root, '录用')).toHaveLength(1);
    // The missing value still says so, with its tooltip, instead of looking like zero.
    const dash = textsSaying(root, '–');
    expect(dash.map(tip)).toEqual(['h2']);
  });

  it('when there is one series, then no legend is drawn', () => {
    const root = parse(barChart(bar()));
    expect(textsSaying(root, 'Applications')).toHaveLength(1); // only the x axis title
  });
});

describe('funnelChart', () => {
  it('when rates are given, then the pass-through rate is printed between consecutive stages with a tooltip', () => {
    const root = parse(funnelChart(funnelOptions));
    const rates = all(root, (n) => 'data-rate' in n.attrs);
    expect(rates.map(text)).toEqual(['↓ 62.5%', '↓ 40%']);
    expect(rates.map((r) => Number(r.attrs['data-rate']))).toEqual([62.5, 40]);
    expect(rates.map(tip)).toEqual(['通过率: 62.5%', '通过率: 40%']);
    const bars = marks(root);
    expect(bars.map(tip)).toEqual(['申请 400', '审查 250', '录用 100']);
    expect(bars.map((b) => b.attrs['data-value'])).toEqual(['400', '250', '100']);
    // Each rate sits below the stage it leaves and above the stage it reaches.
    const ys = bars.map((b) => Number(b.attrs.y));
    rates.forEach((r, i) => {
      expect(Number(r.attrs.y)).toBeGreaterThan(ys[i]!);
      expect(Number(r.attrs.y)).toBeLessThan(ys[i + 1]!);
    });
  });

  it('when a rate is unknown, then it prints a dash rather than 0%', () => {
    const root = parse(funnelChart({ ...funnelOptions, rates: [null, null, 40] }));
    expect(
      texts(root)
        .filter((t) => text(t).startsWith('↓'))
        .map(text),
    ).toEqual(['↓ –', '↓ 40%']);
  });
});

describe('lineChart', () => {
  it('when a value is null, then that point has no marker and the line breaks there', () => {
    const root = parse(lineChart(line()));
    const bj = marks(root).filter((m) => m.attrs['data-series'] === 'bj');
    expect(bj.map((m) => m.attrs['data-label'])).toEqual(['1月', '2月', '4月', '5月']);
    expect(bj.map((m) => Number(m.attrs['data-value']))).toEqual([90, 88, 85, 84.5]);
    expect(bj.map(tip)).toEqual(['a', 'b', 'd', 'e']);
    const paths = all(root, (n) => n.name === 'path' && n.attrs.fill === 'none');
    const bjLine = paths.find((p) => p.attrs.stroke === CATEGORICAL[0])!;
    expect(bjLine.attrs.d!.match(/M/g)).toHaveLength(2);
  });

  it('when there are two series, then they differ in colour, marker shape and dash, and a legend names both', () => {
    const root = parse(lineChart(line()));
    const bj = marks(root).find((m) => m.attrs['data-series'] === 'bj')!;
    const tj = marks(root).find((m) => m.attrs['data-series'] === 'tj')!;
    expect(bj.attrs.fill).not.toBe(tj.attrs.fill);
    expect(bj.name).not.toBe(tj.name);
    const lines = all(root, (n) => n.name === 'path' && n.attrs.fill === 'none');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.attrs['stroke-dasharray']).not.toBe(lines[1]!.attrs['stroke-dasharray']);
    expect(textsSaying(root, '北京')).toHaveLength(1);
    expect(textsSaying(root, '天津')).toHaveLength(1);
  });

  it('when a series is marked dashed, then its line is dashed even if it comes first', () => {
    const root = parse(
      lineChart(line({ series: [{ key: 'p90', label: 'P90', values: [3, 4], tips: [], dashed: true }] })),
    );
    const [path] = all(root, (n) => n.name === 'path' && n.attrs.fill === 'none');
    expect(path?.attrs['stroke-dasharray']).toBeTruthy();
  });

  it('when the unit is % and no maximum is given, then the y axis runs 0–100% and points are labelled', () => {
    const root = parse(lineChart(line()));
    const ticks = all(root, (n) => 'data-tick' in n.attrs).map((n) => text(n));
    expect(ticks).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
    expect(textsSaying(root, '84.5%').length).toBeGreaterThanOrEqual(1);
    expect(textsSaying(root, '70%').length).toBeGreaterThanOrEqual(1);
  });

  it('when the points are too many to label each, then each line end is labelled', () => {
    const xLabels = Array.from({ length: 60 }, (_, i) => `W${i + 1}`);
    const values = xLabels.map((_, i) => 10 + (i % 7));
    const root = parse(lineChart(line({ unit: '天', xLabels, series: [{ key: 'm', label: 'M', values, tips: [] }] })));
    expect(marks(root)).toHaveLength(60);
    const valueTexts = texts(root).filter((t) => /天$/.test(text(t)));
    expect(valueTexts.map(text)).toEqual([`${values[59]}天`]);
  });
});

describe('empty input', () => {
  const cases: [string, () => string][] = [
    ['heatGrid without rows', () => heatGrid(heat({ rows: [] }))],
    ['heatGrid with only nulls', () => heatGrid(heat({ cells: [] }))],
    ['barChart without categories', () => barChart(bar({ categories: [] }))],
    [
      'barChart with only nulls',
      () => barChart(bar({ series: [{ key: 's', label: 'S', values: [null, null, null], tips: [] }] })),
    ],
    ['funnelChart without series', () => funnelChart({ ...funnelOptions, series: [] })],
    ['lineChart without series', () => lineChart(line({ series: [] }))],
    [
      'lineChart with only nulls',
      () => lineChart(line({ series: [{ key: 's', label: 'S', values: [null], tips: [] }] })),
    ],
  ];

  it.each(cases)('when %s, then it is a valid SVG with its title, the empty text and no marks', (_, render) => {
    const root = parse(render());
    expect(root.children[0]?.name).toBe('title');
    expect(text(root.children[0]!)).not.toBe('');
    const shown = texts(root).map(text);
    expect(shown).toHaveLength(1);
    expect(['暂无数据', 'No data yet']).toContain(shown[0]);
    expect(marks(root)).toHaveLength(0);
  });
});
