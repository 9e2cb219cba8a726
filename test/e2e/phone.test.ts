// The demo on a 360 px phone, as every role sees it. Every page with a table (found by following links from the
// routers' own route list, so a new table page is visited the day it is added): the page never scrolls sideways and
// no table column is squeezed to one character per line or clips its buttons; every other page is checked once for
// sideways scrolling. The reports' charts: they are drawn legibly and none of their labels overlap.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../server/app';
import { systemClock } from '../../server/clock';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { signIn, useBrowserApp } from '../helpers/browser';
import { routesOf } from '../security/inventory';

jest.setTimeout(600_000);

const e2e = useBrowserApp();
const PHONE = { width: 360, height: 740 };

/** The app's GET routes, read from its routers (the app is built but never listens nor connects). */
function pageRoutes(): string[] {
  const config = loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'inventory-only-session-secret-long-enough',
    DATA_KEY: 'inventory-only-data-key-that-is-long-enough',
    SMTP_URL: 'smtp://127.0.0.1:1',
    BASE_URL: 'http://teachbridge.test',
    MONGODB_URI: 'mongodb://127.0.0.1:1/inventory',
    LOG_LEVEL: 'silent',
  });
  const { app } = createApp({
    config,
    logger: createLogger('silent'),
    clock: systemClock,
    transport: { send: () => Promise.resolve() } as never,
    engine: 'none',
  });
  return (
    routesOf(app)
      .filter((r) => r.method === 'get')
      .map((r) => r.path)
      // Downloads and machine formats are not pages; single-use and signed links come from emails, not from pages.
      .filter((p) => !/\.(csv|xml|svg|zip)$|^\/api\/|^\/healthz$|^\/d\/|\/:token|\/:sig|\/documents\//.test(p))
  );
}

/** Who sees which tables; each signs in through the real form (null: not signed in). */
const ROLES: [string, string | null][] = [
  ['anonymous', null],
  ['funded teacher', 'teacher1@demo.teachbridge.cn'],
  ['school staff', 'hr.zhangbei@demo.teachbridge.cn'],
  ['paired-school staff (mentors)', 'hr.bj80@demo.teachbridge.cn'],
  ['careers office', 'careers@demo.bnu.edu.cn'],
  ['careers office, in English', 'careers@demo.cnu.edu.cn'],
  ['sponsor', 'grants@demo.chunhui.org.cn'],
  ['coordinator', 'coordinator@demo.teachbridge.cn'],
];

/** Lists whose first records are not the ones with a table: the registry's flagged teachers have check-ins. */
const ENTRIES = ['/coordinator/placements?flagged=1'];

/** Every page the demo has with a table; the crawl must reach each (it may find more). */
const TABLE_PAGES = [
  '/announcements/:id',
  '/coordinator/audit',
  '/coordinator/organisations',
  '/coordinator/placements',
  '/coordinator/placements/:id',
  '/coordinator/programmes',
  '/coordinator/reports',
  '/coordinator/team',
  '/jobs/:id',
  '/manage/announcements/:id',
  '/manage/mentors',
  '/manage/placements',
  '/manage/placements/:id',
  '/manage/placements/template',
  '/manage/vacancies',
  '/manage/vacancies/:id/applications',
  '/me/placement',
  '/notices/:id',
  '/partner',
  '/partner/referrals',
  '/sponsor/programmes',
  '/sponsor/programmes/:id',
];

/**
 * Runs in the page (as source, since the tests are compiled without the DOM's types): opens every <details> so
 * folded tables are measured too, then reports what a phone user would see go wrong.
 */
const MEASURE = `(() => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const problems = [];
  const page = document.scrollingElement.scrollWidth;
  if (page > innerWidth) problems.push('the page scrolls sideways: ' + page + ' px wide in ' + innerWidth);
  const hidden = (node) => node.closest('.visually-hidden') !== null;
  for (const cell of document.querySelectorAll('th, td')) {
    if (cell.offsetParent === null) continue;
    const name = (cell.innerText || '').trim().slice(0, 24);
    const style = getComputedStyle(cell);
    const size = parseFloat(style.fontSize);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let texts = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (hidden(node.parentElement)) continue;
      const chars = [...node.textContent].map((c, i) => [c, i]).filter(([c]) => c.trim() !== '');
      if (chars.length === 0) continue;
      texts += 1;
      if (chars.length < 2) continue;
      // The lines the text is laid out on, by the top of each character: one character a line is unreadable.
      const lines = new Map();
      let offset = 0;
      for (const ch of node.textContent) {
        if (ch.trim() !== '') {
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, offset + ch.length);
          const rect = range.getBoundingClientRect();
          if (rect.width > 0) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
        }
        offset += ch.length;
      }
      if (lines.size > 1 && Math.max(...lines.values()) < 2) {
        problems.push('"' + name + '" is laid out one character per line');
      }
    }
    if (texts > 0 && inner < 2 * size) problems.push('"' + name + '" is ' + inner + ' px wide, under two characters');
    const box = cell.getBoundingClientRect();
    for (const control of cell.querySelectorAll('button, .button, input:not([type=hidden]), select')) {
      const r = control.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || control.scrollWidth > control.clientWidth + 1) {
        problems.push('a control in "' + name + '" is cut off');
      }
    }
  }
  return { tables: document.querySelectorAll('table').length, problems };
})()`;

interface Visit {
  role: string;
  route: string;
  path: string;
  tables: number;
  problems: string[];
}

/**
 * Follows links from every parameterless page, as `email` (or anonymously), measuring each page with a table, and
 * any other page whose route no role has had measured yet (`measured`), for sideways scrolling.
 */
async function crawl(
  browser: Browser,
  role: string,
  email: string | null,
  routes: string[],
  measured: Set<string>,
): Promise<Visit[]> {
  const context: BrowserContext = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page: Page = await context.newPage();
  if (email) await signIn(page, e2e.app.baseUrl, email);
  const patterns = routes.map((route) => ({
    route,
    re: new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`),
  }));
  const routeOf = (path: string) => patterns.find((p) => p.re.test(path.split('?')[0]!))?.route;
  const queue = [...routes.filter((r) => !r.includes(':')), ...ENTRIES];
  // A few records of each kind, from different lists: whether a record's page has a table can depend on the record
  // (check-ins, an announcement's phases), and the list it is linked from says which kind it is.
  const samples = new Map<string, number>();
  const seen = new Set<string>();
  const visits: Visit[] = [];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await context.request.get(`${e2e.app.baseUrl}${path}`, { maxRedirects: 0 });
    if (res.status() !== 200 || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    const html = await res.text();
    const fromHere = new Map<string, number>();
    for (const [, link] of html.matchAll(/href="(\/[^"#?]*)/g)) {
      const route = routeOf(link!);
      if (!route?.includes(':') || seen.has(link!) || queue.includes(link!)) continue;
      if ((samples.get(route) ?? 0) >= 4 || (fromHere.get(route) ?? 0) >= 2) continue;
      samples.set(route, (samples.get(route) ?? 0) + 1);
      fromHere.set(route, (fromHere.get(route) ?? 0) + 1);
      queue.push(link!);
    }
    const route = routeOf(path)!;
    if (!html.includes('<table') && measured.has(route)) continue;
    measured.add(route);
    await page.goto(`${e2e.app.baseUrl}${path}`);
    const m = await page.evaluate<{ tables: number; problems: string[] }>(MEASURE);
    visits.push({ role, route, path, ...m });
    if (m.problems.length > 0) {
      await page.screenshot({ path: `test-results/phone-${role.replace(/\W+/g, '-')}.png`, fullPage: true });
    }
  }
  await context.close();
  return visits;
}

it('when every page with a table is opened on a 360 px phone by the role that sees it, then no page scrolls sideways and no column is squeezed to one character per line', async () => {
  const routes = pageRoutes();
  expect(routes).toEqual(expect.arrayContaining(['/manage/vacancies/:id/applications', '/coordinator/placements']));
  const visits: Visit[] = [];
  const measured = new Set<string>();
  for (const [role, email] of ROLES) visits.push(...(await crawl(e2e.browser, role, email, routes, measured)));
  // Every other page was looked at too (once, by the first role that could open it).
  expect(measured.size).toBeGreaterThan(40);

  const covered = new Set(visits.filter((v) => v.tables > 0).map((v) => v.route));
  expect(TABLE_PAGES.filter((route) => !covered.has(route))).toEqual([]);
  const problems = visits.flatMap((v) => v.problems.map((p) => `${v.role} at ${v.path}: ${p}`));
  expect(problems).toEqual([]);
});

/**
 * Runs in the page: for every chart, the glyphs of its labels (each character's box, turned as its text is turned)
 * and the scale it is drawn at. Two labels overlap when their glyphs intersect by more than a unit on every axis.
 */
const CHART_LABELS = `(() => {
  const problems = [];
  const charts = [...document.querySelectorAll('figure.report-chart svg')];
  for (const svg of charts) {
    const multiple = svg.closest('.multiple');
    const chart = svg.closest('figure').id + (multiple ? ' (' + multiple.querySelector('h4').textContent + ')' : '');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    if (scale < 0.79) problems.push(chart + ': drawn at ' + scale.toFixed(2) + ' of its size, its text too small to read');
    const toSvg = svg.getScreenCTM().inverse();
    const labels = [];
    for (const text of svg.querySelectorAll('text')) {
      const m = toSvg.multiply(text.getScreenCTM());
      const quads = [];
      for (let i = 0; i < text.getNumberOfChars(); i++) {
        const e = text.getExtentOfChar(i);
        if (e.width <= 0 || e.height <= 0) continue;
        quads.push([[e.x, e.y], [e.x + e.width, e.y], [e.x + e.width, e.y + e.height], [e.x, e.y + e.height]].map(
          ([x, y]) => { const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; }));
      }
      if (quads.length === 0) continue;
      const xs = quads.flat().map((p) => p[0]);
      const ys = quads.flat().map((p) => p[1]);
      labels.push({ text: [...text.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join(''), quads,
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
    }
    const overlap = (a, b) => {
      for (const poly of [a, b]) {
        for (let i = 0; i < 4; i++) {
          const [x1, y1] = poly[i];
          const [x2, y2] = poly[(i + 1) % 4];
          const axis = [y1 - y2, x2 - x1];
          const len = Math.hypot(axis[0], axis[1]) || 1;
          const project = (q) => q.map(([x, y]) => (x * axis[0] + y * axis[1]) / len);
          const pa = project(a);
          const pb = project(b);
          if (Math.min(Math.max(...pa), Math.max(...pb)) - Math.max(Math.min(...pa), Math.min(...pb)) <= 1) return false;
        }
      }
      return true;
    };
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i], labels[j]];
        if (a.box[2] <= b.box[0] || b.box[2] <= a.box[0] || a.box[3] <= b.box[1] || b.box[3] <= a.box[1]) continue;
        if (a.quads.some((qa) => b.quads.some((qb) => overlap(qa, qb)))) {
          problems.push(chart + ': "' + a.text + '" overlaps "' + b.text + '"');
        }
      }
    }
  }
  return { charts: charts.length, problems };
})()`;

it('when a coordinator reads the reports on a 360 px phone, then every chart is drawn legibly and no two of its labels overlap', async () => {
  const context = await e2e.browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, e2e.app.baseUrl, 'coordinator@demo.teachbridge.cn');
  const problems: string[] = [];
  // The region (cities, and one small grid per school stage), one city (its counties), and in English.
  for (const query of ['', '?unit=1307', '?lang=en']) {
    await page.goto(`${e2e.app.baseUrl}/coordinator/reports${query}`);
    const m = await page.evaluate<{ charts: number; problems: string[] }>(CHART_LABELS);
    expect(m.charts).toBeGreaterThanOrEqual(13);
    problems.push(...m.problems.map((p) => `${query || 'region'}: ${p}`));
    const width = await page.evaluate<number>('document.scrollingElement.scrollWidth');
    expect({ query, width }).toEqual({ query, width: PHONE.width });
  }
  expect(problems).toEqual([]);
  await context.close();
});
